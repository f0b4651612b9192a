import { EvidenceList, margin, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import type { Check } from './types.ts';

export interface NoHangsOptions {
  /** Longest a call may run, from its actual start to its end. */
  maxMs?: number;
  /**
   * Phases not judged: where the scenario itself delays answers on their way to the client
   * (a fault on `client→target`), a client timeout is the network's doing, not a hang. Any call
   * in flight during such a phase is set aside, whichever phase it started in.
   */
  exceptPhases?: readonly string[];
}

interface State {
  calls: number;
  excepted: number;
  /** The excepted phases' windows seen so far (end undefined while the phase runs). */
  windows: { start: number; end: number | undefined }[];
  slowest: number;
  hangs: EvidenceList;
}

/**
 * Every call ends within maxMs of its actual start (service time, so a late-starting driver is
 * not blamed on the target). A call the client gave up on (outcome 'timeout') is a hang
 * whatever its duration: the user never got an answer.
 */
export function noHangs({ maxMs = 5000, exceptPhases = [] }: NoHangsOptions = {}): Check<State> {
  const excepted = new Set(exceptPhases);
  return {
    name: 'noHangs',
    needs: ['call', 'phase'],
    init: () => ({ calls: 0, excepted: 0, windows: [], slowest: 0, hangs: new EvidenceList() }),
    update(state, record) {
      if (record.type === 'phase') {
        if (!excepted.has(record.name)) return;
        if (record.event === 'start') state.windows.push({ start: record.at, end: undefined });
        else {
          const open = state.windows.at(-1);
          if (open && open.end === undefined) open.end = record.at;
        }
        return;
      }
      if (record.type !== 'call') return;
      const call = record;
      const overlaps = state.windows.some(
        (w) => call.end > w.start && call.actualStart < (w.end ?? Infinity),
      );
      if ((call.phase !== undefined && excepted.has(call.phase)) || overlaps) {
        state.excepted++;
        return;
      }
      const took = call.end - call.actualStart;
      state.calls++;
      state.slowest = Math.max(state.slowest, took);
      if (took > maxMs || call.outcome === 'timeout') {
        const why = call.outcome === 'timeout' ? 'timed out after' : 'ran for';
        state.hangs.add({ correlationId: call.correlationId, message: `${call.tool} ${why} ${ms(took)}` });
      }
    },
    finish({ calls, excepted: skipped, slowest, hangs }) {
      const aside =
        skipped > 0
          ? ` ${plural(skipped, 'call')} in flight during ${[...excepted].join(', ')} not judged.`
          : '';
      if (calls === 0) {
        return verdict('noHangs', 'inconclusive', 'No calls were recorded, so hangs could not be ruled out.');
      }
      const slowestMargin = margin(slowest, maxMs, 'ms', 'lower', 'slowest call');
      if (hangs.total === 0) {
        const summary = `All ${count(calls)} calls ended within ${ms(maxMs)} (slowest ${ms(slowest)}, margin ${ms(maxMs - slowest)}).${aside}`;
        return verdict('noHangs', 'pass', summary, undefined, slowestMargin);
      }
      const summary =
        `${count(hangs.total)} of ${count(calls)} calls ran longer than ${ms(maxMs)} or timed out ` +
        `(slowest ${ms(slowest)}).${aside}`;
      return verdict('noHangs', 'fail', summary, hangs, slowestMargin);
    },
  };
}
