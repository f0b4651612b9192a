import { exitCode, overallStatus, type Verdict } from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import { type CallRecord, digest, type JournalRecord, type RecordOf } from '../journal/index.ts';
import type { FaultReport, PhaseReport, ReportMeta, ScenarioReport } from './schema.ts';
import { callStats } from './stats.ts';

/** Calls that fall in no phase are reported under this name rather than dropped. */
export const OUTSIDE_PHASES = '(outside phases)';

/** The report of one scenario run, derived from its journal and its checks' verdicts. */
export function buildReport(
  records: readonly JournalRecord[],
  verdicts: readonly Verdict[],
  meta: ReportMeta = {},
): ScenarioReport {
  const header = records.find((r): r is RecordOf<'header'> => r.type === 'header');
  if (!header)
    throw new HarnessError('JOURNAL_INVALID', 'the journal has no header record: nothing to report on');
  const calls = records.filter((r): r is CallRecord => r.type === 'call');
  const end = records.findLast((r): r is RecordOf<'end'> => r.type === 'end');
  // reduce, not Math.max(...spread): a soak journal holds more calls than the stack has room for.
  const endedAt = end?.at ?? records.reduce((t, r) => Math.max(t, lastTime(r)), header.startedAt);
  return {
    runId: header.runId,
    scenario: header.scenario,
    seed: header.seed,
    runtime: header.runtime,
    versions: header.versions,
    startedAt: header.startedAt,
    endedAt,
    durationMs: endedAt - header.startedAt,
    complete: end !== undefined,
    callSequenceDigest: callSequenceDigest(calls),
    total: callStats(calls),
    phases: phases(records, calls),
    faults: faults(records, header.startedAt),
    lag: lag(records),
    verdicts: [...verdicts],
    status: overallStatus(verdicts),
    exitCode: exitCode(verdicts),
    meta,
  };
}

/** The latest time a record mentions: where a journal without an end record stops. */
function lastTime(r: JournalRecord): number {
  if (r.type === 'call') return r.end;
  if (r.type === 'lag') return r.to;
  return 'at' in r ? r.at : Number.NEGATIVE_INFINITY;
}

/** Per VU, the tools and argument digests in intended order: times differ run to run, choices must not. */
function callSequenceDigest(calls: readonly CallRecord[]): string {
  const ordered = [...calls].sort((a, b) => a.vu - b.vu || a.intendedStart - b.intendedStart);
  return digest(ordered.map((c) => [c.vu, c.tool, c.argsDigest]));
}

/** Phases in the order they started; a call belongs to its `phase` field, else to the window it was intended in. */
function phases(records: readonly JournalRecord[], calls: readonly CallRecord[]): PhaseReport[] {
  const windows = new Map<
    string,
    { startedAt: number | null; endedAt: number | null; calls: CallRecord[] }
  >();
  for (const r of records) {
    if (r.type !== 'phase') continue;
    const w = windows.get(r.name) ?? { startedAt: null, endedAt: null, calls: [] };
    if (r.event === 'start') w.startedAt ??= r.at;
    else w.endedAt = r.at;
    windows.set(r.name, w);
  }
  const started = [...windows];
  const inWindow = (t: number) =>
    started.find(
      ([, w]) => w.startedAt !== null && t >= w.startedAt && (w.endedAt === null || t < w.endedAt),
    )?.[0];
  for (const call of calls) {
    const name = call.phase ?? inWindow(call.intendedStart) ?? OUTSIDE_PHASES;
    const w = windows.get(name) ?? { startedAt: null, endedAt: null, calls: [] };
    w.calls.push(call);
    windows.set(name, w);
  }
  return [...windows].map(([name, w]) => ({
    name,
    startedAt: w.startedAt,
    endedAt: w.endedAt,
    ...callStats(w.calls),
  }));
}

/** Inject…heal episodes per fault and link; errors attach to the open episode (or stand alone). */
function faults(records: readonly JournalRecord[], startedAt: number): FaultReport[] {
  const episodes: FaultReport[] = [];
  const open = new Map<string, FaultReport>();
  const offset = (t: number | null) => (t === null ? null : t - startedAt);
  for (const r of records) {
    if (r.type !== 'fault') continue;
    const key = `${r.fault}\u0000${r.link ?? ''}`;
    let episode = open.get(key);
    if (!episode || r.event === 'inject') {
      episode = {
        fault: r.fault,
        link: r.link,
        injectedAt: null,
        healedAt: null,
        injectedOffsetMs: null,
        healedOffsetMs: null,
        errors: [],
      };
      episodes.push(episode);
      open.set(key, episode);
    }
    if (r.event === 'inject') episode.injectedAt = r.at;
    if (r.event === 'error') episode.errors.push(r.detail ?? 'fault error (no detail)');
    if (r.event === 'heal') {
      episode.healedAt = r.at;
      open.delete(key);
    }
    episode.injectedOffsetMs = offset(episode.injectedAt);
    episode.healedOffsetMs = offset(episode.healedAt);
  }
  return episodes;
}

function lag(records: readonly JournalRecord[]): ScenarioReport['lag'] {
  const windows = records.filter((r): r is RecordOf<'lag'> => r.type === 'lag');
  if (windows.length === 0) return null;
  const scheduled = windows.reduce((n, w) => n + w.scheduled, 0);
  const weighted = windows.reduce((n, w) => n + w.meanLagMs * w.scheduled, 0);
  return {
    windows: windows.length,
    scheduled,
    maxLagMs: Math.max(...windows.map((w) => w.maxLagMs)),
    meanLagMs: scheduled === 0 ? 0 : weighted / scheduled,
    dropped: windows.reduce((n, w) => n + w.dropped, 0),
  };
}
