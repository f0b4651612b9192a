import { z } from 'zod';
import { OrderSchema, StaleSchema } from '../domain.ts';
import { callReads, defineTool, resolveCustomer } from './tool.ts';

export const listOrders = defineTool({
  name: 'list_orders',
  description:
    "List a customer's orders, newest first. While the database is unavailable the answer may " +
    'come from an older copy: it then carries stale.ageMs, the age of its oldest part.',
  inputSchema: z.object({
    customerId: z.string().min(1).max(200),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  outputSchema: z.object({
    customerId: z.string(),
    orders: z.array(OrderSchema),
    stale: StaleSchema.optional(),
  }),
  async run(context, { customerId, limit }) {
    const reads = callReads(context);
    // Resolving first makes "no orders" and "no such customer" distinguishable only to callers
    // who may see the customer.
    const customer = await resolveCustomer(context, customerId, reads);
    const orders = await reads.listOrders(context.principal.tenant, customer.id, limit);
    const stale = reads.stale;
    return stale ? { customerId: customer.id, orders, stale } : { customerId: customer.id, orders };
  },
});
