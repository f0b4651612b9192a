import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProbeRecord } from '../journal/index.ts';
import type { Probe, ProbeReading } from './probe.ts';
import { startSampler } from './sampler.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function probe(name: string, read: () => Promise<ProbeReading>, close = vi.fn(async () => {})): Probe {
  return { name, read, close };
}

describe('startSampler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('samples each probe on its own: a slow one skips ticks, the others keep the grid', async () => {
    const records: ProbeRecord[] = [];
    const fast = probe('fast', async () => ({ values: { n: 1 } }));
    const slow = probe('slow', async () => {
      await sleep(250);
      return {};
    });
    const running = startSampler(
      [fast, slow],
      (r) => records.push(r),
      100,
      () => Date.now(),
    );
    await vi.advanceTimersByTimeAsync(1000);
    const stopped = running.stop();
    await vi.advanceTimersByTimeAsync(300); // the slow sample begun at 900 finishes
    await stopped;
    const at = (name: string) => records.filter((r) => r.name === name).map((r) => r.at);
    expect(at('fast')).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    // Busy 0–250, 300–550, 600–850, 900–1150: the ticks at 100, 200, 400, 500, … are skipped.
    expect(at('slow')).toEqual([0, 300, 600, 900]);
    expect(records.filter((r) => r.name === 'slow').every((r) => r.ok && r.latencyMs === 250)).toBe(true);
    expect(records.find((r) => r.name === 'fast')).toEqual({
      type: 'probe',
      name: 'fast',
      at: 0,
      ok: true,
      latencyMs: 0,
      values: { n: 1 },
    });
  });

  it('journals a failing probe as ok: false with its error, and drops non-finite values', async () => {
    const records: ProbeRecord[] = [];
    const failing = probe('failing', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    const unwell = probe('unwell', async () => ({
      ok: false,
      detail: 'x'.repeat(2000),
      values: { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: 3 },
    }));
    const running = startSampler(
      [failing, unwell],
      (r) => records.push(r),
      100,
      () => Date.now(),
    );
    await running.stop();
    expect(records).toEqual([
      {
        type: 'probe',
        name: 'failing',
        at: 0,
        ok: false,
        latencyMs: 0,
        detail: 'connect ECONNREFUSED 127.0.0.1:5432',
      },
      {
        type: 'probe',
        name: 'unwell',
        at: 0,
        ok: false,
        latencyMs: 0,
        detail: 'x'.repeat(500),
        values: { c: 3 },
      },
    ]);
  });

  it('stop() ends sampling, closes every probe once, and reports a journal that refused a record', async () => {
    const records: ProbeRecord[] = [];
    const close = vi.fn(async () => {});
    const running = startSampler(
      [probe('p', async () => ({}), close)],
      (r) => records.push(r),
      100,
      () => Date.now(),
    );
    await vi.advanceTimersByTimeAsync(250);
    await Promise.all([running.stop(), running.stop()]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(records.map((r) => r.at)).toEqual([0, 100, 200]);
    expect(close).toHaveBeenCalledTimes(1);

    const refusing = startSampler(
      [probe('p', async () => ({}))],
      () => {
        throw new Error('journal closed');
      },
      100,
      () => Date.now(),
    );
    await expect(refusing.stop()).rejects.toThrow('journal closed');
  });
});
