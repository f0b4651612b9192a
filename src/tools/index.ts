import { analyticsSummary } from './analytics-summary.ts';
import { createTicket } from './create-ticket.ts';
import { getOrderStatus } from './get-order-status.ts';
import { listOrders } from './list-orders.ts';
import { lookupCustomer } from './lookup-customer.ts';
import { searchKnowledgeBase } from './search-knowledge-base.ts';
import type { Tool } from './tool.ts';
import { updateBilling } from './update-billing.ts';

export type { Tool, ToolContext } from './tool.ts';

export const TOOLS: readonly Tool[] = [
  lookupCustomer,
  listOrders,
  createTicket,
  getOrderStatus,
  searchKnowledgeBase,
  updateBilling,
  analyticsSummary,
];
