import type { CallRecord, RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, plural } from './format.ts';
import type { Check } from './types.ts';

/** A stored write as the end-of-run snapshots show it: a ticket, or an applied billing update. */
type Stored = Extract<RecordOf<'snapshot'>, { name: 'tickets' }>['tickets'][number];

/** Every call of one write tool that used one idempotency key. */
interface KeyCalls {
  acked: boolean;
  customerId: string | undefined;
  /** The acknowledging call, else the latest: the one a reviewer should look up. */
  correlationId: string;
}

/** The calls of one write tool and, once read, the snapshot of what the target stored. */
interface Writes {
  keys: Map<string, KeyCalls>;
  calls: number;
  untracked: number;
  stored: Stored[] | undefined;
}

interface State {
  tickets: Writes;
  /** update_billing: accounted only when the run made such calls. */
  billing: Writes;
}

type Anomaly = 'lost' | 'duplicated' | 'wrong customer' | 'phantom';

const writes = (): Writes => ({ keys: new Map(), calls: 0, untracked: 0, stored: undefined });

function track(w: Writes, record: CallRecord): void {
  w.calls++;
  const key = record.args.idempotencyKey;
  if (typeof key !== 'string') {
    w.untracked++;
    return;
  }
  const ok = record.outcome === 'ok';
  const customerId = typeof record.args.customerId === 'string' ? record.args.customerId : undefined;
  const seen = w.keys.get(key);
  if (!seen) w.keys.set(key, { acked: ok, customerId, correlationId: record.correlationId });
  else if (ok || !seen.acked)
    Object.assign(seen, { acked: seen.acked || ok, customerId, correlationId: record.correlationId });
}

/** Accounts one tool's writes against its snapshot; returns how many were acknowledged and how many unacknowledged landed. */
function account(
  w: Writes & { stored: Stored[] },
  noun: string,
  flag: (kind: Anomaly, message: string, correlationId?: string) => void,
): { acked: number; landedUnacked: number } {
  const stored = new Map<string, Stored[]>();
  for (const t of w.stored) stored.set(t.idempotencyKey, [...(stored.get(t.idempotencyKey) ?? []), t]);
  let acked = 0;
  let landedUnacked = 0;
  for (const [key, k] of w.keys) {
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
        `${noun} ${foreign.id} with key ${key} belongs to ${foreign.customerId}, the call was for ${k.customerId ?? 'no customer'}`,
        k.correlationId,
      );
  }
  for (const t of w.stored) {
    if (!w.keys.has(t.idempotencyKey))
      flag(
        'phantom',
        `${noun} ${t.id} (key ${t.idempotencyKey}, customer ${t.customerId}) was written by no call`,
      );
  }
  return { acked, landedUnacked };
}

/**
 * Jepsen-style write accounting against the final snapshots: tickets (create_ticket) and, when
 * the run updated billing, applied billing updates (update_billing). A key some call got an ok
 * for must be there exactly once, for the customer it was sent for; a key whose calls all
 * failed or timed out may be there at most once (the write may have landed before the answer
 * was lost); a write whose key no call sent is a phantom write. Retries share a key.
 */
export function writesExactlyOnce(): Check<State> {
  const name = 'writesExactlyOnce';
  return {
    name,
    needs: ['call', 'snapshot'],
    init: () => ({ tickets: writes(), billing: writes() }),
    update(state, record) {
      if (record.type === 'snapshot') {
        // The last one is the final state.
        if (record.name === 'tickets') state.tickets.stored = record.tickets;
        if (record.name === 'billing') state.billing.stored = record.updates;
        return;
      }
      if (record.type !== 'call') return;
      if (record.tool === 'create_ticket') track(state.tickets, record);
      else if (record.tool === 'update_billing') track(state.billing, record);
    },
    finish({ tickets, billing }) {
      const hasTickets = (w: Writes): w is Writes & { stored: Stored[] } => w.stored !== undefined;
      if (!hasTickets(tickets))
        return verdict(
          name,
          'inconclusive',
          'No tickets snapshot in the journal, so writes could not be verified.',
        );
      if (tickets.calls === 0 && billing.calls === 0)
        return verdict(
          name,
          'inconclusive',
          'No create_ticket calls were made, so there were no writes to verify.',
        );
      const evidence = new EvidenceList();
      const anomalies = new Map<Anomaly, number>();
      const flag = (kind: Anomaly, message: string, correlationId?: string) => {
        anomalies.set(kind, (anomalies.get(kind) ?? 0) + 1);
        evidence.add(correlationId ? { correlationId, message } : { message });
      };
      const t = account(tickets, 'ticket', flag);
      const billed =
        billing.calls > 0 && hasTickets(billing) ? account(billing, 'billing update', flag) : undefined;
      const keys = tickets.keys.size + (billed ? billing.keys.size : 0);
      if (evidence.total > 0) {
        const kinds = [...anomalies].map(([kind, n]) => `${count(n)} ${kind}`).join(', ');
        return verdict(
          name,
          'fail',
          `${plural(evidence.total, 'write anomaly', 'write anomalies')} across ${plural(keys, 'idempotency key')}: ${kinds}.`,
          evidence,
        );
      }
      const untracked = [
        ...(tickets.untracked > 0 ? [plural(tickets.untracked, 'create_ticket call')] : []),
        ...(billing.untracked > 0 ? [plural(billing.untracked, 'update_billing call')] : []),
      ];
      if (untracked.length > 0) {
        const n = tickets.untracked + billing.untracked;
        return verdict(
          name,
          'inconclusive',
          `${untracked.join(' and ')} carried no idempotency key, so ${n === 1 ? 'its write' : 'their writes'} could not be tracked.`,
        );
      }
      if (billing.calls > 0 && !billed) {
        return verdict(
          name,
          'inconclusive',
          `${plural(billing.calls, 'update_billing call')} made, but the journal has no billing snapshot (GET /dataset/billing), so those writes could not be verified.`,
        );
      }
      const rest = (unacked: number, landed: number) =>
        unacked === 0
          ? ''
          : `, and none of the ${plural(unacked, 'unacknowledged one')} more than once (${count(landed)} of them landed)`;
      const ticketPart = `All ${plural(t.acked, 'acknowledged ticket write')} appear exactly once in the final snapshot${rest(tickets.keys.size - t.acked, t.landedUnacked)}.`;
      const billingPart = billed
        ? ` All ${plural(billed.acked, 'acknowledged billing update')} applied exactly once${rest(billing.keys.size - billed.acked, billed.landedUnacked)}.`
        : '';
      return verdict(name, 'pass', `${ticketPart}${billingPart}`);
    },
  };
}
