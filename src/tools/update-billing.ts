import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BILLING_PLANS, BillingProfileSchema } from '../domain.ts';
import { ToolError } from '../errors.ts';
import { defineTool, resolveCustomer } from './tool.ts';

/** The Luhn checksum every payment card number carries: catches a mistyped digit before anything is stored. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * What stands for the card from now on. In production this is the payment vault's token; here a
 * random one (not derived from the number, so it reveals nothing about it).
 */
const newCardToken = (): string => `tok_${randomBytes(16).toString('hex')}`;

export const updateBilling = defineTool({
  name: 'update_billing',
  description:
    "Replace a customer's billing details: billing email, plan and payment card. The card number " +
    'is never stored or returned: the answer carries a token and its last four digits. Retrying ' +
    'with the same idempotencyKey returns the first update with replayed=true instead of applying it again.',
  inputSchema: z.object({
    customerId: z.string().min(1).max(200),
    billingEmail: z.email().max(254),
    plan: z.enum(BILLING_PLANS),
    // zod's messages name the rule, never the value: the number does not come back in an error.
    cardNumber: z
      .string()
      .regex(/^\d{12,19}$/, 'a card number is 12 to 19 digits, no spaces')
      .refine(luhnValid, 'not a valid card number (checksum)'),
    idempotencyKey: z.string().min(8).max(100),
  }),
  outputSchema: z.object({ billing: BillingProfileSchema, replayed: z.boolean() }),
  async run(context, args) {
    const customer = await resolveCustomer(context, args.customerId);
    const last4 = args.cardNumber.slice(-4);
    const { profile, replayed } = await context.repository.updateBilling({
      tenantId: context.principal.tenant,
      customerId: customer.id,
      idempotencyKey: args.idempotencyKey,
      billingEmail: args.billingEmail,
      plan: args.plan,
      cardToken: newCardToken(),
      cardLast4: last4,
    });
    // A key reused for a different request must not report someone else's update as this one.
    // Without the number stored, the card is compared by its last four: the best that can be
    // done without keeping something the number could be recovered from.
    if (
      profile.customerId !== customer.id ||
      profile.billingEmail !== args.billingEmail ||
      profile.plan !== args.plan ||
      profile.card?.last4 !== last4
    ) {
      throw new ToolError('INVALID_ARGUMENT', 'idempotencyKey was already used for a different request');
    }
    return { billing: profile, replayed };
  },
});
