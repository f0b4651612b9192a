import { z } from 'zod';
import { CustomerSchema } from '../domain.ts';
import { defineTool, resolveCustomer } from './tool.ts';

export const lookupCustomer = defineTool({
  name: 'lookup_customer',
  description: 'Look up one customer of your tenant by id.',
  inputSchema: z.object({ customerId: z.string().min(1).max(200) }),
  outputSchema: z.object({ customer: CustomerSchema }),
  async run(context, { customerId }) {
    const authorized = await resolveCustomer(context, customerId);
    const customer = await context.defects.answerForLookup(context.repository, authorized);
    return { customer };
  },
});
