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

/** Who may read a knowledge-base article: `public` ones also customers, `internal` ones staff only. */
export const ARTICLE_VISIBILITIES = ['public', 'internal'] as const;
export type ArticleVisibility = (typeof ARTICLE_VISIBILITIES)[number];

export const ArticleSchema = z.object({
  id: z.string().min(1).max(200),
  tenantId: z.string().min(1).max(200),
  title: z.string().min(1).max(200),
  body: z.string().min(1).max(20_000),
  visibility: z.enum(ARTICLE_VISIBILITIES),
});
export type Article = z.infer<typeof ArticleSchema>;

/** One search hit: never the whole body, a bounded snippet of it. */
export const ArticleHitSchema = z.object({
  id: z.string().max(200),
  title: z.string().max(200),
  snippet: z.string().max(200),
  visibility: z.enum(ARTICLE_VISIBILITIES),
});
export type ArticleHit = z.infer<typeof ArticleHitSchema>;

export const BILLING_PLANS = ['free', 'standard', 'premium', 'enterprise'] as const;

/** A customer's billing details as stored and answered: the card as a token and its last four only. */
export const BillingProfileSchema = z.object({
  customerId: z.string().max(200),
  billingEmail: z.string().max(254),
  plan: z.enum(BILLING_PLANS),
  card: z.object({ token: z.string().max(100), last4: z.string().regex(/^\d{4}$/) }).nullable(),
  updatedAt: z.string().max(40),
});
export type BillingProfile = z.infer<typeof BillingProfileSchema>;

export const ROLES = ['agent', 'auditor', 'customer', 'manager', 'billing_admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly subject: string;
  readonly tenant: string;
  readonly role: Role;
  /** Only for role `customer`: the one customer this caller is. */
  readonly customer?: string;
}

export const TOOL_NAMES = [
  'lookup_customer',
  'list_orders',
  'create_ticket',
  'get_order_status',
  'search_knowledge_base',
  'update_billing',
  'analytics_summary',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];
