import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Defects, QueryRunner } from '../defects/index.ts';
import type { Customer, Order, Ticket } from '../domain.ts';
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

// The seam between tools and PostgreSQL. Every customer read is scoped by tenant in SQL, so a
// policy bug alone cannot read another tenant's row (the policy checks again on the result).
export interface Repository {
  findCustomer(tenantId: string, customerId: string): Promise<Customer | undefined>;
  listTenantCustomers(tenantId: string): Promise<Customer[]>;
  listTenantIds(): Promise<string[]>;
  listOrders(customerId: string, limit: number): Promise<Order[]>;
  createTicket(ticket: NewTicket): Promise<CreateTicketOutcome>;
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

  constructor(pool: pg.Pool, defects: Pick<Defects, 'query' | 'ticketInsertSql'>, cipher: PiiCipher) {
    this.#pool = { query: queryOf(pool, defects.query) };
    this.#insertTicketSql = defects.ticketInsertSql(INSERT_TICKET_ONCE);
    this.#cipher = cipher;
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
