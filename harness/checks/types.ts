import type { Evidence, JournalRecord, RecordOf, RecordType, VerdictStatus } from '../journal/index.ts';

/** A verdict as a check yields it; the journal's verdict record minus its `type` tag. */
export type Verdict = Omit<RecordOf<'verdict'>, 'type'>;
export type { Evidence, VerdictStatus };

/**
 * A check is a fold over journal records. The same object runs live (records handed over as
 * they are appended) and offline (over a journal read back), so `update` must not depend on
 * wall-clock time and `finish` must not mutate the state: live callers may peek mid-run.
 */
export interface Check<S = unknown> {
  /** e.g. 'noHangs': the name reports and self-tests cite. */
  readonly name: string;
  /** The record types it reads; records of other types are not passed to `update`. */
  readonly needs: readonly RecordType[];
  init(): S;
  update(state: S, record: JournalRecord): void;
  finish(state: S): Verdict;
}
