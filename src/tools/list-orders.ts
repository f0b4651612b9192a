import { z } from 'zod';
import { OrderSchema } from '../domain.ts';
import { defineTool, resolveCustomer } from './tool.ts';

export const listOrders = defineTool({
  name: 'list_orders',
  description: "List a customer's orders, newest first.",
  inputSchema: z.object({
    customerId: z.string().min(1).max(200),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  outputSchema: z.object({ customerId: z.string(), orders: z.array(OrderSchema) }),
  async run(context, { customerId, limit }) {
    // Resolving first makes "no orders" and "no such customer" distinguishable only to callers
    // who may see the customer.
    const customer = await resolveCustomer(context, customerId);
    const orders = await context.repository.listOrders(customer.id, limit);
    return { customerId: customer.id, orders };
  },
});
