import type { OrderOwner } from '../db/repository.ts';
import type { Customer, Principal, Role, ToolName } from '../domain.ts';

// The whole authorization policy. Two questions, asked in this order by every tool:
// may this role use this tool at all (FORBIDDEN if not, before any lookup), and may this caller
// see this customer record (if not, the answer is NOT_FOUND, identical to a missing id).
// Least privilege: billing details only for billing_admin, tenant-wide figures only for managers,
// and a customer finds only the knowledge base's public articles (see mayReadInternalArticles).
// biome-ignore format: an aligned table is the point
const TOOLS_BY_ROLE: Readonly<Record<Role, ReadonlySet<ToolName>>> = {
  agent:         new Set(['lookup_customer', 'list_orders', 'create_ticket', 'get_order_status', 'search_knowledge_base']),
  auditor:       new Set(['lookup_customer', 'list_orders', 'get_order_status', 'search_knowledge_base']),
  customer:      new Set(['lookup_customer', 'list_orders', 'create_ticket', 'get_order_status', 'search_knowledge_base']),
  manager:       new Set(['lookup_customer', 'list_orders', 'create_ticket', 'get_order_status', 'search_knowledge_base', 'analytics_summary']),
  billing_admin: new Set(['lookup_customer', 'update_billing']),
};

export function mayUseTool(principal: Principal, tool: ToolName): boolean {
  return TOOLS_BY_ROLE[principal.role].has(tool);
}

/** Internal knowledge-base articles are for staff; a customer finds public ones only. */
export function mayReadInternalArticles(principal: Principal): boolean {
  return principal.role !== 'customer';
}

/** Whether a customer id can possibly be in scope, decidable before touching the database. */
export function mayRequestCustomer(principal: Principal, customerId: string): boolean {
  return principal.role !== 'customer' || principal.customer === customerId;
}

export function maySeeCustomer(principal: Principal, customer: Customer | undefined): customer is Customer {
  if (customer === undefined) return false;
  if (customer.tenantId !== principal.tenant) return false;
  return principal.role !== 'customer' || principal.customer === customer.id;
}

/** Whether this caller may see an order: its owner is in the caller's tenant (and is the caller, for a customer). */
export function maySeeOrder(principal: Principal, owner: OrderOwner | undefined): owner is OrderOwner {
  if (owner === undefined) return false;
  if (owner.tenantId !== principal.tenant) return false;
  return principal.role !== 'customer' || principal.customer === owner.order.customerId;
}
