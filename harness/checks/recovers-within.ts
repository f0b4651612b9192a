import type { CallRecord } from '../journal/index.ts';
import { EVIDENCE_CAP, EvidenceList, margin, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import type { Check } from './types.ts';

export interface RecoversWithinOptions {
  /** Recovery budget, from the last heal. */
  ms: number;
  /** How many consecutive good calls make a recovery. */
  window?: number;
  /** Fewer calls than this after the heal and recovery cannot be judged. */
  minCalls?: number;
  /** Error codes that are legitimate business answers, not failures. */
  businessCodes?: readonly string[];
  /**
   * How far out of actual-start order call records may arrive (ms of journal time): calls that
   * started longer ago than this are folded into a summary and forgotten. Must exceed the longest
   * call timeout; if a record arrives later than that the verdict is inconclusive, never wrong.
   */
  reorderWindowMs?: number;
}

export const BUSINESS_CODES = ['NOT_FOUND', 'FORBIDDEN', 'INVALID_ARGUMENT'] as const;

/** Default reorder window: 5 minutes, above any sane call timeout. */
export const REORDER_WINDOW_MS = 300_000;

/** What the check keeps of a bad call: enough for evidence, not the (possibly large) result. */
type Seen = Pick<CallRecord, 'correlationId' | 'tool' | 'actualStart' | 'outcome' | 'code'>;

/** A call not yet folded; `seq` is its journal position, so ties keep journal order. */
interface Pending {
  start: number;
  seq: number;
  /** The call, when it was bad (good calls need only their start). */
  bad: Seen | undefined;
}

/**
 * The calls folded so far that started at or after the current last heal, in actual-start
 * order: exactly what `finish` needs of them, in constant space.
 */
interface Summary {
  /** Calls after the heal. */
  calls: number;
  /** Bad calls after the heal. */
  bad: number;
  lastBad: Seen | undefined;
  /** Actual start of the first call after the last bad one (of the first call, if none was bad). */
  recoveredAt: number | undefined;
  /** Calls since the last bad one: all good. */
  goodRun: number;
  /** Bad calls that started after heal + budget: the first EVIDENCE_CAP of them, and how many. */
  late: Seen[];
  lateTotal: number;
}

interface State {
  lastHeal: number | undefined;
  /** Journal "now": the latest time on any record seen (call end, fault time). */
  now: number;
  seq: number;
  /** Unfolded calls: a binary min-heap by (start, seq). */
  buffer: Pending[];
  summary: Summary;
  /** Latest actual start folded so far: a call arriving with an earlier one is out of order. */
  foldedUpTo: number | undefined;
  /** Latest actual start of a call whose place was lost (arrived out of order, or reset away). */
  lostUpTo: number | undefined;
}

const emptySummary = (): Summary => ({
  calls: 0,
  bad: 0,
  lastBad: undefined,
  recoveredAt: undefined,
  goodRun: 0,
  late: [],
  lateTotal: 0,
});

/** How many calls the check holds unfolded: bounded by the calls of one reorder window. */
export function bufferedCalls(state: State): number {
  return state.buffer.length;
}

/**
 * After the last heal, the target recovers at the start of the first call from which every call
 * to the end of the run is good, provided at least `window` calls make up that stretch. Good =
 * outcome ok, or a business error code. Recovery time = that call's actual start − the heal.
 *
 * Memory is bounded by the calls of one reorder window, not of the run. What it relies on:
 * - call records are journaled when calls END, so they arrive out of actual-start order, but by
 *   no more than the call timeout (the client gives up then; the default is 15 s): less than
 *   `reorderWindowMs` (default 5 min);
 * - a heal record is journaled when the heal happens, its `at` being about then;
 * - journal "now" is the latest time seen on any record (call `end`, fault `at`).
 * So once a call started before now − reorderWindowMs, no call that started earlier can still
 * arrive: calls are folded, in (actual start, journal order) order, into a summary relative to
 * the current last heal. A later heal excludes every folded call (they all started before it),
 * so it just resets the summary. `finish` folds the unfolded rest on copies, never the state.
 * Should a record break the assumption anyway (a call timeout above the window), the information
 * lost is tracked, and only if it could matter to the last heal is the verdict inconclusive.
 */
export function recoversWithin(options: RecoversWithinOptions): Check<State> {
  const {
    ms: budget,
    window = 5,
    minCalls = 10,
    businessCodes = BUSINESS_CODES,
    reorderWindowMs = REORDER_WINDOW_MS,
  } = options;
  const isGood = (c: CallRecord) =>
    c.outcome === 'ok' || (c.outcome === 'error' && c.code !== undefined && businessCodes.includes(c.code));
  const name = 'recoversWithin';

  /** Folds one call (the next in start order) into `summary`, relative to `heal`. */
  const fold = (summary: Summary, heal: number, call: Pending) => {
    if (call.start < heal) return;
    summary.calls++;
    if (call.bad === undefined) {
      if (summary.goodRun === 0) summary.recoveredAt = call.start;
      summary.goodRun++;
      return;
    }
    summary.bad++;
    summary.lastBad = call.bad;
    summary.recoveredAt = undefined;
    summary.goodRun = 0;
    if (call.start > heal + budget) {
      summary.lateTotal++;
      if (summary.late.length < EVIDENCE_CAP) summary.late.push(call.bad);
    }
  };

  /** Folds the buffered calls that started before now − reorderWindowMs. */
  const drain = (state: State) => {
    const horizon = state.now - reorderWindowMs;
    for (let next = state.buffer[0]; next !== undefined && next.start < horizon; next = state.buffer[0]) {
      pop(state.buffer);
      state.foldedUpTo = Math.max(state.foldedUpTo ?? next.start, next.start);
      if (state.lastHeal !== undefined) fold(state.summary, state.lastHeal, next);
    }
  };

  return {
    name,
    needs: ['fault', 'call'],
    init: () => ({
      lastHeal: undefined,
      now: Number.NEGATIVE_INFINITY,
      seq: 0,
      buffer: [],
      summary: emptySummary(),
      foldedUpTo: undefined,
      lostUpTo: undefined,
    }),
    update(state, record) {
      if (record.type === 'fault') {
        state.now = Math.max(state.now, record.at);
        if (record.event === 'heal' && (state.lastHeal === undefined || record.at > state.lastHeal)) {
          // Every folded call started before this heal, or (out of order) its place is lost.
          if (state.foldedUpTo !== undefined)
            state.lostUpTo = Math.max(state.lostUpTo ?? state.foldedUpTo, state.foldedUpTo);
          state.lastHeal = record.at;
          state.summary = emptySummary();
        }
      } else if (record.type === 'call') {
        state.now = Math.max(state.now, record.end);
        const seq = state.seq++;
        const start = record.actualStart;
        if (state.lastHeal !== undefined && start < state.lastHeal) {
          // Started before the last heal: it can never count, whatever comes later.
        } else if (state.foldedUpTo !== undefined && start < state.foldedUpTo) {
          state.lostUpTo = Math.max(state.lostUpTo ?? start, start); // later-started calls were folded
        } else {
          const { correlationId, tool, outcome, code } = record;
          const bad = isGood(record) ? undefined : { correlationId, tool, actualStart: start, outcome, code };
          push(state.buffer, { start, seq, bad });
        }
      } else {
        return;
      }
      drain(state);
    },
    finish(state) {
      const { lastHeal } = state;
      if (lastHeal === undefined) {
        return verdict(name, 'inconclusive', 'No fault was healed, so recovery could not be measured.');
      }
      if (state.lostUpTo !== undefined && state.lostUpTo >= lastHeal) {
        const summary = `Calls were journaled more than ${ms(reorderWindowMs)} out of start order (longer than the reorder window), so recovery after the last heal could not be judged; raise reorderWindowMs above the longest call timeout.`;
        return verdict(name, 'inconclusive', summary);
      }
      // The unfolded rest, folded on copies: live callers peek mid-run.
      const s: Summary = { ...state.summary, late: [...state.summary.late] };
      for (const call of [...state.buffer].sort(byStart)) fold(s, lastHeal, call);
      if (s.calls < minCalls) {
        const summary = `Only ${plural(s.calls, 'call')} started after the last heal (at least ${count(minCalls)} needed), so recovery could not be judged.`;
        return verdict(name, 'inconclusive', summary);
      }
      if (s.recoveredAt !== undefined && s.goodRun >= window) {
        const took = s.recoveredAt - lastHeal;
        const tail = `the ${plural(s.goodRun, 'call')} from then on all succeeded`;
        const recovery = margin(took, budget, 'ms', 'lower', 'recovery after the last heal');
        if (took <= budget) {
          return verdict(
            name,
            'pass',
            `Recovered ${ms(took)} after the last heal (budget ${ms(budget)}, margin ${ms(budget - took)}): ${tail}.`,
            undefined,
            recovery,
          );
        }
        const summary = `Recovered only ${ms(took)} after the last heal, over the ${ms(budget)} budget (${plural(s.bad, 'call')} failed after the heal).`;
        return verdict(name, 'fail', summary, evidence(s, lastHeal), recovery);
      }
      const summary = `Did not recover: the last of ${plural(s.bad, 'failed call')} started ${ms((s.lastBad?.actualStart ?? lastHeal) - lastHeal)} after the last heal, and only ${plural(s.goodRun, 'good call')} followed (${count(window)} needed; budget ${ms(budget)}).`;
      return verdict(name, 'fail', summary, evidence(s, lastHeal));
    },
  };
}

/** Bad calls that started after the budget ran out; failing that, the last bad call. */
function evidence(s: Summary, heal: number): EvidenceList {
  const list = new EvidenceList();
  for (const c of s.lateTotal > 0 ? s.late : s.lastBad ? [s.lastBad] : []) {
    const what = c.code ? `${c.outcome} ${c.code}` : c.outcome;
    list.add({
      correlationId: c.correlationId,
      message: `${c.tool} ${what} at ${ms(c.actualStart - heal)} after the heal`,
    });
  }
  if (s.lateTotal > 0) list.total = s.lateTotal; // only the first EVIDENCE_CAP were kept
  return list;
}

const byStart = (a: Pending, b: Pending) => a.start - b.start || a.seq - b.seq;

function push(heap: Pending[], item: Pending): void {
  let i = heap.push(item) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent] as Pending;
    if (byStart(p, item) <= 0) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = item;
}

function pop(heap: Pending[]): Pending | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (top === undefined || last === undefined || heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child =
      right < heap.length && byStart(heap[right] as Pending, heap[left] as Pending) < 0 ? right : left;
    const c = heap[child] as Pending;
    if (byStart(last, c) <= 0) break;
    heap[i] = c;
    i = child;
  }
  heap[i] = last;
  return top;
}
