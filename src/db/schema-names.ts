/** The unique (tenant, idempotency key) constraint's name: its index has the same name. */
export const TICKET_IDEMPOTENCY_INDEX = 'tickets_tenant_id_idempotency_key_key';
/** The unique (tenant, idempotency key) constraint of billing updates: one update per key. */
export const BILLING_IDEMPOTENCY_INDEX = 'billing_updates_tenant_id_idempotency_key_key';
