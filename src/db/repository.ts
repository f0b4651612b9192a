import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Defects, QueryRunner } from '../defects/index.ts';
import type { ArticleHit, BillingProfile, Customer, Order, Ticket } from '../domain.ts';
import type { PiiCipher } from '../pii/cipher.ts';
import { openCustomer, type SealedCustomerRow } from '../pii/customer.ts';

export interface NewTicket {
  readonly tenantId: string;
  readonly customerId: string;
  readonly subject: string;
  readonly body: string;
  readonly idempotencyKey: string;
}

/** A stored ticket plus the request fields an idempotent replay must match. */
export interface StoredTicket {
  readonly ticket: Ticket;
  readonly body: string;
}

export interface CreateTicketOutcome {
  readonly stored: StoredTicket;
  readonly replayed: boolean;
}

export interface ArticleSearch {
  readonly tenantId: string;
  /** Whether internal (staff-only) articles may be found; public ones always may. */
  readonly includeInternal: boolean;
  readonly query: string;
  readonly limit: number;
}

/** How many characters of an article's body a search hit carries. */
export const SNIPPET_CHARS = 160;

export interface BillingUpdate {
  readonly tenantId: string;
  readonly customerId: string;
  readonly idempotencyKey: string;
  readonly billingEmail: string;
  readonly plan: BillingProfile['plan'];
  /** What stands for the card: the number itself never reaches the repository. */
  readonly cardToken: string;
  readonly cardLast4: string;
}

export interface BillingUpdateOutcome {
  /** The profile as this update (or, replayed, the earlier one with the same key) left it. */
  readonly profile: BillingProfile;
  readonly replayed: boolean;
}

/** A tenant's figures, all from one snapshot of the database. */
export interface TenantAnalytics {
  readonly customers: number;
  readonly customersByTier: Record<string, number>;
  readonly ordersByStatus: Record<string, { count: number; totalCents: number }>;
  readonly openTickets: number;
  readonly articles: number;
}

// The seam between tools and PostgreSQL. Every customer read is scoped by tenant in SQL, so a
// policy bug alone cannot read another tenant's row (the policy checks again on the result).
/** An order with the tenant of its customer (orders carry no tenant of their own). */
export interface OrderOwner {
  readonly order: Order;
  readonly tenantId: string;
}

export interface Repository {
  /** One order of the tenant's customers, or undefined (missing or another tenant's alike). */
  findOrder(tenantId: string, orderId: string): Promise<OrderOwner | undefined>;
  findCustomer(tenantId: string, customerId: string): Promise<Customer | undefined>;
  listTenantCustomers(tenantId: string): Promise<Customer[]>;
  listTenantIds(): Promise<string[]>;
  listOrders(customerId: string, limit: number): Promise<Order[]>;
  createTicket(ticket: NewTicket): Promise<CreateTicketOutcome>;
  searchArticles(search: ArticleSearch): Promise<ArticleHit[]>;
  updateBilling(update: BillingUpdate): Promise<BillingUpdateOutcome>;
  tenantAnalytics(tenantId: string): Promise<TenantAnalytics>;
}

// email and phone come back sealed (bytea) and are opened in this process only.
const CUSTOMER_COLUMNS = 'id, tenant_id AS "tenantId", name, email, phone, tier';
export const TICKET_COLUMNS = `id, tenant_id AS "tenantId", customer_id AS "customerId", subject, body, status,
  idempotency_key AS "idempotencyKey", created_at AS "createdAt"`;

interface TicketRow {
  id: string;
  tenantId: string;
  customerId: string;
  subject: string;
  body: string;
  status: string;
  idempotencyKey: string;
  createdAt: Date;
}

function toStoredTicket(row: TicketRow): StoredTicket {
  const { body, createdAt, ...rest } = row;
  return { ticket: { ...rest, status: 'open', createdAt: createdAt.toISOString() }, body };
}

/** A database failure with the statement that failed, for the log (never for the client). */
export class QueryFailed extends Error {
  override readonly name = 'QueryFailed';
  readonly query: string;
  readonly code: string | undefined;
  constructor(cause: unknown, query: string) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.query = query;
    // Keep the driver's code (SQLSTATE, ECONNREFUSED): classifyError maps failures by it.
    const code = (cause as { code?: unknown } | null)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

// One statement, so a retry after an unknown outcome (timeout, dropped connection) either
// inserts or finds the earlier row: exactly once per (tenant, idempotency key).
const INSERT_TICKET_ONCE = `INSERT INTO tickets (id, tenant_id, customer_id, subject, body, status, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, 'open', $6)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
       RETURNING ${TICKET_COLUMNS}`;

const SEARCH_ARTICLES = `SELECT id, title, left(body, ${SNIPPET_CHARS}) AS snippet, visibility
       FROM kb_articles, websearch_to_tsquery('english', $3) AS query
      WHERE tenant_id = $1 AND ($2::boolean OR visibility = 'public') AND search @@ query
      ORDER BY ts_rank(search, query) DESC, id
      LIMIT $4`;

const BILLING_COLUMNS = `customer_id AS "customerId", billing_email AS "billingEmail", plan,
  card_token AS "cardToken", card_last4 AS "cardLast4"`;

// One statement, so that the update and its idempotency record commit together: a retry after an
// unknown outcome either applies it or finds the record of the first application, never both.
const APPLY_BILLING_ONCE = `WITH applied AS (
    INSERT INTO billing_updates (id, tenant_id, customer_id, idempotency_key, billing_email, plan, card_token, card_last4)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
    RETURNING tenant_id, customer_id, billing_email, plan, card_token, card_last4, applied_at
  )
  INSERT INTO billing_profiles (customer_id, tenant_id, billing_email, plan, card_token, card_last4, updated_at)
  SELECT customer_id, tenant_id, billing_email, plan, card_token, card_last4, applied_at FROM applied
  ON CONFLICT (customer_id) DO UPDATE SET billing_email = EXCLUDED.billing_email, plan = EXCLUDED.plan,
    card_token = EXCLUDED.card_token, card_last4 = EXCLUDED.card_last4, updated_at = EXCLUDED.updated_at
  RETURNING ${BILLING_COLUMNS}, updated_at AS "at"`;

interface BillingRow {
  customerId: string;
  billingEmail: string;
  plan: BillingProfile['plan'];
  cardToken: string;
  cardLast4: string;
  at: Date;
}

const toProfile = (row: BillingRow): BillingProfile => ({
  customerId: row.customerId,
  billingEmail: row.billingEmail,
  plan: row.plan,
  card: { token: row.cardToken, last4: row.cardLast4 },
  updatedAt: row.at.toISOString(),
});

// Every figure filtered by the caller's tenant: the one parameter, used in every subquery.
const TENANT_ANALYTICS = `SELECT
    (SELECT count(*)::int FROM customers WHERE tenant_id = $1) AS customers,
    (SELECT coalesce(json_object_agg(tier, n), '{}'::json)
       FROM (SELECT tier, count(*)::int AS n FROM customers WHERE tenant_id = $1 GROUP BY tier) t) AS "customersByTier",
    (SELECT coalesce(json_object_agg(status, json_build_object('count', n, 'totalCents', cents)), '{}'::json)
       FROM (SELECT o.status, count(*)::int AS n, sum(o.total_cents)::bigint AS cents
               FROM orders o JOIN customers c ON c.id = o.customer_id
              WHERE c.tenant_id = $1 GROUP BY o.status) t) AS "ordersByStatus",
    (SELECT count(*)::int FROM tickets WHERE tenant_id = $1 AND status = 'open') AS "openTickets",
    (SELECT count(*)::int FROM kb_articles WHERE tenant_id = $1) AS articles`;

/** A pool whose failed queries say which statement failed. */
function queryOf(pool: pg.Pool, run: QueryRunner) {
  return async <R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> => {
    try {
      return await run<R>(pool, text, values);
    } catch (error) {
      throw new QueryFailed(error, text);
    }
  };
}

export class PgRepository implements Repository {
  readonly #pool: { query: ReturnType<typeof queryOf> };
  readonly #insertTicketSql: string;
  readonly #cipher: PiiCipher;

  readonly #analyticsSql: string;

  constructor(
    pool: pg.Pool,
    defects: Pick<Defects, 'query' | 'ticketInsertSql' | 'analyticsSql'>,
    cipher: PiiCipher,
  ) {
    this.#pool = { query: queryOf(pool, defects.query) };
    this.#insertTicketSql = defects.ticketInsertSql(INSERT_TICKET_ONCE);
    this.#analyticsSql = defects.analyticsSql(TENANT_ANALYTICS);
    this.#cipher = cipher;
  }

  async searchArticles(search: ArticleSearch): Promise<ArticleHit[]> {
    const result = await this.#pool.query<ArticleHit>(SEARCH_ARTICLES, [
      search.tenantId,
      search.includeInternal,
      search.query,
      search.limit,
    ]);
    return result.rows;
  }

  async updateBilling(update: BillingUpdate): Promise<BillingUpdateOutcome> {
    const applied = await this.#pool.query<BillingRow>(APPLY_BILLING_ONCE, [
      randomUUID(),
      update.tenantId,
      update.customerId,
      update.idempotencyKey,
      update.billingEmail,
      update.plan,
      update.cardToken,
      update.cardLast4,
    ]);
    const row = applied.rows[0];
    if (row) return { profile: toProfile(row), replayed: false };
    // The key was used before: answer what that update applied (the profile may have moved on since).
    const earlier = await this.#pool.query<BillingRow>(
      `SELECT ${BILLING_COLUMNS}, applied_at AS "at" FROM billing_updates WHERE tenant_id = $1 AND idempotency_key = $2`,
      [update.tenantId, update.idempotencyKey],
    );
    const first = earlier.rows[0];
    if (!first) throw new Error('billing update conflict reported but no row found');
    return { profile: toProfile(first), replayed: true };
  }

  async tenantAnalytics(tenantId: string): Promise<TenantAnalytics> {
    const result = await this.#pool.query<
      TenantAnalytics & { ordersByStatus: Record<string, { count: number; totalCents: number | string }> }
    >(this.#analyticsSql, [tenantId]);
    const row = result.rows[0];
    if (!row) throw new Error('the analytics query returned no row');
    // json_build_object writes a bigint as a JSON number; sums beyond 2^53 cents are not a concern here.
    const ordersByStatus = Object.fromEntries(
      Object.entries(row.ordersByStatus).map(([status, v]) => [
        status,
        { count: v.count, totalCents: Number(v.totalCents) },
      ]),
    );
    return { ...row, ordersByStatus };
  }

  async findCustomer(tenantId: string, customerId: string): Promise<Customer | undefined> {
    const result = await this.#pool.query<SealedCustomerRow>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE tenant_id = $1 AND id = $2`,
      [tenantId, customerId],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : openCustomer(this.#cipher, row);
  }

  async listTenantCustomers(tenantId: string): Promise<Customer[]> {
    const result = await this.#pool.query<SealedCustomerRow>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE tenant_id = $1 ORDER BY id`,
      [tenantId],
    );
    return result.rows.map((row) => openCustomer(this.#cipher, row));
  }

  async listTenantIds(): Promise<string[]> {
    const result = await this.#pool.query<{ id: string }>('SELECT id FROM tenants ORDER BY id');
    return result.rows.map((row) => row.id);
  }

  async findOrder(tenantId: string, orderId: string): Promise<OrderOwner | undefined> {
    const result = await this.#pool.query<Omit<Order, 'createdAt'> & { createdAt: Date; tenantId: string }>(
      `SELECT o.id, o.customer_id AS "customerId", o.status, o.total_cents AS "totalCents",
              o.created_at AS "createdAt", c.tenant_id AS "tenantId"
         FROM orders o JOIN customers c ON c.id = o.customer_id
        WHERE o.id = $1 AND c.tenant_id = $2`,
      [orderId, tenantId],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const { tenantId: owner, createdAt, ...order } = row;
    return { order: { ...order, createdAt: createdAt.toISOString() }, tenantId: owner };
  }

  async listOrders(customerId: string, limit: number): Promise<Order[]> {
    const result = await this.#pool.query<Omit<Order, 'createdAt'> & { createdAt: Date }>(
      `SELECT id, customer_id AS "customerId", status, total_cents AS "totalCents", created_at AS "createdAt"
         FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [customerId, limit],
    );
    return result.rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  }

  async createTicket(ticket: NewTicket): Promise<CreateTicketOutcome> {
    const inserted = await this.#pool.query<TicketRow>(this.#insertTicketSql, [
      randomUUID(),
      ticket.tenantId,
      ticket.customerId,
      ticket.subject,
      ticket.body,
      ticket.idempotencyKey,
    ]);
    const created = inserted.rows[0];
    if (created) return { stored: toStoredTicket(created), replayed: false };
    const existing = await this.#pool.query<TicketRow>(
      `SELECT ${TICKET_COLUMNS} FROM tickets WHERE tenant_id = $1 AND idempotency_key = $2`,
      [ticket.tenantId, ticket.idempotencyKey],
    );
    const row = existing.rows[0];
    if (!row) throw new Error('ticket conflict reported but no row found');
    return { stored: toStoredTicket(row), replayed: true };
  }
}
