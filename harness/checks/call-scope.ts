import type { CallRecord, JournalRecord } from '../journal/index.ts';

/** The workload's own users (`main`) or the one flooding beside them (`noisy`, Fault.noisyUser). */
export type Stream = 'main' | 'noisy';

/** The load driver names the noisy user's calls `${runId}-noisy-N` (retries extend the id). */
export const streamOf = (call: Pick<CallRecord, 'correlationId'>): Stream =>
  call.correlationId.includes('-noisy-') ? 'noisy' : 'main';

/**
 * When faults were injected or healed, from the action's start to its completion: a call in
 * flight then straddles two conditions and belongs to neither phase. Fold fault records in with
 * `add`; ask `straddles` of a call (its record comes after the transitions it overlapped began).
 */
export class FaultTransitions {
  readonly #transitions: { fault: string; from: number; to: number }[] = [];

  add(record: Extract<JournalRecord, { type: 'fault' }>): void {
    if (record.event === 'injecting' || record.event === 'healing') {
      this.#transitions.push({ fault: record.fault, from: record.at, to: Number.POSITIVE_INFINITY });
      return;
    }
    // The action completed (or failed): close its transition; a journal without the
    // beginnings has instants only.
    const open = this.#transitions.findLast(
      (t) => t.fault === record.fault && t.to === Number.POSITIVE_INFINITY,
    );
    if (open) open.to = record.at;
    else this.#transitions.push({ fault: record.fault, from: record.at, to: record.at });
  }

  straddles(call: Pick<CallRecord, 'actualStart' | 'end'>): boolean {
    return this.#transitions.some((t) => t.to > call.actualStart && t.from < call.end);
  }
}
