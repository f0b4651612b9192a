import { z } from 'zod';
import { maySeeOrder } from '../auth/policy.ts';
import { OrderSchema, StaleSchema } from '../domain.ts';
import { notFound } from '../errors.ts';
import { callReads, defineTool } from './tool.ts';

/** The shipping part of the answer: the upstream's status, or why there is none now. */
export const ShippingAnswerSchema = z.discriminatedUnion('available', [
  z.object({
    available: z.literal(true),
    carrier: z.string().min(1).max(100),
    status: z.string().min(1).max(100),
    eta: z.string().min(1).max(40),
  }),
  z.object({
    available: z.literal(false),
    reason: z.string().min(1).max(200),
    retryAfterMs: z.number().int().nonnegative().max(3_600_000),
  }),
]);

export const getOrderStatus = defineTool({
  name: 'get_order_status',
  description:
    "An order's status and its shipping status (carrier, status, eta) from the shipping service. " +
    'While the shipping service is slow or failing the answer still comes, fast, with the order ' +
    'and shipping.available=false, a reason and retryAfterMs: that is not an error.',
  inputSchema: z.object({
    orderId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be an order id (letters, digits, _ and -)'),
  }),
  outputSchema: z.object({
    order: OrderSchema,
    shipping: ShippingAnswerSchema,
    stale: StaleSchema.optional(),
  }),
  async run(context, { orderId }) {
    const reads = callReads(context);
    const owner = await reads.findOrder(context.principal.tenant, orderId);
    // Another tenant's or another customer's order answers exactly like a missing one.
    if (!maySeeOrder(context.principal, owner)) throw notFound();
    const { order } = owner;
    const stale = reads.stale;
    const lookup = context.shipping
      ? await context.shipping.lookup(order.id)
      : ({ outcome: 'failed', reason: 'no shipping service is configured', retryAfterMs: 60_000 } as const);
    const shipping =
      lookup.outcome === 'ok'
        ? {
            available: true as const,
            carrier: lookup.shipment.carrier,
            status: lookup.shipment.status,
            eta: lookup.shipment.eta,
          }
        : { available: false as const, reason: lookup.reason, retryAfterMs: lookup.retryAfterMs };
    return stale ? { order, shipping, stale } : { order, shipping };
  },
});
