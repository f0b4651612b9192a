import { createHash } from 'node:crypto';
// Pure (node:crypto only): the checks judge answers with it, the harness's shipping service serves it.

/** What the shipping-status service answers for one order: the ground truth of get_order_status. */
export interface ShippingStatus {
  orderId: string;
  carrier: string;
  status: string;
  /** Expected delivery day, YYYY-MM-DD. */
  eta: string;
}

export const CARRIERS = ['DHL', 'UPS', 'FedEx', 'PostNL', 'La Poste'] as const;
export const SHIPPING_STATES = ['label_created', 'in_transit', 'out_for_delivery', 'delivered'] as const;

/** Order ids the service answers for (the dataset's `ord_…`, and anything of that shape). */
export const SHIPPING_ORDER_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The shipping status of an order, derived from its id alone: the service answers it and the
 * checks judge answers with it, without either needing the other (or the dataset) at run time.
 * Pure and deterministic: the same id gives the same status in every run.
 */
export function shippingStatusOf(orderId: string): ShippingStatus {
  const digest = createHash('sha256').update(orderId).digest();
  const carrier = CARRIERS[(digest[0] ?? 0) % CARRIERS.length] ?? CARRIERS[0];
  const status = SHIPPING_STATES[(digest[1] ?? 0) % SHIPPING_STATES.length] ?? SHIPPING_STATES[0];
  const days = digest.readUInt16BE(2) % 365;
  const eta = new Date(Date.UTC(2026, 0, 1) + days * 86_400_000).toISOString().slice(0, 10);
  return { orderId, carrier, status, eta };
}
