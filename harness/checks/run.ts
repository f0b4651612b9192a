import type { JournalRecord, JournalSource } from '../journal/index.ts';
import { verdict } from './evidence.ts';
import type { Check, Verdict } from './types.ts';

/**
 * One check's fold, guarded: a check that throws is a harness bug, and it must not take the
 * other checks (or, live, the load driver appending records) down with it. It stops folding and
 * finishes inconclusive with the error in its summary, which fails CI loudly (exit code 2).
 */
class Fold {
  readonly #check: Check;
  readonly #needs: ReadonlySet<string>;
  #state: unknown;
  #error: unknown;

  constructor(check: Check) {
    this.#check = check;
    this.#needs = new Set(check.needs);
    try {
      this.#state = check.init();
    } catch (error) {
      this.#error = error;
    }
  }

  update(record: JournalRecord): void {
    if (this.#error !== undefined || !this.#needs.has(record.type)) return;
    try {
      this.#check.update(this.#state, record);
    } catch (error) {
      this.#error = error;
    }
  }

  finish(): Verdict {
    if (this.#error === undefined) {
      try {
        return this.#check.finish(this.#state);
      } catch (error) {
        this.#error = error;
      }
    }
    const reason = this.#error instanceof Error ? this.#error.message : String(this.#error);
    return verdict(this.#check.name, 'inconclusive', `The check itself failed: ${reason}.`);
  }
}

/** Folds every check over a finished journal (offline: reports re-derived from a file). */
export function runChecks(checks: readonly Check[], records: Iterable<JournalRecord>): Verdict[] {
  const folds = checks.map((check) => new Fold(check));
  for (const record of records) for (const fold of folds) fold.update(record);
  return folds.map((fold) => fold.finish());
}

/**
 * Folds checks while the journal is written. `attach` replays what the source already holds,
 * then follows it, so attaching late misses nothing. `peek` gives interim verdicts (for abort
 * conditions); `finish` detaches and gives the final ones, and is idempotent.
 */
export class LiveChecks {
  readonly #folds: Fold[];
  readonly #detach: (() => void)[] = [];
  #final: Verdict[] | undefined;

  constructor(checks: readonly Check[]) {
    this.#folds = checks.map((check) => new Fold(check));
  }

  static attach(checks: readonly Check[], source: JournalSource): LiveChecks {
    return new LiveChecks(checks).attach(source);
  }

  attach(source: JournalSource): this {
    for (const record of source.records()) this.update(record);
    this.#detach.push(source.subscribe((record) => this.update(record)));
    return this;
  }

  /** Feeds one record; ignored once finished. */
  update(record: JournalRecord): void {
    if (this.#final !== undefined) return;
    for (const fold of this.#folds) fold.update(record);
  }

  peek(): Verdict[] {
    return this.#final ?? this.#folds.map((fold) => fold.finish());
  }

  finish(): Verdict[] {
    if (this.#final === undefined) {
      for (const detach of this.#detach.splice(0)) detach();
      this.#final = this.#folds.map((fold) => fold.finish());
    }
    return this.#final;
  }
}
