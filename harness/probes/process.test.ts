import { describe, expect, it } from 'vitest';
import { cpuPercent, processProbe, type TimedUsage } from './process.ts';

const reading = (at: number, cpuSeconds: number, instance = 'pid 1'): TimedUsage => ({
  at,
  cpuSeconds,
  rssBytes: 50e6,
  instance,
});

describe('cpuPercent', () => {
  it('is CPU seconds over wall seconds, in percent of one core', () => {
    expect(cpuPercent(reading(1000, 2), reading(1500, 2.25))).toBeCloseTo(50);
    expect(cpuPercent(reading(0, 0), reading(1000, 1.5))).toBeCloseTo(150); // more than one core
    expect(cpuPercent(reading(0, 1), reading(1000, 1))).toBe(0);
  });

  it('is undefined when two readings cannot be compared', () => {
    expect(cpuPercent(undefined, reading(0, 1))).toBeUndefined();
    expect(cpuPercent(reading(0, 5, 'pid 1'), reading(1000, 0.2, 'pid 2'))).toBeUndefined(); // restarted
    expect(cpuPercent(reading(1000, 1), reading(1000, 2))).toBeUndefined(); // no time between
    expect(cpuPercent(reading(0, 2), reading(1000, 1))).toBeUndefined(); // counter went back
  });
});

describe('processProbe', () => {
  it('journals RSS and CPU seconds, and CPU% from the second reading of the same instance on', async () => {
    const usages = [reading(0, 1), reading(0, 1.5), reading(0, 0.1, 'pid 2')];
    const times = [0, 1000, 2000];
    const target = { resourceUsage: async () => usages.shift() ?? reading(0, 0) };
    const probe = processProbe(target as never, () => times.shift() ?? 0);
    expect((await probe.read()).values).toEqual({ rss_bytes: 50e6, cpu_seconds_total: 1 });
    expect((await probe.read()).values).toEqual({ rss_bytes: 50e6, cpu_seconds_total: 1.5, cpu_percent: 50 });
    expect((await probe.read()).values).toEqual({ rss_bytes: 50e6, cpu_seconds_total: 0.1 });
  });
});
