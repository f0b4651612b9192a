import type { JournalRecord, JournalSource } from '../journal/index.ts';
import {
  isThresholdsCheck,
  type ThresholdResult,
  type ThresholdsCheck,
  type ThresholdsState,
} from './thresholds.ts';
import type { Check } from './types.ts';

export interface ThresholdWatchOptions {
  /** Called once, the first time an abort-on-fail threshold is found crossed. */
  onBreach?: (breaches: ThresholdResult[]) => void;
  /** How often, in journal time, `update` evaluates abort-on-fail thresholds (default 2 s, as k6). */
  everyMs?: number;
}

/**
 * Abort-on-fail, live. Folds the thresholds checks among `checks` that have an abort-on-fail
 * threshold, and every `everyMs` of journal time (call ends, lag windows: deterministic, so a
 * journal replayed offline aborts at the same record) asks each for its breaches; the first
 * non-empty answer goes to `onBreach`. `breached()` asks on demand. Inert when no threshold
 * aborts on fail.
 */
export class ThresholdWatch {
  readonly #watched: { check: ThresholdsCheck; state: ThresholdsState }[];
  readonly #onBreach: ((breaches: ThresholdResult[]) => void) | undefined;
  readonly #everyMs: number;
  #lastEvaluation: number | undefined;
  #fired = false;
  #detach: (() => void) | undefined;

  constructor(checks: readonly Check[], options: ThresholdWatchOptions = {}) {
    this.#watched = checks
      .filter(isThresholdsCheck)
      .filter((check) => check.abortsOnFail)
      .map((check) => ({ check, state: check.init() }));
    this.#onBreach = options.onBreach;
    this.#everyMs = options.everyMs ?? 2000;
  }

  /** Replays what `source` holds, then follows it until `detach()`. */
  static attach(
    checks: readonly Check[],
    source: JournalSource,
    options?: ThresholdWatchOptions,
  ): ThresholdWatch {
    const watch = new ThresholdWatch(checks, options);
    if (watch.armed) {
      for (const record of source.records()) watch.update(record);
      watch.#detach = source.subscribe((record) => watch.update(record));
    }
    return watch;
  }

  /** Whether any threshold aborts on fail (else the watch does nothing). */
  get armed(): boolean {
    return this.#watched.length > 0;
  }

  /** Whether `onBreach` has been called. */
  get fired(): boolean {
    return this.#fired;
  }

  update(record: JournalRecord): void {
    if (this.#watched.length === 0 || (record.type !== 'call' && record.type !== 'lag')) return;
    for (const { check, state } of this.#watched) check.update(state, record);
    if (this.#fired || this.#onBreach === undefined) return;
    const now = record.type === 'call' ? record.end : record.to;
    if (this.#lastEvaluation !== undefined && now - this.#lastEvaluation < this.#everyMs) return;
    this.#lastEvaluation = now;
    const breaches = this.breached();
    if (breaches.length > 0) {
      this.#fired = true;
      this.#onBreach(breaches);
    }
  }

  /** The abort-on-fail thresholds crossed now (see ThresholdsCheck.breached). */
  breached(): ThresholdResult[] {
    return this.#watched.flatMap(({ check, state }) => check.breached(state));
  }

  detach(): void {
    this.#detach?.();
    this.#detach = undefined;
  }
}
