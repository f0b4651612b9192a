import type { CallRecord, JournalRecord, Outcome, RecordType } from '../journal/index.ts';
import { Distribution, type DistributionSummary } from './distribution.ts';
import { BUSINESS_CODES, isFailed, OUTCOMES, type OutcomeClass } from './outcome.ts';

/** Calls that fall in no phase are reported under this name rather than dropped. */
export const OUTSIDE_PHASES = '(outside phases)';

/** A fold like a check's (see harness/checks/types.ts), yielding a result instead of a verdict. */
export interface Fold<S, R> {
  /** The record types it reads; others need not be passed to `update`. */
  readonly needs: readonly RecordType[];
  init(): S;
  update(state: S, record: JournalRecord): void;
  /** Does not mutate the state: a live caller may ask mid-run and keep folding. */
  finish(state: S): R;
}

/** Which calls a series is about; an absent label means "any". */
export interface SeriesLabels {
  phase?: string;
  tool?: string;
  outcome?: OutcomeClass;
}

/** The statistics of one series of calls. Durations are in ms. */
export interface SeriesStats {
  labels: SeriesLabels;
  calls: number;
  /** Calls that failed as thresholds define it (see isFailed). */
  failed: number;
  byOutcome: Record<Outcome, number>;
  /** end − intendedStart: what a user waiting for the answer experienced, driver delay included. */
  latencyMs: DistributionSummary | null;
  /** end − actualStart: how long the target (and the network) took once the call was sent. */
  serviceMs: DistributionSummary | null;
  /** The window the rate is over: the phase's for a phase series, else the run's phases'. */
  windowMs: number | null;
  ratePerSecond: number | null;
}

export interface PhaseStats extends SeriesStats {
  name: string;
  startedAt: number | null;
  endedAt: number | null;
}

export interface CallStatsSnapshot {
  total: SeriesStats;
  /** Phases that have a phase record in the order they started, then phases only calls named. */
  phases: PhaseStats[];
  /** Per tool, by name. */
  tools: SeriesStats[];
  /** Per outcome class, every class (zeros included), in OUTCOME_CLASSES order. */
  outcomes: SeriesStats[];
}

export interface CallStatsOptions {
  /** Error codes that are answers rather than failures (default BUSINESS_CODES). */
  businessCodes?: readonly string[];
}

/**
 * The finest partition of calls: one cell per phase × tool × outcome × failed. Every series a
 * report asks for (total, per phase, per tool, per outcome class, any combination) is a merge of
 * cells at `finish`, so a call costs two histogram records however many series are reported,
 * and memory is bounded by phases × tools × 6 cells, whatever the number of calls.
 */
interface Cell {
  phase: string;
  tool: string;
  outcome: Outcome;
  failed: boolean;
  calls: number;
  latency: Distribution;
  service: Distribution;
  firstStart: number;
  lastEnd: number;
}

interface PhaseWindow {
  startedAt: number | null;
  endedAt: number | null;
  /** Has a phase record (else only calls named it): declared phases are listed first. */
  declared: boolean;
}

export interface CallStatsState {
  phases: Map<string, PhaseWindow>;
  /** phase → tool → cell per outcome slot (see SLOT): nested, so a call builds no key string. */
  index: Map<string, Map<string, (Cell | undefined)[]>>;
  cells: Cell[];
}

/** Where a cell sits among its phase × tool's six: one per outcome, plus error results that failed. */
const SLOT: Record<Outcome, number> = {
  ok: 0,
  error: 1,
  'protocol-error': 2,
  'transport-error': 3,
  timeout: 4,
};
const FAILED_ERROR_SLOT = 5;

/**
 * Call statistics as a fold over journal records, the same live (as records are appended) and
 * offline (over `streamJournal`): HDR histograms of latency and service time per phase, tool and
 * outcome class, with counts, min/max/mean and rate per second. Percentiles are within the
 * precision documented on `Distribution` (3 significant digits over whole microseconds).
 *
 * A call belongs to its `phase` field, else to the phase window it was intended in, else to
 * OUTSIDE_PHASES. Phase windows come from phase records, which precede the calls intended in
 * them in any journal written in time order.
 */
export function callStatsFold(options: CallStatsOptions = {}): Fold<CallStatsState, CallStatsSnapshot> {
  const businessCodes = options.businessCodes ?? BUSINESS_CODES;
  return {
    needs: ['phase', 'call'],
    init: () => ({ phases: new Map(), index: new Map(), cells: [] }),
    update(state, record) {
      if (record.type === 'phase') notePhase(state, record.name, record.event, record.at);
      else if (record.type === 'call') addCall(state, record, businessCodes);
    },
    finish: (state) => snapshot(state),
  };
}

/** Memory the state holds: it must not grow with the number of calls (a unit test holds it so). */
export function footprint(state: CallStatsState): {
  cells: number;
  histograms: number;
  buckets: number;
  bytes: number;
} {
  let histograms = 0;
  let buckets = 0;
  let bytes = 0;
  for (const cell of state.cells) {
    for (const d of [cell.latency, cell.service]) {
      if (d.buckets > 0) histograms++;
      buckets += d.buckets;
      bytes += d.footprintBytes;
    }
  }
  return { cells: state.cells.length, histograms, buckets, bytes };
}

/** The statistics of the calls matching `labels` (e.g. one phase's failed calls). */
export function seriesStats(state: CallStatsState, labels: SeriesLabels): SeriesStats {
  const cells = state.cells.filter((c) => matches(c, labels));
  const window = labels.phase !== undefined ? phaseWindow(state, labels.phase, cells) : runWindow(state);
  return merge(labels, cells, window);
}

function notePhase(state: CallStatsState, name: string, event: 'start' | 'end', at: number): void {
  const window = state.phases.get(name) ?? { startedAt: null, endedAt: null, declared: true };
  window.declared = true;
  if (event === 'start') window.startedAt ??= at;
  else window.endedAt = at;
  state.phases.set(name, window);
}

function addCall(state: CallStatsState, call: CallRecord, businessCodes: readonly string[]): void {
  const phase = call.phase ?? phaseAt(state, call.intendedStart) ?? OUTSIDE_PHASES;
  if (!state.phases.has(phase)) state.phases.set(phase, { startedAt: null, endedAt: null, declared: false });
  const failed = isFailed(call, businessCodes);
  let tools = state.index.get(phase);
  if (tools === undefined) {
    tools = new Map();
    state.index.set(phase, tools);
  }
  let slots = tools.get(call.tool);
  if (slots === undefined) {
    slots = [];
    tools.set(call.tool, slots);
  }
  const slot = failed && call.outcome === 'error' ? FAILED_ERROR_SLOT : SLOT[call.outcome];
  let cell = slots[slot];
  if (cell === undefined) {
    cell = {
      phase,
      tool: call.tool,
      outcome: call.outcome,
      failed,
      calls: 0,
      latency: new Distribution(),
      service: new Distribution(),
      firstStart: call.intendedStart,
      lastEnd: call.end,
    };
    slots[slot] = cell;
    state.cells.push(cell);
  }
  cell.calls++;
  cell.latency.record(call.end - call.intendedStart);
  cell.service.record(call.end - call.actualStart);
  if (call.intendedStart < cell.firstStart) cell.firstStart = call.intendedStart;
  if (call.end > cell.lastEnd) cell.lastEnd = call.end;
}

/** The phase whose window holds `t`, if any; a phase not yet ended is open. */
function phaseAt(state: CallStatsState, t: number): string | undefined {
  for (const [name, w] of state.phases) {
    if (w.startedAt !== null && t >= w.startedAt && (w.endedAt === null || t < w.endedAt)) return name;
  }
  return undefined;
}

function matches(cell: Cell, labels: SeriesLabels): boolean {
  if (labels.phase !== undefined && cell.phase !== labels.phase) return false;
  if (labels.tool !== undefined && cell.tool !== labels.tool) return false;
  if (labels.outcome === undefined) return true;
  return labels.outcome === 'failed' ? cell.failed : cell.outcome === labels.outcome;
}

type Window = { from: number; to: number } | null;

/** The span of some cells' calls: from the first intended start to the last end. */
function span(cells: readonly Cell[]): Window {
  if (cells.length === 0) return null;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const c of cells) {
    from = Math.min(from, c.firstStart);
    to = Math.max(to, c.lastEnd);
  }
  return { from, to };
}

function phaseWindow(state: CallStatsState, name: string, cells: readonly Cell[]): Window {
  const w = state.phases.get(name);
  if (w?.startedAt != null && w.endedAt != null) return { from: w.startedAt, to: w.endedAt };
  return span(cells);
}

/**
 * The run's load window: from the first phase start to the last phase end, as k6 divides by the
 * test's duration; without complete phases, the span of all calls.
 */
function runWindow(state: CallStatsState): Window {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const w of state.phases.values()) {
    if (w.startedAt !== null) from = Math.min(from, w.startedAt);
    if (w.endedAt !== null) to = Math.max(to, w.endedAt);
  }
  if (Number.isFinite(from) && Number.isFinite(to) && to > from) return { from, to };
  return span(state.cells);
}

function merge(labels: SeriesLabels, cells: readonly Cell[], window: Window): SeriesStats {
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  let calls = 0;
  let failed = 0;
  for (const c of cells) {
    calls += c.calls;
    byOutcome[c.outcome] += c.calls;
    if (c.failed) failed += c.calls;
  }
  const windowMs = window === null ? null : window.to - window.from;
  return {
    labels,
    calls,
    failed,
    byOutcome,
    latencyMs: Distribution.merged(cells.map((c) => c.latency)).summary(),
    serviceMs: Distribution.merged(cells.map((c) => c.service)).summary(),
    windowMs,
    ratePerSecond: windowMs !== null && windowMs > 0 ? calls / (windowMs / 1000) : null,
  };
}

function snapshot(state: CallStatsState): CallStatsSnapshot {
  const cells = state.cells;
  const names = [...state.phases].sort(([, a], [, b]) => Number(b.declared) - Number(a.declared));
  const tools = [...new Set(cells.map((c) => c.tool))].sort();
  const outcomes: OutcomeClass[] = [...OUTCOMES, 'failed'];
  return {
    total: merge({}, cells, runWindow(state)),
    phases: names.map(([name, w]) => ({
      name,
      startedAt: w.startedAt,
      endedAt: w.endedAt,
      ...seriesStats(state, { phase: name }),
    })),
    tools: tools.map((tool) => seriesStats(state, { tool })),
    outcomes: outcomes.map((outcome) => seriesStats(state, { outcome })),
  };
}
