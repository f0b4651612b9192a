import type { CallRecord, JournalRecord } from '../journal/index.ts';
import { asObject, show } from './dataset.ts';
import { ms } from './format.ts';
import { postgresOutage } from './health-truthful.ts';
import { clock } from './probe-series.ts';

// What correctAnswers asks of an answer's freshness. A target may answer a read from an older copy
// while its database cannot answer, if it says so: `stale: { ageMs }` in the structured result.
// A marked answer is judged on its content as usual, and its age must be one the run allows. An
// unmarked ok read answered while PostgreSQL was down claims a freshness it cannot have had.

/** The reads a target can only answer fresh from its database. */
export const READ_TOOLS: ReadonlySet<string> = new Set([
  'lookup_customer',
  'list_orders',
  'get_order_status',
]);

/**
 * Allowed between the harness's clock and the target's for when a copy was taken: the target
 * stamps a copy when its event loop gets to the database's answer, which on a loaded machine can
 * be a little after PostgreSQL sent it.
 */
export const CLOCK_SLACK_MS = 500;

/** A PostgreSQL outage: from its inject's completion (down for sure) to its heal's beginning. */
interface Window {
  fault: string;
  down: number;
  until: number | undefined;
}

export interface FreshnessState {
  /** When the run began (the header's startedAt): no copy the target holds can be older. */
  runStart: number | undefined;
  /** One per PostgreSQL outage fault: few, whatever the run's length. */
  windows: Window[];
  /** ok answers marked stale, by tool, and the range of their ages. */
  stale: Map<string, number>;
  youngest: number | undefined;
  oldest: number | undefined;
  /** Unmarked ok reads that started this long into an outage: none may be fresh. */
  unmarkedJudged: number;
  /** ok read answers (marked or not) that started inside an outage. */
  readsInOutage: number;
}

export function freshnessInit(): FreshnessState {
  return {
    runStart: undefined,
    windows: [],
    stale: new Map(),
    youngest: undefined,
    oldest: undefined,
    unmarkedJudged: 0,
    readsInOutage: 0,
  };
}

/** Folds the header (the run's start) and PostgreSQL outage faults; other records are ignored. */
export function freshnessUpdate(state: FreshnessState, record: JournalRecord): void {
  if (record.type === 'header') {
    state.runStart = record.startedAt;
    return;
  }
  if (record.type !== 'fault' || !postgresOutage(record)) return;
  const open = state.windows.findLast((w) => w.fault === record.fault && w.until === undefined);
  if (record.event === 'inject') {
    state.windows.push({ fault: record.fault, down: record.at, until: undefined });
  } else if (open && (record.event === 'healing' || record.event === 'heal' || record.event === 'error')) {
    // The heal has begun (PostgreSQL may answer again from here on), or something failed: what
    // follows is no longer certainly an outage.
    open.until = record.at;
  }
}

/** Whether a call started while PostgreSQL was certainly down in `w`. */
const startedIn = (w: Window, call: CallRecord) =>
  w.down <= call.actualStart && (w.until === undefined || call.actualStart < w.until);

export interface FreshnessProblems {
  /** An unmarked ok read answered inside an outage. */
  unmarked?: string;
  /** A stale mark without a usable age, or with an age the run rules out. */
  badMark?: string;
}

/**
 * What is wrong with the freshness an ok answer claims (nothing: an empty object), counting the
 * marked ones. `freshForMs`: how long after the database went away a target may still answer
 * from a copy without marking it (its cache's TTL: the copy was fresh when the outage began).
 */
export function freshnessProblems(
  state: FreshnessState,
  call: CallRecord,
  result: Record<string, unknown>,
  freshForMs: number,
): FreshnessProblems {
  const inside = state.windows.filter((w) => startedIn(w, call));
  if (inside.length > 0 && READ_TOOLS.has(call.tool)) state.readsInOutage++;
  if (result.stale === undefined) {
    if (!READ_TOOLS.has(call.tool)) return {};
    const late = inside.find(
      (w) =>
        call.actualStart >= w.down + freshForMs + CLOCK_SLACK_MS &&
        (w.until === undefined || call.end <= w.until),
    );
    if (!late) return {};
    state.unmarkedJudged++;
    return {
      unmarked: `answered ok and unmarked ${ms(call.actualStart - late.down)} into ${late.fault} (PostgreSQL down since ${clock(late.down)}): a freshness it cannot have had; an older copy must be marked stale with its age`,
    };
  }
  const ageMs = asObject(result.stale)?.ageMs;
  if (typeof ageMs !== 'number' || !Number.isFinite(ageMs) || ageMs < 0) {
    return { badMark: `marked stale without a valid age (stale is ${show(result.stale)})` };
  }
  state.stale.set(call.tool, (state.stale.get(call.tool) ?? 0) + 1);
  state.youngest = Math.min(state.youngest ?? ageMs, ageMs);
  state.oldest = Math.max(state.oldest ?? ageMs, ageMs);
  if (state.runStart !== undefined && call.end - ageMs < state.runStart - CLOCK_SLACK_MS) {
    return {
      badMark: `marked stale ${ms(ageMs)} old, older than the run (which began ${ms(call.end - state.runStart)} before the answer)`,
    };
  }
  // The copy was taken while PostgreSQL still answered: before the outage the call started in.
  const tooYoung = inside.find((w) => call.actualStart - ageMs > w.down + CLOCK_SLACK_MS);
  if (tooYoung) {
    return {
      badMark: `marked stale only ${ms(ageMs)} old, yet PostgreSQL had been down for ${ms(call.actualStart - tooYoung.down)} (${tooYoung.fault}) when it was asked`,
    };
  }
  return {};
}

/** The outages, for evidence: "stop(postgres) 12:00:03.100Z–12:00:24.200Z". */
export function outagesOf(state: FreshnessState): string[] {
  return state.windows.map(
    (w) => `${w.fault} ${clock(w.down)}–${w.until === undefined ? 'end' : clock(w.until)}`,
  );
}
