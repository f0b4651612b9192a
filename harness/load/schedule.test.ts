import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import {
  constantArrivals,
  parseDuration,
  peakRate,
  profileMs,
  type RateProfile,
  rampingArrivals,
  withSpikes,
} from './schedule.ts';

describe('parseDuration', () => {
  it('reads k6 durations', () => {
    expect([parseDuration('500ms'), parseDuration('10s'), parseDuration('2m'), parseDuration('1h')]).toEqual([
      500, 10_000, 120_000, 3_600_000,
    ]);
    expect(parseDuration(250)).toBe(250);
  });

  it.each(['10', '10 sec', '-1s', ''])('rejects %j, saying how to write it', (value) => {
    expect(() => parseDuration(value)).toThrow(HarnessError);
    expect(() => parseDuration(value)).toThrow('write it as 500ms, 10s, 2m or 1h');
  });
});

describe('arrival schedules', () => {
  it('spaces a constant rate evenly', () => {
    expect([...constantArrivals(4, 1000)]).toEqual([0, 250, 500, 750]);
  });

  it('follows its stages: a hold, a ramp up, a ramp down', () => {
    const offsets = [
      ...rampingArrivals(10, [
        { duration: '2s', target: 10 },
        { duration: '2s', target: 30 },
        { duration: '1s', target: 0 },
      ]),
    ];
    const inWindow = (from: number, to: number) => offsets.filter((t) => t >= from && t < to).length;
    // Calls per stage equal the integral of the rate: 2·10, 2·(10+30)/2, 1·(30+0)/2.
    expect(inWindow(0, 2000)).toBe(20);
    expect(inWindow(2000, 4000)).toBe(40);
    expect(inWindow(4000, 5000)).toBe(15);
    // The rate grows through the ramp: the second half of it holds more calls than the first.
    expect(inWindow(3000, 4000)).toBeGreaterThan(inWindow(2000, 3000));
    // Offsets never go backwards and stay inside the stages.
    expect(offsets.every((t, i) => i === 0 || t >= (offsets[i - 1] ?? 0))).toBe(true);
    expect(Math.max(...offsets)).toBeLessThan(5000);
  });

  it('starts from zero like k6 (startRate 0) without dividing by zero', () => {
    const offsets = [...rampingArrivals(0, [{ duration: '10s', target: 20 }])];
    expect(offsets).toHaveLength(100);
    // With a linear ramp from 0, call n is due at sqrt(2n/slope): the first at 0, the 50th at ~7.07 s.
    expect(offsets[0]).toBe(0);
    expect(offsets[50]).toBeCloseTo(7071, 0);
  });
});

describe('withSpikes', () => {
  const count = (profile: RateProfile, fromMs: number, toMs: number) =>
    [...rampingArrivals(profile.startRate, profile.stages)].filter((t) => t >= fromMs && t < toMs).length;

  it('multiplies a constant rate inside the window and leaves the rest alone', () => {
    const base: RateProfile = { startRate: 100, stages: [{ duration: '10s', target: 100 }] };
    const spiked = withSpikes(base, [{ atMs: 4000, durationMs: 2000, multiplier: 4 }]);
    expect(profileMs(spiked)).toBe(10_000);
    expect(peakRate(spiked)).toBe(400);
    expect(count(spiked, 0, 4000)).toBe(400);
    expect(count(spiked, 4000, 6000)).toBe(800);
    expect(count(spiked, 6000, 10_000)).toBe(400);
  });

  it('follows a ramp underneath, and overlapping spikes multiply', () => {
    const base: RateProfile = { startRate: 0, stages: [{ duration: '10s', target: 100 }] };
    const spiked = withSpikes(base, [
      { atMs: 2000, durationMs: 4000, multiplier: 2 },
      { atMs: 4000, durationMs: 1000, multiplier: 3 },
    ]);
    // Rate 10·t calls/s at t s: ∫ over [4,5] = 45 calls, ×6 inside both spikes.
    expect(count(spiked, 4000, 5000)).toBeGreaterThanOrEqual(269);
    expect(count(spiked, 4000, 5000)).toBeLessThanOrEqual(271);
    // ∫ over [6,10] = 320 calls, no spike.
    expect(Math.abs(count(spiked, 6000, 10_000) - 320)).toBeLessThanOrEqual(1);
    expect(profileMs(spiked)).toBe(10_000);
  });

  it('returns the profile itself when there is no spike', () => {
    const base: RateProfile = { startRate: 5, stages: [{ duration: '1s', target: 5 }] };
    expect(withSpikes(base, [])).toBe(base);
  });
});
