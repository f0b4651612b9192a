import type { CallRecord } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
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
}

export const BUSINESS_CODES = ['NOT_FOUND', 'FORBIDDEN', 'INVALID_ARGUMENT'] as const;

/** What the check keeps of each call: enough for evidence, not the (possibly large) result. */
type Seen = Pick<CallRecord, 'correlationId' | 'tool' | 'actualStart' | 'outcome' | 'code'>;

interface State {
  lastHeal: number | undefined;
  calls: Seen[];
}

/**
 * After the last heal, the target recovers at the start of the first call from which every call
 * to the end of the run is good, provided at least `window` calls make up that stretch. Good =
 * outcome ok, or a business error code. Recovery time = that call's actual start − the heal.
 */
export function recoversWithin(options: RecoversWithinOptions): Check<State> {
  const { ms: budget, window = 5, minCalls = 10, businessCodes = BUSINESS_CODES } = options;
  const isGood = (c: Seen) =>
    c.outcome === 'ok' || (c.outcome === 'error' && c.code !== undefined && businessCodes.includes(c.code));
  const name = 'recoversWithin';
  return {
    name,
    needs: ['fault', 'call'],
    init: () => ({ lastHeal: undefined, calls: [] }),
    update(state, record) {
      if (record.type === 'fault' && record.event === 'heal') {
        state.lastHeal = Math.max(state.lastHeal ?? record.at, record.at);
      } else if (record.type === 'call') {
        const { correlationId, tool, actualStart, outcome, code } = record;
        state.calls.push({ correlationId, tool, actualStart, outcome, code }); // filtered at finish: a later heal may still arrive
      }
    },
    finish({ lastHeal, calls }) {
      if (lastHeal === undefined) {
        return verdict(name, 'inconclusive', 'No fault was healed, so recovery could not be measured.');
      }
      // Stable sort: calls started in the same millisecond keep journal order.
      const after = calls
        .filter((c) => c.actualStart >= lastHeal)
        .sort((a, b) => a.actualStart - b.actualStart);
      if (after.length < minCalls) {
        const summary = `Only ${plural(after.length, 'call')} started after the last heal (at least ${count(minCalls)} needed), so recovery could not be judged.`;
        return verdict(name, 'inconclusive', summary);
      }
      let lastBad = -1;
      after.forEach((c, i) => {
        if (!isGood(c)) lastBad = i;
      });
      const recoveredAt = after[lastBad + 1];
      const goodRun = after.length - (lastBad + 1);
      const bad = after.filter((c) => !isGood(c));
      if (recoveredAt !== undefined && goodRun >= window) {
        const took = recoveredAt.actualStart - lastHeal;
        const tail = `the ${plural(goodRun, 'call')} from then on all succeeded`;
        if (took <= budget) {
          return verdict(
            name,
            'pass',
            `Recovered ${ms(took)} after the last heal (budget ${ms(budget)}): ${tail}.`,
          );
        }
        const summary = `Recovered only ${ms(took)} after the last heal, over the ${ms(budget)} budget (${plural(bad.length, 'call')} failed after the heal).`;
        return verdict(name, 'fail', summary, evidence(bad, lastHeal, budget));
      }
      const summary = `Did not recover: the last of ${plural(bad.length, 'failed call')} started ${ms((after[lastBad]?.actualStart ?? lastHeal) - lastHeal)} after the last heal, and only ${plural(goodRun, 'good call')} followed (${count(window)} needed; budget ${ms(budget)}).`;
      return verdict(name, 'fail', summary, evidence(bad, lastHeal, budget));
    },
  };
}

/** Bad calls that started after the budget ran out; failing that, the last bad call. */
function evidence(bad: Seen[], heal: number, budget: number): EvidenceList {
  const late = bad.filter((c) => c.actualStart > heal + budget);
  const list = new EvidenceList();
  for (const c of late.length > 0 ? late : bad.slice(-1)) {
    const what = c.code ? `${c.outcome} ${c.code}` : c.outcome;
    list.add({
      correlationId: c.correlationId,
      message: `${c.tool} ${what} at ${ms(c.actualStart - heal)} after the heal`,
    });
  }
  return list;
}
