import { EvidenceList, verdict } from './evidence.ts';
import { count, ms } from './format.ts';
import type { Check } from './types.ts';

export interface NoHangsOptions {
  /** Longest a call may run, from its actual start to its end. */
  maxMs?: number;
}

interface State {
  calls: number;
  slowest: number;
  hangs: EvidenceList;
}

/**
 * Every call ends within maxMs of its actual start (service time, so a late-starting driver is
 * not blamed on the target). A call the client gave up on (outcome 'timeout') is a hang
 * whatever its duration: the user never got an answer.
 */
export function noHangs({ maxMs = 5000 }: NoHangsOptions = {}): Check<State> {
  return {
    name: 'noHangs',
    needs: ['call'],
    init: () => ({ calls: 0, slowest: 0, hangs: new EvidenceList() }),
    update(state, record) {
      if (record.type !== 'call') return;
      const call = record;
      const took = call.end - call.actualStart;
      state.calls++;
      state.slowest = Math.max(state.slowest, took);
      if (took > maxMs || call.outcome === 'timeout') {
        const why = call.outcome === 'timeout' ? 'timed out after' : 'ran for';
        state.hangs.add({ correlationId: call.correlationId, message: `${call.tool} ${why} ${ms(took)}` });
      }
    },
    finish({ calls, slowest, hangs }) {
      if (calls === 0) {
        return verdict('noHangs', 'inconclusive', 'No calls were recorded, so hangs could not be ruled out.');
      }
      if (hangs.total === 0) {
        const summary = `All ${count(calls)} calls ended within ${ms(maxMs)} (slowest ${ms(slowest)}, margin ${ms(maxMs - slowest)}).`;
        return verdict('noHangs', 'pass', summary);
      }
      const summary =
        `${count(hangs.total)} of ${count(calls)} calls ran longer than ${ms(maxMs)} or timed out ` +
        `(slowest ${ms(slowest)}).`;
      return verdict('noHangs', 'fail', summary, hangs);
    },
  };
}
