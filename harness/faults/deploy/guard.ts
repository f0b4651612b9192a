import { type Check, isThresholdsCheck, type ThresholdSpec, thresholds } from '../../checks/index.ts';
import type { CallRecord, JournalRecord, JournalSource } from '../../journal/index.ts';

/** What a deploy watches while the new build takes traffic; a breach rolls it back. */
export interface DeployGuardSpec {
  /**
   * k6 thresholds over the calls the new build answered, e.g.
   * `{ call_duration: ['p(95)<300'], call_failed: ['rate<0.02'] }`.
   */
  thresholds?: ThresholdSpec;
  /**
   * Checks folded live over the new build's calls (e.g. `Expect.isolation()`,
   * `Expect.correctAnswers()`): a `fail` verdict is a breach.
   */
  checks?: readonly Check[];
  /** How long each traffic step is watched before the rollout goes on (default 3000 ms). */
  watchMs?: number;
  /** Calls of the new build before the thresholds may judge (default 20): a cold start's first calls are slow. */
  minCalls?: number;
}

interface Fold {
  check: Check;
  state: unknown;
}

/**
 * The guard: the same check folds as a scenario's verdicts, fed live with the calls the new build
 * answered (told apart by the build id each answer carries) and judged on demand.
 */
export class DeployGuard {
  readonly #build: string;
  readonly #folds: Fold[];
  readonly #minCalls: number;
  readonly watchMs: number;
  #calls = 0;
  #served: { at: number }[] = [];
  #detach: (() => void) | undefined;

  constructor(spec: DeployGuardSpec, build: string, dataset: JournalRecord | undefined) {
    this.#build = build;
    this.#minCalls = spec.minCalls ?? 20;
    this.watchMs = spec.watchMs ?? 3000;
    const checks = [...(spec.thresholds ? [thresholds(spec.thresholds)] : []), ...(spec.checks ?? [])];
    this.#folds = checks.map((check) => ({ check, state: check.init() }));
    // Checks of answers need the ground truth the run journaled first.
    if (dataset) for (const fold of this.#folds) this.#feed(fold, dataset);
  }

  /** Whether there is anything to judge. */
  get armed(): boolean {
    return this.#folds.length > 0;
  }

  /** Follows the run's journal until stop(). */
  start(journal: JournalSource | undefined): this {
    this.#detach = journal?.subscribe((record) => {
      if (record.type !== 'call' || record.buildId !== this.#build) return;
      this.#calls++;
      this.#served.push({ at: record.end });
      for (const fold of this.#folds) this.#feed(fold, record);
    });
    return this;
  }

  stop(): void {
    this.#detach?.();
    this.#detach = undefined;
  }

  /** Calls the new build answered (any outcome) whose answer came within [from, to]. */
  servedBetween(from: number, to: number): number {
    return this.#served.filter((c) => c.at >= from && c.at <= to).length;
  }

  /** The first failing check's summary once enough calls are in, else undefined. */
  breach(): string | undefined {
    if (this.#calls < this.#minCalls) return undefined;
    for (const { check, state } of this.#folds) {
      const verdict = check.finish(state);
      if (verdict.status !== 'fail') continue;
      if (isThresholdsCheck(check)) {
        // Which threshold, at what value: "call_duration p(95)<250 at 412".
        const crossed = check
          .results(state as never)
          .filter((r) => r.ok === false)
          .map((r) => `${r.metric} ${r.threshold} at ${Math.round((r.actual ?? 0) * 1000) / 1000}`);
        return `thresholds crossed: ${crossed.join(', ')}`;
      }
      return `${check.name}: ${verdict.summary}`;
    }
    return undefined;
  }

  #feed(fold: Fold, record: JournalRecord | CallRecord): void {
    if (!fold.check.needs.includes(record.type)) return;
    try {
      fold.check.update(fold.state, record);
    } catch {
      // A check that throws is a harness bug the scenario's own verdicts report; it must not
      // take the journal's writer (whose listener this is) down with it.
    }
  }
}
