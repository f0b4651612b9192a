import type { RecordOf } from '../journal/index.ts';
import { Distribution, isFailed } from '../stats/index.ts';
import type { ExposureWindow, FaultReport, ProbeSeries, Recovery, Timeline } from './schema.ts';

/** At most this many buckets (and points per probe series): a 10-minute run at 2 s, a day at 5 min. */
export const MAX_BUCKETS = 300;

/** Bucket widths a person reads easily; past the last, multiples of it. */
const NICE_MS = [1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];

/** The smallest nice width that fits `durationMs` into MAX_BUCKETS buckets. */
export function bucketWidth(durationMs: number): number {
  const wanted = Math.max(1, durationMs) / MAX_BUCKETS;
  const nice = NICE_MS.find((ms) => ms >= wanted);
  const last = NICE_MS[NICE_MS.length - 1] as number;
  return nice ?? Math.ceil(wanted / last) * last;
}

interface CallBucket {
  calls: number;
  ok: number;
  error: number;
  failed: number;
  latency: Distribution;
  /** Offsets (ms from the run's start) of intended starts: for recovery and exposure windows. */
  firstFailed: number;
  lastFailed: number;
  lastStart: number;
  lastStartFailed: boolean;
}

function emptyBucket(): CallBucket {
  return {
    calls: 0,
    ok: 0,
    error: 0,
    failed: 0,
    latency: new Distribution(),
    firstFailed: Number.POSITIVE_INFINITY,
    lastFailed: Number.NEGATIVE_INFINITY,
    lastStart: Number.NEGATIVE_INFINITY,
    lastStartFailed: false,
  };
}

function mergeBucket(into: CallBucket, from: CallBucket): void {
  into.calls += from.calls;
  into.ok += from.ok;
  into.error += from.error;
  into.failed += from.failed;
  into.latency.merge(from.latency);
  into.firstFailed = Math.min(into.firstFailed, from.firstFailed);
  into.lastFailed = Math.max(into.lastFailed, from.lastFailed);
  if (from.lastStart > into.lastStart) {
    into.lastStart = from.lastStart;
    into.lastStartFailed = from.lastStartFailed;
  }
}

/**
 * Buckets of a fixed width over the run's time axis that double their width (merging neighbours)
 * whenever a value lands past MAX_BUCKETS: memory stays bounded whatever the run's length, and a
 * run that lasts as planned never merges (the width is chosen from the planned length).
 */
class Buckets<T> {
  #width: number;
  readonly #items: (T | undefined)[] = [];
  readonly #make: () => T;
  readonly #merge: (into: T, from: T) => void;

  constructor(width: number, make: () => T, merge: (into: T, from: T) => void) {
    this.#width = width;
    this.#make = make;
    this.#merge = merge;
  }

  get width(): number {
    return this.#width;
  }

  at(offsetMs: number): T {
    let index = Math.max(0, Math.floor(offsetMs / this.#width));
    while (index >= MAX_BUCKETS) {
      this.#coarsen();
      index = Math.max(0, Math.floor(offsetMs / this.#width));
    }
    let item = this.#items[index];
    if (item === undefined) {
      item = this.#make();
      this.#items[index] = item;
    }
    return item;
  }

  /** [bucket start offset, item] for every bucket that holds something, in time order. */
  *entries(): Generator<[number, T]> {
    for (let i = 0; i < this.#items.length; i++) {
      const item = this.#items[i];
      if (item !== undefined) yield [i * this.#width, item];
    }
  }

  #coarsen(): void {
    const merged: (T | undefined)[] = [];
    for (let i = 0; i < this.#items.length; i++) {
      const item = this.#items[i];
      if (item === undefined) continue;
      const target = Math.floor(i / 2);
      const existing = merged[target];
      if (existing === undefined) merged[target] = item;
      else this.#merge(existing, item);
    }
    this.#items.length = 0;
    this.#items.push(...merged);
    this.#width *= 2;
  }
}

/** Gauges whose names end in `_total` against Prometheus' convention (they are not counters). */
const TOTAL_GAUGES = new Set([
  'db_pool_total',
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
]);

/**
 * Probe series not worth a chart: counters and histogram parts (a line that only rises says
 * little next to the calls' own rates), and Toxiproxy's counts (its faults are shaded anyway).
 */
export function charted(probe: string, key: string): boolean {
  if (probe === 'toxiproxy') return false;
  const name = key.split('{')[0] ?? key;
  if (TOTAL_GAUGES.has(name)) return true;
  return !/(_total|_count|_sum|_bucket|_created)$/.test(name);
}

interface Point {
  value: number;
  /** Keep the lowest value (readiness: one failed sample must show), else the highest. */
  low: boolean;
}

/**
 * The report's time series of one scenario, folded from its journal: calls per bucket by outcome
 * class with latency percentiles, the probes' numeric series, the driver's lag; and, at the end,
 * each heal's recovery time and the windows in which clients saw failures.
 */
export class TimelineFold {
  #startedAt: number | undefined;
  #calls: Buckets<CallBucket> | undefined;
  readonly #series = new Map<string, { probe: string; series: string; buckets: Buckets<Point> }>();
  /** When each fault began to act (its `injecting`, else its `inject`), as offsets: where a recovery ends. */
  readonly #faultStarts: number[] = [];

  /** The run's start and its planned length (the header's `config.timelineMs`), from the header. */
  start(startedAt: number, plannedMs: number | undefined): void {
    if (this.#startedAt !== undefined) return;
    this.#startedAt = startedAt;
    this.#calls = new Buckets(bucketWidth(plannedMs ?? 60_000), emptyBucket, mergeBucket);
  }

  get bucketMs(): number {
    return this.#calls?.width ?? bucketWidth(60_000);
  }

  call(r: RecordOf<'call'>): void {
    if (this.#startedAt === undefined || this.#calls === undefined) return;
    const offset = r.intendedStart - this.#startedAt;
    const bucket = this.#calls.at(offset);
    const failed = isFailed(r);
    bucket.calls++;
    if (failed) bucket.failed++;
    else if (r.outcome === 'ok') bucket.ok++;
    else bucket.error++;
    bucket.latency.record(r.end - r.intendedStart);
    if (failed) {
      bucket.firstFailed = Math.min(bucket.firstFailed, offset);
      bucket.lastFailed = Math.max(bucket.lastFailed, offset);
    }
    if (offset >= bucket.lastStart) {
      bucket.lastStart = offset;
      bucket.lastStartFailed = failed;
    }
  }

  probe(r: RecordOf<'probe'>): void {
    if (this.#startedAt === undefined) return;
    const offset = r.at - this.#startedAt;
    // Readiness as 1/0, so a failed /readyz shows on the same axis as the gauges.
    if (r.name === 'readyz') this.#point('readyz', 'ok', offset, r.ok ? 1 : 0, true);
    for (const [key, value] of Object.entries(r.values ?? {})) {
      if (charted(r.name, key)) this.#point(r.name, key, offset, value, false);
    }
  }

  fault(r: RecordOf<'fault'>): void {
    if (this.#startedAt === undefined) return;
    if (r.event === 'injecting' || r.event === 'inject') this.#faultStarts.push(r.at - this.#startedAt);
  }

  lag(r: RecordOf<'lag'>): void {
    if (this.#startedAt === undefined) return;
    const offset = r.from - this.#startedAt;
    this.#point('driver', 'lagMaxMs', offset, r.maxLagMs, false);
    if (r.dropped > 0) this.#point('driver', 'dropped', offset, r.dropped, false);
  }

  #point(probe: string, series: string, offset: number, value: number, low: boolean): void {
    const key = `${probe}:${series}`;
    let entry = this.#series.get(key);
    if (entry === undefined) {
      entry = {
        probe,
        series,
        buckets: new Buckets<Point>(
          this.bucketMs,
          () => ({ value: low ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, low }),
          (into, from) => {
            into.value = low ? Math.min(into.value, from.value) : Math.max(into.value, from.value);
          },
        ),
      };
      this.#series.set(key, entry);
    }
    const point = entry.buckets.at(offset);
    point.value = low ? Math.min(point.value, value) : Math.max(point.value, value);
  }

  timeline(): Timeline {
    const buckets = [];
    for (const [at, b] of this.#calls?.entries() ?? []) {
      const [p50, p95, p99] = b.latency.percentiles([50, 95, 99]);
      buckets.push({
        at,
        calls: b.calls,
        ok: b.ok,
        error: b.error,
        failed: b.failed,
        p50: p50 ?? null,
        p95: p95 ?? null,
        p99: p99 ?? null,
        max: b.latency.max ?? null,
      });
    }
    return { bucketMs: this.bucketMs, buckets };
  }

  probes(): ProbeSeries[] {
    return [...this.#series.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, { probe, series, buckets }]) => ({
        key,
        probe,
        series,
        points: [...buckets.entries()].map(([at, p]): [number, number] => [at, p.value]),
      }));
  }

  /**
   * Per healed fault: from the heal to the intended start of the last failed call before the next
   * fault began to act (its `injecting`: a restart fails calls before its inject completes), or the
   * run's end; 0 when none failed; null when the last call made in that stretch failed (clients
   * were still failing when it ended) or no call was made in it.
   */
  recovery(faults: readonly FaultReport[], durationMs: number): Recovery[] {
    const injects = this.#faultStarts;
    const buckets = [...(this.#calls?.entries() ?? [])];
    const out: Recovery[] = [];
    for (const fault of faults) {
      const healed = fault.healedOffsetMs;
      if (healed === null) continue;
      const until = Math.min(durationMs, ...injects.filter((t) => t > healed));
      let lastFailed = Number.NEGATIVE_INFINITY;
      let lastStart = Number.NEGATIVE_INFINITY;
      let lastStartFailed = false;
      let calls = 0;
      for (const [, b] of buckets) {
        if (b.lastFailed >= healed && b.lastFailed < until) lastFailed = Math.max(lastFailed, b.lastFailed);
        if (b.lastStart >= healed && b.lastStart < until) {
          calls += b.calls;
          if (b.lastStart > lastStart) {
            lastStart = b.lastStart;
            lastStartFailed = b.lastStartFailed;
          }
        }
      }
      const recoveredAfterMs =
        calls === 0 || lastStartFailed
          ? null
          : lastFailed === Number.NEGATIVE_INFINITY
            ? 0
            : lastFailed - healed;
      out.push({
        fault: fault.fault,
        ...(fault.link !== undefined ? { link: fault.link } : {}),
        healedOffsetMs: healed,
        recoveredAfterMs,
      });
    }
    return out;
  }

  /**
   * Windows in which calls failed: consecutive buckets with failures (a gap of one empty bucket
   * joins them), from the first failed call's intended start to the last's; and each rolled-back
   * deploy's exposure, as its fault record gave it.
   */
  exposure(deploys: readonly RecordOf<'fault'>[]): ExposureWindow[] {
    const out: ExposureWindow[] = [];
    let open: ExposureWindow | undefined;
    let openEnd = Number.NEGATIVE_INFINITY;
    const width = this.bucketMs;
    for (const [at, b] of this.#calls?.entries() ?? []) {
      if (b.failed === 0) continue;
      if (open && at - openEnd <= width) {
        open.toOffsetMs = Math.max(open.toOffsetMs, b.lastFailed);
        open.calls += b.failed;
      } else {
        open = { kind: 'failures', fromOffsetMs: b.firstFailed, toOffsetMs: b.lastFailed, calls: b.failed };
        out.push(open);
      }
      openEnd = at + width;
    }
    const startedAt = this.#startedAt ?? 0;
    for (const r of deploys) {
      const shiftedAt = r.data?.shiftedAt;
      const exposureMs = r.data?.exposureMs;
      if (shiftedAt === undefined || exposureMs === undefined) continue;
      out.push({
        kind: 'deploy',
        fromOffsetMs: shiftedAt - startedAt,
        toOffsetMs: shiftedAt - startedAt + exposureMs,
        calls: r.data?.exposureCalls ?? 0,
        detail: `${r.fault}: ${r.detail ?? 'rolled back'}`,
      });
    }
    return out.sort((a, b) => a.fromOffsetMs - b.fromOffsetMs);
  }
}
