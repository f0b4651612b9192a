import {
  exitCode,
  overallStatus,
  type ThresholdSpec,
  type ThresholdsCheck,
  type ThresholdsState,
  thresholds,
  type Verdict,
} from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import { type JournalRecord, type RecordOf, sequenceArgsDigest } from '../journal/index.ts';
import { type CallStatsState, callStatsFold, RESOLUTION_MS, SIGNIFICANT_DIGITS } from '../stats/index.ts';
import type { FaultReport, LagSummary, ReportMeta, ScenarioReport } from './schema.ts';
import { CallSequenceDigest } from './sequence-digest.ts';
import { toCallStats } from './stats.ts';
import { TimelineFold } from './timeline.ts';

const stats = callStatsFold();

/**
 * The report of one scenario as a fold over its journal's records, in the order they were written:
 * everything it keeps is bounded by the scenario (phases, tools, faults, thresholds), never by the
 * number of calls, so a journal of millions of calls streams through it (see `buildReportFrom`).
 */
export class ScenarioReportFold {
  #header: RecordOf<'header'> | undefined;
  #end: RecordOf<'end'> | undefined;
  #lastTime = Number.NEGATIVE_INFINITY;
  readonly #stats: CallStatsState = stats.init();
  readonly #sequence = new CallSequenceDigest();
  readonly #faults = new FaultEpisodes();
  readonly #lag = new LagTotals();
  readonly #verdicts: Verdict[] = [];
  readonly #timeline = new TimelineFold();
  /** Deploy faults' inject records: their exposure windows. */
  readonly #deploys: RecordOf<'fault'>[] = [];
  #thresholds: { check: ThresholdsCheck; state: ThresholdsState } | undefined;

  update(record: JournalRecord): void {
    this.#lastTime = Math.max(this.#lastTime, lastTime(record));
    switch (record.type) {
      case 'header':
        if (this.#header === undefined) {
          this.#header = record;
          this.#thresholds = thresholdsOf(record);
          const planned = record.config.timelineMs;
          this.#timeline.start(record.startedAt, typeof planned === 'number' ? planned : undefined);
        }
        break;
      case 'call':
        stats.update(this.#stats, record);
        this.#timeline.call(record);
        this.#sequence.add(
          record.vu,
          record.tool,
          // Without the run id in idempotency keys: equal seeds, equal digests.
          this.#header
            ? sequenceArgsDigest(record.args, this.#header.runId, record.argsDigest)
            : record.argsDigest,
        );
        if (this.#thresholds) this.#thresholds.check.update(this.#thresholds.state, record);
        break;
      case 'phase':
        stats.update(this.#stats, record);
        break;
      case 'fault':
        this.#faults.update(record);
        this.#timeline.fault(record);
        if (record.event === 'inject' && record.data?.exposureMs !== undefined) this.#deploys.push(record);
        break;
      case 'probe':
        this.#timeline.probe(record);
        break;
      case 'lag':
        this.#lag.update(record);
        this.#timeline.lag(record);
        if (this.#thresholds) this.#thresholds.check.update(this.#thresholds.state, record);
        break;
      case 'verdict': {
        const { type: _, ...verdict } = record;
        this.#verdicts.push(verdict);
        break;
      }
      case 'end':
        this.#end = record;
        break;
    }
  }

  /**
   * The report. `verdicts` defaults to the verdict records in the journal (what the runner
   * concluded); pass them to judge a journal anew. Does not change the fold.
   */
  finish(options: { verdicts?: readonly Verdict[]; meta?: ReportMeta } = {}): ScenarioReport {
    const header = this.#header;
    if (!header)
      throw new HarnessError('JOURNAL_INVALID', 'the journal has no header record: nothing to report on');
    const verdicts = [...(options.verdicts ?? this.#verdicts)];
    const endedAt = this.#end?.at ?? Math.max(header.startedAt, this.#lastTime);
    const snapshot = stats.finish(this.#stats);
    const faults = this.#faults.episodes(header.startedAt);
    const profile = header.config.profile;
    const target = header.config.target;
    return {
      runId: header.runId,
      scenario: header.scenario,
      ...(typeof target === 'string' ? { target } : {}),
      seed: header.seed,
      runtime: header.runtime,
      versions: header.versions,
      startedAt: header.startedAt,
      endedAt,
      durationMs: endedAt - header.startedAt,
      complete: this.#end !== undefined,
      callSequenceDigest: this.#sequence.digest(),
      total: toCallStats(snapshot.total),
      phases: snapshot.phases.map((p) => ({
        name: p.name,
        startedAt: p.startedAt,
        endedAt: p.endedAt,
        ...toCallStats(p),
      })),
      tools: snapshot.tools.map((t) => ({ tool: t.labels.tool ?? '', ...toCallStats(t) })),
      outcomes: snapshot.outcomes.map((o) => ({ outcome: o.labels.outcome ?? 'ok', ...toCallStats(o) })),
      thresholds: this.#thresholds ? this.#thresholds.check.results(this.#thresholds.state) : [],
      statistics: {
        method: 'hdr-histogram',
        significantDigits: SIGNIFICANT_DIGITS,
        resolutionMs: RESOLUTION_MS,
      },
      faults,
      lag: this.#lag.summary(),
      ...(header.host ? { host: header.host } : {}),
      ...(typeof profile === 'string' ? { profile } : {}),
      timeline: this.#timeline.timeline(),
      probes: this.#timeline.probes(),
      recovery: this.#timeline.recovery(faults, endedAt - header.startedAt),
      exposure: this.#timeline.exposure(this.#deploys),
      verdicts,
      status: overallStatus(verdicts),
      exitCode: exitCode(verdicts),
      meta: options.meta ?? {},
    };
  }
}

/** The latest time a record mentions: where a journal without an end record stops. */
function lastTime(r: JournalRecord): number {
  if (r.type === 'call') return r.end;
  if (r.type === 'lag') return r.to;
  return 'at' in r ? r.at : Number.NEGATIVE_INFINITY;
}

/**
 * The thresholds the run was judged by, when the runner journaled them (header `config.thresholds`,
 * see `thresholdSpec`): re-evaluated from the journal, so the report lists each with its value.
 */
function thresholdsOf(
  header: RecordOf<'header'>,
): { check: ThresholdsCheck; state: ThresholdsState } | undefined {
  const spec = header.config.thresholds;
  if (spec === undefined) return undefined;
  try {
    const check = thresholds(spec as ThresholdSpec);
    return { check, state: check.init() };
  } catch (error) {
    throw new HarnessError(
      'JOURNAL_INVALID',
      `the journal header's config.thresholds cannot be evaluated: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Inject…heal episodes per fault and link; errors attach to the open episode (or stand alone). */
class FaultEpisodes {
  readonly #episodes: FaultReport[] = [];
  readonly #open = new Map<string, FaultReport>();

  update(r: RecordOf<'fault'>): void {
    // An episode runs from the completed inject to the completed heal.
    if (r.event === 'injecting' || r.event === 'healing') return;
    const key = `${r.fault}\u0000${r.link ?? ''}`;
    let episode = this.#open.get(key);
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
      this.#episodes.push(episode);
      this.#open.set(key, episode);
    }
    if (r.event === 'inject') episode.injectedAt = r.at;
    if (r.event === 'error') episode.errors.push(r.detail ?? 'fault error (no detail)');
    if (r.event === 'heal') {
      episode.healedAt = r.at;
      this.#open.delete(key);
    }
  }

  /** Offsets are from the run's start, known once the header has been read. */
  episodes(startedAt: number): FaultReport[] {
    const offset = (t: number | null) => (t === null ? null : t - startedAt);
    return this.#episodes.map((e) => ({
      ...e,
      errors: [...e.errors],
      injectedOffsetMs: offset(e.injectedAt),
      healedOffsetMs: offset(e.healedAt),
    }));
  }
}

/** The driver's lag windows, summed as they stream by. */
class LagTotals {
  #windows = 0;
  #scheduled = 0;
  #weighted = 0;
  #maxLagMs = Number.NEGATIVE_INFINITY;
  #dropped = 0;

  update(r: RecordOf<'lag'>): void {
    this.#windows++;
    this.#scheduled += r.scheduled;
    this.#weighted += r.meanLagMs * r.scheduled;
    this.#maxLagMs = Math.max(this.#maxLagMs, r.maxLagMs);
    this.#dropped += r.dropped;
  }

  summary(): LagSummary {
    if (this.#windows === 0) return null;
    return {
      windows: this.#windows,
      scheduled: this.#scheduled,
      maxLagMs: this.#maxLagMs,
      meanLagMs: this.#scheduled === 0 ? 0 : this.#weighted / this.#scheduled,
      dropped: this.#dropped,
    };
  }
}
