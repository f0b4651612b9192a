import type { CallRecord } from '../journal/index.ts';
import { asObject } from './dataset.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import type { Check } from './types.ts';

export interface DegradesAndRecoversOptions {
  /** Full answers must be back, and degraded ones gone, this long after the last heal. */
  withinMs: number;
  /** The tool whose answers degrade (default get_order_status). */
  tool?: string;
  /** The link whose faults are the dependency's outage (default target→upstream). */
  link?: string;
  /** At least this many degraded answers during the faults (default 1). */
  minDegraded?: number;
  /** Fewer ok calls of the tool than this after heal + withinMs: inconclusive (default 3). */
  minCallsAfter?: number;
}

interface State {
  /** Fault windows on the link, by inject time; `heal` unset while injected. */
  windows: { inject: number; heal: number | undefined }[];
  lastHeal: number | undefined;
  degradedDuring: number;
  fullDuring: number;
  /** Since the last heal: ok calls that started after heal + withinMs, and the degraded among them. */
  settledCalls: number;
  settledFull: number;
  late: EvidenceList;
  /** The first full answer after the last heal (its start). */
  firstFullAfterHeal: number | undefined;
}

/** Whether the answer's dependency part is `available: true` (full), false (degraded), or neither. */
function availability(call: CallRecord): boolean | undefined {
  const result = asObject(call.result);
  const part = asObject(result?.shipping);
  return typeof part?.available === 'boolean' ? part.available : undefined;
}

/**
 * A dependency outage degrades a tool's answers and they come back in full after it: at least
 * `minDegraded` ok answers of `tool` marked `shipping.available: false` started while a fault on
 * `link` was injected (the target answered degraded rather than failing or hanging), and after
 * the last heal a full answer came, and no degraded one started later than `withinMs` after it
 * (the breaker, or whatever the target guards its upstream with, closed again). Errors and
 * timeouts are other checks' business. Memory: counts and capped evidence.
 */
export function degradesAndRecovers(options: DegradesAndRecoversOptions): Check<State> {
  const {
    withinMs,
    tool = 'get_order_status',
    link = 'target→upstream',
    minDegraded = 1,
    minCallsAfter = 3,
  } = options;
  const name = 'degradesAndRecovers';
  return {
    name,
    needs: ['fault', 'call'],
    init: () => ({
      windows: [],
      lastHeal: undefined,
      degradedDuring: 0,
      fullDuring: 0,
      settledCalls: 0,
      settledFull: 0,
      late: new EvidenceList(),
      firstFullAfterHeal: undefined,
    }),
    update(state, record) {
      if (record.type === 'fault') {
        if (record.link !== link) return;
        if (record.event === 'inject') state.windows.push({ inject: record.at, heal: undefined });
        if (record.event === 'heal') {
          const open = state.windows.find((w) => w.heal === undefined);
          if (open) open.heal = record.at;
          // A later heal starts the recovery afresh (calls are journaled when they end, so every
          // call that starts after this heal arrives after it).
          state.lastHeal = record.at;
          state.settledCalls = 0;
          state.settledFull = 0;
          state.late = new EvidenceList();
          state.firstFullAfterHeal = undefined;
        }
        return;
      }
      if (record.type !== 'call' || record.tool !== tool || record.outcome !== 'ok') return;
      const available = availability(record);
      if (available === undefined) return;
      const start = record.actualStart;
      const during = state.windows.some((w) => w.inject <= start && (w.heal === undefined || start < w.heal));
      if (during) {
        if (available) state.fullDuring++;
        else state.degradedDuring++;
        return;
      }
      const heal = state.lastHeal;
      if (heal === undefined || start < heal) return;
      if (available && (state.firstFullAfterHeal === undefined || start < state.firstFullAfterHeal)) {
        state.firstFullAfterHeal = start;
      }
      if (start < heal + withinMs) return;
      state.settledCalls++;
      if (available) state.settledFull++;
      else
        state.late.add({
          correlationId: record.correlationId,
          message: `${tool} answered degraded ${ms(start - heal)} after the last heal`,
        });
    },
    finish(state) {
      const { degradedDuring, fullDuring, lastHeal, settledCalls, settledFull, late } = state;
      if (state.windows.length === 0 || lastHeal === undefined) {
        return verdict(
          name,
          'inconclusive',
          `No fault on ${link} was injected and healed, so there was nothing to degrade and recover from.`,
        );
      }
      const during = `During the faults on ${link}: ${plural(degradedDuring, 'degraded answer')}, ${plural(fullDuring, 'full answer')}.`;
      if (degradedDuring < minDegraded) {
        const evidence = new EvidenceList();
        evidence.add({
          message: `degraded ${tool} answers during the faults: ${count(degradedDuring)} of at least ${count(minDegraded)}`,
        });
        return verdict(
          name,
          'fail',
          `${during} Fewer than the ${count(minDegraded)} required: the target did not answer degraded while its dependency was away.`,
          evidence,
        );
      }
      if (late.total > 0) {
        return verdict(
          name,
          'fail',
          `${during} ${count(late.total)} of ${plural(settledCalls, `ok ${tool} answer`)} starting more than ${ms(withinMs)} after the last heal were still degraded: the dependency's guard did not close again in time.`,
          late,
        );
      }
      if (settledCalls < minCallsAfter || settledFull === 0) {
        return verdict(
          name,
          'inconclusive',
          `${during} Only ${plural(settledCalls, `ok ${tool} answer`)} started more than ${ms(withinMs)} after the last heal (at least ${count(minCallsAfter)} needed to judge the recovery).`,
        );
      }
      const back =
        state.firstFullAfterHeal === undefined
          ? ''
          : ` The first full answer started ${ms(state.firstFullAfterHeal - lastHeal)} after the last heal;`;
      return verdict(
        name,
        'pass',
        `${during}${back} all ${plural(settledCalls, `ok ${tool} answer`)} from ${ms(withinMs)} after it on were full.`,
      );
    },
  };
}
