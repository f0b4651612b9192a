import { ARTICLE_TOPICS, type Dataset } from '../dataset/generate.ts';
import type { IdentityClaims } from '../journal/records.ts';
import type { Random } from '../random.ts';

export const TOOLS = [
  'lookup_customer',
  'list_orders',
  'create_ticket',
  'get_order_status',
  'search_knowledge_base',
  'update_billing',
  'analytics_summary',
] as const;
export type ToolName = (typeof TOOLS)[number];

/**
 * Relative weights of the tools in the mix. Every identity draws from the same mix whatever its
 * role: a role the target refuses a tool answers FORBIDDEN (a business answer, not a failure),
 * which is what the authorization check judges.
 */
export type ToolMix = Partial<Record<ToolName, number>>;
/**
 * get_order_status is not in it: it asks an upstream, and scenarios about the upstream opt in
 * with their own mix (the others' timings stay as they were). Nor are the tools of the other
 * roles: role-mix names them.
 */
export const DEFAULT_MIX: ToolMix = { lookup_customer: 50, list_orders: 35, create_ticket: 15 };

/** A search for this finds nothing in any tenant: the empty answer is judged too. */
export const UNMATCHED_QUERY = 'zeppelin';
const PLANS = ['free', 'standard', 'premium', 'enterprise'] as const;

/**
 * A card number that passes the Luhn check, on a test range (starts with 4000): digits from the
 * seeded stream, the last one the check digit.
 */
export function testCardNumber(random: Random): string {
  let digits = '4000';
  while (digits.length < 15) digits += String(random.int(0, 9));
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    // From the right of the full 16-digit number, every second digit (the check digit is first) doubles.
    let d = Number(digits[14 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits + String((10 - (sum % 10)) % 10);
}

export interface PlannedCall {
  tool: ToolName;
  args: Record<string, unknown>;
}

/**
 * Chooses the next call of a virtual user from the seeded stream: a tool from the mix and a
 * customer the identity may see (its own tenant; its own record for a customer-role identity).
 */
export function planCall(
  random: Random,
  identity: IdentityClaims,
  dataset: Dataset,
  mix: ToolMix,
  idempotencyKey: string,
): PlannedCall {
  const tools = TOOLS.filter((t) => (mix[t] ?? 0) > 0);
  const tool = random.weighted(
    tools,
    tools.map((t) => mix[t] ?? 0),
  );
  const customerId = random.pick(visibleCustomers(dataset, identity)).id;
  switch (tool) {
    case 'get_order_status': {
      // An order the identity may see; one with none in sight (a customer without orders) asks
      // for its orders instead, so every planned call has a right answer in the dataset.
      const orders = visibleOrders(dataset, identity);
      if (orders.length === 0) return { tool: 'list_orders', args: { customerId, limit: 20 } };
      return { tool, args: { orderId: random.pick(orders).id } };
    }
    case 'lookup_customer':
      return { tool, args: { customerId } };
    case 'list_orders':
      return { tool, args: { customerId, limit: 20 } };
    case 'create_ticket':
      return {
        tool,
        args: {
          customerId,
          subject: `Order question ${random.hex(4)}`,
          body: 'Where is my order? This ticket was opened by an mcp-chaos virtual user.',
          idempotencyKey,
        },
      };
    case 'search_knowledge_base':
      return {
        tool,
        args: {
          query: random.int(0, 9) === 0 ? UNMATCHED_QUERY : random.pick(ARTICLE_TOPICS),
          limit: random.pick([3, 10, 20]),
        },
      };
    case 'update_billing':
      return {
        tool,
        args: {
          customerId,
          billingEmail: `billing.${random.hex(6)}@customer.example`,
          plan: random.pick(PLANS),
          cardNumber: testCardNumber(random),
          idempotencyKey,
        },
      };
    case 'analytics_summary':
      return { tool, args: {} };
  }
}

const visible = new WeakMap<Dataset, WeakMap<IdentityClaims, Dataset['customers']>>();
const visibleOrderLists = new WeakMap<Dataset, WeakMap<IdentityClaims, Dataset['orders']>>();

/** The orders of the customers an identity may see, computed once per dataset and identity. */
function visibleOrders(dataset: Dataset, identity: IdentityClaims): Dataset['orders'] {
  let byIdentity = visibleOrderLists.get(dataset);
  if (!byIdentity) {
    byIdentity = new WeakMap();
    visibleOrderLists.set(dataset, byIdentity);
  }
  let orders = byIdentity.get(identity);
  if (!orders) {
    const customers = new Set(visibleCustomers(dataset, identity).map((c) => c.id));
    orders = dataset.orders.filter((o) => customers.has(o.customerId));
    byIdentity.set(identity, orders);
  }
  return orders;
}

/**
 * The customers an identity may see, computed once per dataset and identity object (every call
 * needs them; a session's identity is one object for the whole run).
 */
function visibleCustomers(dataset: Dataset, identity: IdentityClaims): Dataset['customers'] {
  let byIdentity = visible.get(dataset);
  if (!byIdentity) {
    byIdentity = new WeakMap();
    visible.set(dataset, byIdentity);
  }
  let customers = byIdentity.get(identity);
  if (!customers) {
    customers = dataset.customers.filter(
      (c) => c.tenantId === identity.tenant && (identity.role !== 'customer' || c.id === identity.customer),
    );
    byIdentity.set(identity, customers);
  }
  return customers;
}
