// Builders for hand-built journals in unit tests (checks, report). Not part of the public face.
import type { CallRecord, JournalRecord, RecordOf } from '../journal/index.ts';

let seq = 0;

/** A call with plausible defaults: an ok lookup by an agent of tenant t1, 10 ms long. */
export function call(fields: Partial<CallRecord> & { at?: number; ms?: number } = {}): CallRecord {
  const { at = 0, ms = 10, ...rest } = fields;
  seq++;
  return {
    type: 'call',
    correlationId: `corr-${seq}`,
    vu: 1,
    identity: { tenant: 't1', role: 'agent' },
    tool: 'lookup_customer',
    args: {},
    argsDigest: `args-${seq}`,
    intendedStart: at,
    actualStart: at,
    end: at + ms,
    outcome: 'ok',
    ...rest,
  };
}

/** Tenants t1 (customers c1, c2) and t2 (customer c3); orders o1, o2 of c1 and o3 of c3. */
export function dataset(): RecordOf<'dataset'> {
  const customer = (id: string, tenantId: string) => ({
    id,
    tenantId,
    name: `Name ${id}`,
    email: `${id}@example.test`,
    tier: 'gold',
  });
  const order = (id: string, customerId: string, totalCents: number) => ({
    id,
    customerId,
    status: 'shipped',
    totalCents,
    createdAt: '2024-01-01T00:00:00Z',
  });
  return {
    type: 'dataset',
    tenants: [
      { id: 't1', name: 'Tenant one' },
      { id: 't2', name: 'Tenant two' },
    ],
    customers: [customer('c1', 't1'), customer('c2', 't1'), customer('c3', 't2')],
    orders: [order('o1', 'c1', 1000), order('o2', 'c1', 2500), order('o3', 'c3', 700)],
  };
}

export function fault(event: 'inject' | 'heal', at: number, name = 'latency'): RecordOf<'fault'> {
  return { type: 'fault', fault: name, event, at, link: 'target→postgres' };
}

export function tickets(
  list: { key: string; customerId?: string; tenantId?: string }[],
  at = 1e6,
): RecordOf<'snapshot'> {
  return {
    type: 'snapshot',
    name: 'tickets',
    at,
    tickets: list.map((t, i) => ({
      id: `tk${i}`,
      tenantId: t.tenantId ?? 't1',
      customerId: t.customerId ?? 'c1',
      idempotencyKey: t.key,
    })),
  };
}

export type { JournalRecord };
