import { z } from 'zod';
import { TicketSchema } from '../domain.ts';
import { ToolError } from '../errors.ts';
import { defineTool, resolveCustomer } from './tool.ts';

export const createTicket = defineTool({
  name: 'create_ticket',
  description:
    'Open a support ticket for a customer. Retrying with the same idempotencyKey returns the ' +
    'original ticket with replayed=true instead of creating a second one.',
  inputSchema: z.object({
    customerId: z.string().min(1).max(200),
    subject: z.string().min(1).max(200),
    body: z.string().min(1).max(5000),
    idempotencyKey: z.string().min(8).max(100),
  }),
  outputSchema: z.object({ ticket: TicketSchema, replayed: z.boolean() }),
  async run(context, args) {
    const customer = await resolveCustomer(context, args.customerId);
    const { stored, replayed } = await context.repository.createTicket({
      tenantId: context.principal.tenant,
      customerId: customer.id,
      subject: args.subject,
      body: args.body,
      idempotencyKey: args.idempotencyKey,
    });
    // A key reused for a different request must not hand back someone else's ticket (a customer
    // guessing another customer's key would otherwise read it).
    const { ticket } = stored;
    if (ticket.customerId !== customer.id || ticket.subject !== args.subject || stored.body !== args.body) {
      throw new ToolError('INVALID_ARGUMENT', 'idempotencyKey was already used for a different request');
    }
    return { ticket, replayed };
  },
});
