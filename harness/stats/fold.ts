import type { JournalRecord } from '../journal/index.ts';
import type { Fold } from './call-stats.ts';

/** Folds `fold` over records in memory (tests, small journals). */
export function foldAll<S, R>(fold: Fold<S, R>, records: Iterable<JournalRecord>): R {
  const state = fold.init();
  for (const record of records) fold.update(state, record);
  return fold.finish(state);
}

/** Folds `fold` over a stream of records, e.g. `streamJournal(path)`, in the fold's memory only. */
export async function foldStream<S, R>(
  fold: Fold<S, R>,
  records: AsyncIterable<JournalRecord> | Iterable<JournalRecord>,
): Promise<R> {
  const state = fold.init();
  for await (const record of records) fold.update(state, record);
  return fold.finish(state);
}
