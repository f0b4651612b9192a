import type { Verdict } from '../checks/index.ts';
import { type JournalRecord, streamJournal } from '../journal/index.ts';
import { ScenarioReportFold } from './fold.ts';
import type { EvidenceCall, ReportMeta, ScenarioReport } from './schema.ts';

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
  const report = fold.finish({ verdicts, meta });
  // An array can be read twice: the evidence's calls come from a second pass.
  if (!Array.isArray(records)) return report;
  const calls = new EvidenceCalls(report);
  for (const record of records) calls.update(record);
  return { ...report, evidenceCalls: calls.list() };
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
export async function reportFromJournal(
  path: string,
  meta: ReportMeta = { journal: path },
): Promise<ScenarioReport> {
  const report = await buildReportFrom(streamJournal(path), { meta });
  // Which calls the evidence names is known only once the verdicts (at the journal's end) are
  // read: a second pass picks them out, keeping memory bounded by the evidence, not the calls.
  const calls = new EvidenceCalls(report);
  if (calls.wanted) for await (const record of streamJournal(path)) calls.update(record);
  return { ...report, evidenceCalls: calls.list() };
}

/** Picks the calls a report's evidence names out of its journal's records. */
class EvidenceCalls {
  readonly #ids: Set<string>;
  readonly #startedAt: number;
  readonly #found: EvidenceCall[] = [];

  constructor(report: ScenarioReport) {
    this.#ids = new Set(
      report.verdicts.flatMap((v) => v.evidence.flatMap((e) => (e.correlationId ? [e.correlationId] : []))),
    );
    this.#startedAt = report.startedAt;
  }

  get wanted(): boolean {
    return this.#ids.size > 0;
  }

  update(r: JournalRecord): void {
    if (r.type !== 'call' || !this.#ids.has(r.correlationId)) return;
    this.#found.push({
      correlationId: r.correlationId,
      vu: r.vu,
      identity: r.identity,
      tool: r.tool,
      args: r.args,
      ...(r.phase !== undefined ? { phase: r.phase } : {}),
      outcome: r.outcome,
      ...(r.code !== undefined ? { code: r.code } : {}),
      ...(r.message !== undefined ? { message: r.message } : {}),
      ...(r.buildId !== undefined ? { buildId: r.buildId } : {}),
      startOffsetMs: r.intendedStart - this.#startedAt,
      latencyMs: r.end - r.intendedStart,
      driverDelayMs: r.actualStart - r.intendedStart,
    });
  }

  list(): EvidenceCall[] {
    return [...this.#found];
  }
}
