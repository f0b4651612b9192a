import type pg from 'pg';
import { z } from 'zod';
import { ArticleSchema, CustomerSchema, OrderSchema } from '../domain.ts';
import type { PiiCipher } from '../pii/cipher.ts';
import { sealContact } from '../pii/customer.ts';

// What the harness loads before a run: its generated ground truth. Validated so a bad generator
// fails loudly at load time instead of as confusing answers mid-run; unknown keys (a journal
// record's `type`, say) are ignored rather than refused.
export const DatasetSchema = z
  .object({
    tenants: z.array(z.object({ id: z.string().min(1), name: z.string() })),
    customers: z.array(CustomerSchema),
    orders: z.array(OrderSchema.extend({ createdAt: z.iso.datetime({ offset: true }) })),
    // Optional: a dataset from before the knowledge base loads with none.
    articles: z.array(ArticleSchema).max(100_000).default([]),
  })
  .superRefine((dataset, ctx) => {
    const tenantIds = new Set(dataset.tenants.map((t) => t.id));
    const customerIds = new Set(dataset.customers.map((c) => c.id));
    dataset.customers.forEach((customer, index) => {
      if (!tenantIds.has(customer.tenantId)) {
        ctx.addIssue({ code: 'custom', path: ['customers', index, 'tenantId'], message: 'unknown tenant' });
      }
    });
    dataset.orders.forEach((order, index) => {
      if (!customerIds.has(order.customerId)) {
        ctx.addIssue({ code: 'custom', path: ['orders', index, 'customerId'], message: 'unknown customer' });
      }
    });
    dataset.articles.forEach((article, index) => {
      if (!tenantIds.has(article.tenantId)) {
        ctx.addIssue({ code: 'custom', path: ['articles', index, 'tenantId'], message: 'unknown tenant' });
      }
    });
  });
export type Dataset = z.infer<typeof DatasetSchema>;

export interface DatasetTicket {
  readonly id: string;
  readonly tenantId: string;
  readonly customerId: string;
  readonly idempotencyKey: string;
  readonly subject: string;
}

/**
 * Replaces every row in one transaction: a half-loaded dataset would poison a whole run. Contact
 * details are sealed here, before they leave the process: PostgreSQL only ever sees ciphertext.
 */
export async function loadDataset(pool: pg.Pool, dataset: Dataset, cipher: PiiCipher): Promise<void> {
  const sealed = dataset.customers.map((c) => sealContact(cipher, c));
  const client = await pool.connect();
  // A checked-out client that loses its connection between statements emits 'error'; unhandled,
  // that would crash the process. The failing statement reports the error to the caller anyway.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM tickets');
    await client.query('DELETE FROM billing_updates');
    await client.query('DELETE FROM billing_profiles');
    await client.query('DELETE FROM kb_articles');
    await client.query('DELETE FROM orders');
    await client.query('DELETE FROM customers');
    await client.query('DELETE FROM tenants');
    // unnest() inserts each table in one round trip whatever the dataset size.
    await client.query('INSERT INTO tenants (id, name) SELECT * FROM unnest($1::text[], $2::text[])', [
      dataset.tenants.map((t) => t.id),
      dataset.tenants.map((t) => t.name),
    ]);
    await client.query(
      `INSERT INTO customers (id, tenant_id, name, email, phone, tier)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::text[])`,
      [
        dataset.customers.map((c) => c.id),
        dataset.customers.map((c) => c.tenantId),
        dataset.customers.map((c) => c.name),
        sealed.map((s) => s.email),
        sealed.map((s) => s.phone),
        dataset.customers.map((c) => c.tier),
      ],
    );
    await client.query(
      `INSERT INTO orders (id, customer_id, status, total_cents, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[])`,
      [
        dataset.orders.map((o) => o.id),
        dataset.orders.map((o) => o.customerId),
        dataset.orders.map((o) => o.status),
        dataset.orders.map((o) => o.totalCents),
        dataset.orders.map((o) => o.createdAt),
      ],
    );
    await client.query(
      `INSERT INTO kb_articles (id, tenant_id, title, body, visibility)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        dataset.articles.map((a) => a.id),
        dataset.articles.map((a) => a.tenantId),
        dataset.articles.map((a) => a.title),
        dataset.articles.map((a) => a.body),
        dataset.articles.map((a) => a.visibility),
      ],
    );
    await client.query('COMMIT');
    client.off('error', ignore);
    client.release();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    // Passing the error destroys the connection instead of returning a possibly broken one.
    client.off('error', ignore);
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** An applied billing update, as the end-of-run snapshot shows it: ids only, no billing details. */
export interface DatasetBillingUpdate {
  readonly id: string;
  readonly tenantId: string;
  readonly customerId: string;
  readonly idempotencyKey: string;
}

export async function listBillingUpdates(pool: pg.Pool): Promise<DatasetBillingUpdate[]> {
  const result = await pool.query<DatasetBillingUpdate>(
    `SELECT id, tenant_id AS "tenantId", customer_id AS "customerId", idempotency_key AS "idempotencyKey"
       FROM billing_updates ORDER BY applied_at, id`,
  );
  return result.rows;
}

export async function listTickets(pool: pg.Pool): Promise<DatasetTicket[]> {
  const result = await pool.query<DatasetTicket>(
    `SELECT id, tenant_id AS "tenantId", customer_id AS "customerId", idempotency_key AS "idempotencyKey", subject
       FROM tickets ORDER BY created_at, id`,
  );
  return result.rows;
}
