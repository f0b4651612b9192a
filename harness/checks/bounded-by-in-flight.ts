import type { RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { plural } from './format.ts';
import { clock } from './probe-series.ts';
import type { Check } from './types.ts';

interface State {
  /** When the first kill of one instance began (epoch ms). */
  firstKillAt: number | undefined;
  /** The calls the killed instances had in flight, by the router's count, summed over the kills. */
  inFlight: number;
  kills: number;
  failed: EvidenceList;
  /** Calls answered ok from the first kill on: the others took the load. */
  okAfter: number;
  /** The calls the router saw cut by the kills (its failed count on the instance, inject to heal). */
  cutByDeath: number;
}

/**
 * Kill one of several instances behind the router: only the calls that instance had in flight
 * when it died may fail; every call after that goes to the others (the router ejects a dead
 * instance at the first refused connection and sends the call elsewhere), and to the restarted
 * one once it is ready again. Counts failed calls that ended from the first kill on against the
 * killed instances' in-flight calls the kill faults journaled (`data.inFlight`, read from the
 * router just before the signal). Inconclusive without such a kill (no router, or no kill).
 */
export function boundedByInFlight(): Check<State> {
  const name = 'boundedByInFlight';
  return {
    name,
    needs: ['fault', 'call'],
    init: () => ({
      firstKillAt: undefined,
      inFlight: 0,
      kills: 0,
      failed: new EvidenceList(),
      okAfter: 0,
      cutByDeath: 0,
    }),
    update(state, record) {
      if (record.type === 'fault') {
        if (!record.fault.startsWith('kill(')) return;
        if (record.event === 'injecting') state.firstKillAt ??= record.at;
        const inFlight = record.data?.inFlight;
        if (record.event === 'inject' && inFlight !== undefined) {
          state.kills++;
          state.inFlight += inFlight;
        }
        // The router's own count of calls cut by the death (journaled on heal), where it says more:
        // a call routed to the instance between the count at inject and the signal landing.
        const lost = record.data?.lost;
        if (record.event === 'heal' && lost !== undefined) state.cutByDeath += lost;
        return;
      }
      if (record.type !== 'call' || state.firstKillAt === undefined || record.end < state.firstKillAt) return;
      if (record.outcome === 'ok') {
        state.okAfter++;
        return;
      }
      state.failed.add(failure(record));
    },
    finish({ firstKillAt, inFlight: atSignal, kills, failed, okAfter, cutByDeath }) {
      if (firstKillAt === undefined || kills === 0) {
        return verdict(
          name,
          'inconclusive',
          'No instance was killed behind the router (a Fault.kill of one of several instances journals the calls it had in flight).',
        );
      }
      // In flight as it died: what the router had on it at the signal, or the calls it saw cut by
      // the death if more (routed to it in the moment between the count and the signal landing).
      const inFlight = Math.max(atSignal, cutByDeath);
      const figures = `${plural(failed.total, 'call')} failed from ${clock(firstKillAt)} on, ${plural(okAfter, 'call')} answered; the killed ${kills === 1 ? 'instance had' : 'instances had'} ${inFlight} in flight (${atSignal} at the signal, ${cutByDeath} cut by the death)`;
      if (failed.total <= inFlight) return verdict(name, 'pass', `${figures}: the others took the load.`);
      return verdict(
        name,
        'fail',
        `${figures}: ${failed.total - inFlight} more failed than were in flight on it — calls still went to a dead instance, or the others did not take the load.`,
        failed,
      );
    },
  };
}

function failure(call: RecordOf<'call'>) {
  return {
    correlationId: call.correlationId,
    message: `${clock(call.end)}: ${call.tool} ${call.outcome}${call.code ? ` (${call.code})` : ''}${call.message ? `: ${call.message.slice(0, 160)}` : ''}`,
  };
}
