import type { RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, plural } from './format.ts';
import type { Check } from './types.ts';

type Ticket = Extract<RecordOf<'snapshot'>, { name: 'tickets' }>['tickets'][number];

/** Every create_ticket call that used one idempotency key. */
interface KeyCalls {
  acked: boolean;
  customerId: string | undefined;
  /** The acknowledging call, else the latest: the one a reviewer should look up. */
  correlationId: string;
}

interface State {
  keys: Map<string, KeyCalls>;
  calls: number;
  untracked: number;
  tickets: Ticket[] | undefined;
}

type Anomaly = 'lost' | 'duplicated' | 'wrong customer' | 'phantom';

/**
 * Jepsen-style write accounting against the final tickets snapshot. A key some call got an ok
 * for must be there exactly once, for the customer it was sent for; a key whose calls all
 * failed or timed out may be there at most once (the write may have landed before the answer
 * was lost); a ticket whose key no call sent is a phantom write. Retries share a key.
 */
export function writesExactlyOnce(): Check<State> {
  const name = 'writesExactlyOnce';
  return {
    name,
    needs: ['call', 'snapshot'],
    init: () => ({ keys: new Map(), calls: 0, untracked: 0, tickets: undefined }),
    update(state, record) {
      if (record.type === 'snapshot') {
        if (record.name === 'tickets') state.tickets = record.tickets; // the last one is the final state
        return;
      }
      if (record.type !== 'call' || record.tool !== 'create_ticket') return;
      state.calls++;
      const key = record.args.idempotencyKey;
      if (typeof key !== 'string') {
        state.untracked++;
        return;
      }
      const ok = record.outcome === 'ok';
      const customerId = typeof record.args.customerId === 'string' ? record.args.customerId : undefined;
      const seen = state.keys.get(key);
      if (!seen) state.keys.set(key, { acked: ok, customerId, correlationId: record.correlationId });
      else if (ok || !seen.acked)
        Object.assign(seen, { acked: seen.acked || ok, customerId, correlationId: record.correlationId });
    },
    finish({ keys, calls, untracked, tickets }) {
      if (!tickets)
        return verdict(
          name,
          'inconclusive',
          'No tickets snapshot in the journal, so writes could not be verified.',
        );
      if (calls === 0)
        return verdict(
          name,
          'inconclusive',
          'No create_ticket calls were made, so there were no writes to verify.',
        );
      const stored = new Map<string, Ticket[]>();
      for (const t of tickets) stored.set(t.idempotencyKey, [...(stored.get(t.idempotencyKey) ?? []), t]);
      const evidence = new EvidenceList();
      const anomalies = new Map<Anomaly, number>();
      const flag = (kind: Anomaly, message: string, correlationId?: string) => {
        anomalies.set(kind, (anomalies.get(kind) ?? 0) + 1);
        evidence.add(correlationId ? { correlationId, message } : { message });
      };
      let acked = 0;
      let landedUnacked = 0;
      for (const [key, k] of keys) {
        const found = stored.get(key) ?? [];
        const what = k.acked ? 'acknowledged write' : 'unacknowledged write';
        if (k.acked) acked++;
        else if (found.length > 0) landedUnacked++;
        if (k.acked && found.length === 0)
          flag('lost', `${what} with key ${key} is missing from the final snapshot`, k.correlationId);
        if (found.length > 1)
          flag('duplicated', `${what} with key ${key} is stored ${found.length} times`, k.correlationId);
        const foreign = found.find((t) => t.customerId !== k.customerId);
        if (foreign)
          flag(
            'wrong customer',
            `ticket ${foreign.id} with key ${key} belongs to ${foreign.customerId}, the call was for ${k.customerId ?? 'no customer'}`,
            k.correlationId,
          );
      }
      for (const t of tickets) {
        if (!keys.has(t.idempotencyKey))
          flag(
            'phantom',
            `ticket ${t.id} (key ${t.idempotencyKey}, customer ${t.customerId}) was written by no call`,
          );
      }
      const unacked = keys.size - acked;
      if (evidence.total > 0) {
        const kinds = [...anomalies].map(([kind, n]) => `${count(n)} ${kind}`).join(', ');
        return verdict(
          name,
          'fail',
          `${plural(evidence.total, 'write anomaly', 'write anomalies')} across ${plural(keys.size, 'idempotency key')}: ${kinds}.`,
          evidence,
        );
      }
      if (untracked > 0) {
        return verdict(
          name,
          'inconclusive',
          `${plural(untracked, 'create_ticket call')} carried no idempotency key, so ${untracked === 1 ? 'its write' : 'their writes'} could not be tracked.`,
        );
      }
      const rest =
        unacked === 0
          ? ''
          : `, and none of the ${plural(unacked, 'unacknowledged one')} more than once (${count(landedUnacked)} of them landed)`;
      return verdict(
        name,
        'pass',
        `All ${plural(acked, 'acknowledged ticket write')} appear exactly once in the final snapshot${rest}.`,
      );
    },
  };
}
