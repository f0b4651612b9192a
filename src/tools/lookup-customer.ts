import { z } from 'zod';
import { CustomerSchema, StaleSchema } from '../domain.ts';
import { callReads, defineTool, resolveCustomer } from './tool.ts';

export const lookupCustomer = defineTool({
  name: 'lookup_customer',
  description:
    'Look up one customer of your tenant by id. While the database is unavailable the answer may ' +
    'come from an older copy: it then carries stale.ageMs, the age of that copy.',
  inputSchema: z.object({ customerId: z.string().min(1).max(200) }),
  outputSchema: z.object({ customer: CustomerSchema, stale: StaleSchema.optional() }),
  async run(context, { customerId }) {
    const reads = callReads(context);
    const authorized = await resolveCustomer(context, customerId, reads);
    const customer = await context.defects.answerForLookup(context.repository, authorized);
    const stale = reads.stale;
    return stale ? { customer, stale } : { customer };
  },
});
