import type { Verdict } from '../checks/index.ts';
import { type JournalRecord, streamJournal } from '../journal/index.ts';
import { ScenarioReportFold } from './fold.ts';
import type { ReportMeta, ScenarioReport } from './schema.ts';

export { OUTSIDE_PHASES } from '../stats/index.ts';

/**
 * The report of one scenario run, derived from its journal and its checks' verdicts (by default
 * the verdict records in the journal). For records already in memory; see `buildReportFrom`.
 */
export function buildReport(
  records: Iterable<JournalRecord>,
  verdicts?: readonly Verdict[],
  meta: ReportMeta = {},
): ScenarioReport {
  const fold = new ScenarioReportFold();
  for (const record of records) fold.update(record);
  return fold.finish({ verdicts, meta });
}

/**
 * The same, streaming: records are folded as they arrive (e.g. from `streamJournal`), so memory
 * is bounded by the scenario, not by the number of calls.
 */
export async function buildReportFrom(
  records: AsyncIterable<JournalRecord> | Iterable<JournalRecord>,
  options: { verdicts?: readonly Verdict[]; meta?: ReportMeta } = {},
): Promise<ScenarioReport> {
  const fold = new ScenarioReportFold();
  for await (const record of records) fold.update(record);
  return fold.finish(options);
}

/** A scenario's report straight from its journal file, judged by the verdicts recorded in it. */
export function reportFromJournal(
  path: string,
  meta: ReportMeta = { journal: path },
): Promise<ScenarioReport> {
  return buildReportFrom(streamJournal(path), { meta });
}
