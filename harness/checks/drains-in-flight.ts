import type { CallRecord, RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import { clock } from './probe-series.ts';
import { BUSINESS_CODES } from './recovers-within.ts';
import type { Check } from './types.ts';

export interface DrainsInFlightOptions {
  /** The target must have exited, with code 0, within this long of each SIGTERM (default 5 s). */
  exitWithinMs?: number;
  /**
   * A call that started less than this before the SIGTERM may not have reached the target yet
   * (a request still in a socket buffer or a proxy): it is left out (default 100 ms).
   */
  settleMs?: number;
}

/**
 * The faults that ask the target to stop gracefully (a SIGTERM): `Fault.kill('target',
 * { signal: 'SIGTERM' })` and `Fault.restartTarget()`, as the journal names them.
 */
const GRACEFUL_STOP = /^(kill\(target, SIGTERM\)|restart\(target\))$/;

/** How long a call stays in the buffer that a SIGTERM journaled after it is matched against. */
const RECENT_MS = 2_000;

type Seen = Pick<CallRecord, 'correlationId' | 'tool' | 'actualStart' | 'end' | 'outcome' | 'code'>;

interface State {
  /** When each SIGTERM was sent: the `injecting` event of a graceful-stop fault. */
  sigterms: number[];
  exits: RecordOf<'target'>[];
  /** Calls that ended in the last RECENT_MS of journal time, for a SIGTERM journaled after them. */
  recent: Seen[];
  now: number;
  inFlight: number;
  answered: number;
  /** Started within settleMs of a SIGTERM: left out. */
  unsettled: number;
  lost: EvidenceList;
}

const how = (exit: RecordOf<'target'>): string =>
  exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;

/**
 * A SIGTERM drains the target: every call in flight when it was sent (started before it, ended
 * after it) is answered — an ok result or a business answer, not a reset connection, a refusal,
 * a timeout or an error the shutdown caused — and the target then exits with code 0 within
 * `exitWithinMs`. Calls that start after the SIGTERM may be refused (the target stops
 * accepting); acknowledged writes are writesExactlyOnce's business. With no SIGTERM, or no
 * call in flight at any, the verdict is inconclusive: nothing was drained.
 */
export function drainsInFlight(options: DrainsInFlightOptions = {}): Check<State> {
  const { exitWithinMs = 5_000, settleMs = 100 } = options;
  const name = 'drainsInFlight';
  const isGood = (c: Seen) =>
    c.outcome === 'ok' ||
    (c.outcome === 'error' && c.code !== undefined && (BUSINESS_CODES as readonly string[]).includes(c.code));

  const judge = (state: State, call: Seen, sigterm: number) => {
    if (!(call.actualStart < sigterm && call.end > sigterm)) return;
    if (call.actualStart > sigterm - settleMs) {
      state.unsettled++;
      return;
    }
    state.inFlight++;
    if (isGood(call)) {
      state.answered++;
      return;
    }
    state.lost.add({
      correlationId: call.correlationId,
      message: `${call.tool} ${call.outcome}${call.code ? ` ${call.code}` : ''}: started ${ms(sigterm - call.actualStart)} before the SIGTERM of ${clock(sigterm)}, ended ${ms(call.end - sigterm)} after it`,
    });
  };

  return {
    name,
    needs: ['fault', 'target', 'call'],
    init: () => ({
      sigterms: [],
      exits: [],
      recent: [],
      now: Number.NEGATIVE_INFINITY,
      inFlight: 0,
      answered: 0,
      unsettled: 0,
      lost: new EvidenceList(),
    }),
    update(state, record) {
      if (record.type === 'target') {
        if (record.event === 'exit') state.exits.push(record);
        return;
      }
      if (record.type === 'fault') {
        state.now = Math.max(state.now, record.at);
        if (record.event !== 'injecting' || !GRACEFUL_STOP.test(record.fault)) return;
        state.sigterms.push(record.at);
        for (const call of state.recent) judge(state, call, record.at);
        return;
      }
      if (record.type !== 'call') return;
      state.now = Math.max(state.now, record.end);
      const { correlationId, tool, actualStart, end, outcome, code } = record;
      const seen = { correlationId, tool, actualStart, end, outcome, code };
      for (const sigterm of state.sigterms) judge(state, seen, sigterm);
      state.recent.push(seen);
      if (state.recent.length > 64) state.recent = state.recent.filter((c) => c.end >= state.now - RECENT_MS);
    },
    finish(state) {
      if (state.sigterms.length === 0) {
        return verdict(
          name,
          'inconclusive',
          'No SIGTERM was sent to the target, so draining could not be judged.',
        );
      }
      const problems = new EvidenceList();
      const exitTimes: number[] = [];
      for (const sigterm of state.sigterms) {
        const exit = state.exits.find((e) => e.at >= sigterm);
        if (!exit) {
          problems.add({
            message: `no exit of the target was journaled after the SIGTERM of ${clock(sigterm)}`,
          });
          continue;
        }
        const took = exit.at - sigterm;
        exitTimes.push(took);
        if (exit.signal || exit.code !== 0) {
          problems.add({
            message: `the target ${how(exit)} ${ms(took)} after the SIGTERM of ${clock(sigterm)}`,
          });
        } else if (took > exitWithinMs) {
          problems.add({
            message: `the target exited ${ms(took)} after the SIGTERM of ${clock(sigterm)}, over the ${ms(exitWithinMs)} deadline`,
          });
        }
      }
      for (const item of state.lost.items) problems.add(item);
      problems.total += state.lost.total - state.lost.items.length;
      const left =
        state.unsettled > 0
          ? ` (${plural(state.unsettled, 'call')} started less than ${ms(settleMs)} before a SIGTERM left out)`
          : '';
      const sent = plural(state.sigterms.length, 'SIGTERM');
      if (state.lost.total > 0 || problems.total > 0) {
        const parts: string[] = [];
        if (state.lost.total > 0)
          parts.push(`${count(state.lost.total)} of ${plural(state.inFlight, 'call')} in flight were lost`);
        const exitProblems = problems.total - state.lost.total;
        if (exitProblems > 0) parts.push(`${plural(exitProblems, 'exit')} not clean and on time`);
        return verdict(
          name,
          'fail',
          `The target did not drain on ${sent}: ${parts.join('; ')}${left}.`,
          problems,
        );
      }
      if (state.inFlight === 0) {
        return verdict(
          name,
          'inconclusive',
          `No call was in flight at the ${sent}${left}, so draining could not be judged; make calls slower (a database latency) or more frequent.`,
        );
      }
      const slowest = Math.max(...exitTimes);
      return verdict(
        name,
        'pass',
        `All ${plural(state.inFlight, 'call')} in flight at ${sent} were answered, and the target exited with code 0 at most ${ms(slowest)} after each (deadline ${ms(exitWithinMs)}, margin ${ms(exitWithinMs - slowest)})${left}.`,
      );
    },
  };
}
