import { z } from 'zod';
import { defineTool } from './tool.ts';

// A record's keys are the data's own (tiers, order statuses): bounded in size and number, so a
// dataset with thousands of statuses cannot make an answer unbounded.
const boundedRecord = <T extends z.ZodType>(value: T) =>
  z
    .record(z.string().max(50), value)
    .refine((r) => Object.keys(r).length <= 50, 'at most 50 distinct values are summarised');

export const analyticsSummary = defineTool({
  name: 'analytics_summary',
  description:
    'Figures for your tenant, from one snapshot: customers (by tier), orders by status (count and ' +
    'total), open tickets and knowledge-base articles. Only ever your own tenant.',
  inputSchema: z.object({}).strict(),
  outputSchema: z.object({
    tenantId: z.string().max(200),
    customers: z.object({ total: z.number().int().nonnegative(), byTier: boundedRecord(z.number().int()) }),
    orders: z.object({
      total: z.number().int().nonnegative(),
      byStatus: boundedRecord(z.object({ count: z.number().int(), totalCents: z.number().int() })),
    }),
    openTickets: z.number().int().nonnegative(),
    articles: z.number().int().nonnegative(),
  }),
  async run(context) {
    const tenantId = context.principal.tenant;
    const figures = await context.repository.tenantAnalytics(tenantId);
    const orders = Object.values(figures.ordersByStatus).reduce((sum, s) => sum + s.count, 0);
    return {
      tenantId,
      customers: { total: figures.customers, byTier: figures.customersByTier },
      orders: { total: orders, byStatus: figures.ordersByStatus },
      openTickets: figures.openTickets,
      articles: figures.articles,
    };
  },
});
