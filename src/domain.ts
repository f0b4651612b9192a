import { z } from 'zod';

// The shapes the tools return and the dataset endpoint accepts: one definition, used for
// validation at the edges and for types inside.
export const CustomerSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  name: z.string(),
  email: z.string(),
  // Optional: a dataset from before phones were seeded still loads.
  phone: z.string().optional(),
  tier: z.string(),
});
export type Customer = z.infer<typeof CustomerSchema>;

export const OrderSchema = z.object({
  id: z.string().min(1),
  customerId: z.string().min(1),
  status: z.string(),
  totalCents: z.number().int(),
  createdAt: z.string(),
});
export type Order = z.infer<typeof OrderSchema>;

/**
 * The mark of an answer served from an older copy because the database could not answer: how old
 * that copy is. Absent on every answer that is fresh.
 */
export const StaleSchema = z.object({ ageMs: z.number().int().nonnegative() });
export type Stale = z.infer<typeof StaleSchema>;

export const TicketSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  tenantId: z.string(),
  subject: z.string(),
  status: z.literal('open'),
  idempotencyKey: z.string(),
  createdAt: z.string(),
});
export type Ticket = z.infer<typeof TicketSchema>;

export const ROLES = ['agent', 'auditor', 'customer'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly subject: string;
  readonly tenant: string;
  readonly role: Role;
  /** Only for role `customer`: the one customer this caller is. */
  readonly customer?: string;
}

export const TOOL_NAMES = ['lookup_customer', 'list_orders', 'create_ticket'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];
