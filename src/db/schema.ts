import type pg from 'pg';
import type { Logger } from 'pino';

/** The unique (tenant, idempotency key) constraint's name: its index has the same name. */
export const TICKET_IDEMPOTENCY_INDEX = 'tickets_tenant_id_idempotency_key_key';
/** The unique (tenant, idempotency key) constraint of billing updates: one update per key. */
export const BILLING_IDEMPOTENCY_INDEX = 'billing_updates_tenant_id_idempotency_key_key';

// Idempotent DDL run at every start: the reference server owns its schema and must come up on an
// empty database as well as on one it created before.
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS tenants (
  id text PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE IF NOT EXISTS customers (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  name text NOT NULL,
  -- Personal data is sealed by the server (src/pii: AES-256-GCM, key version byte, IV, tag) and
  -- never stored in plaintext: PostgreSQL, its backups and its logs hold ciphertext only.
  email bytea NOT NULL,
  phone bytea,
  tier text NOT NULL
);
ALTER TABLE customers ADD COLUMN IF NOT EXISTS phone bytea;
CREATE INDEX IF NOT EXISTS customers_tenant_idx ON customers (tenant_id, id);
CREATE TABLE IF NOT EXISTS orders (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  status text NOT NULL,
  total_cents bigint NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_customer_idx ON orders (customer_id, created_at DESC);
CREATE TABLE IF NOT EXISTS tickets (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  customer_id text NOT NULL REFERENCES customers(id),
  subject text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'open',
  idempotency_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ${TICKET_IDEMPOTENCY_INDEX} UNIQUE (tenant_id, idempotency_key)
);
-- Exactly-once ticket creation rests on this index: put it back if a build without it (the
-- idempotency-ignored defect) dropped it from this database. A no-op while the constraint exists.
CREATE UNIQUE INDEX IF NOT EXISTS ${TICKET_IDEMPOTENCY_INDEX} ON tickets (tenant_id, idempotency_key);
-- A database created by a build before encryption kept email as text. Its plaintext is not
-- carried over (the server holds no rows of its own: POST /dataset loads them again, sealed).
-- Here, once every table above exists, so an older database missing one still converts.
DO $$
BEGIN
  IF (SELECT data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'customers' AND column_name = 'email') = 'text' THEN
    DELETE FROM tickets;
    DELETE FROM orders;
    DELETE FROM customers;
    ALTER TABLE customers ALTER COLUMN email TYPE bytea USING NULL;
  END IF;
END $$;
-- One row per tool call (src/audit): ids only, no argument values.
CREATE TABLE IF NOT EXISTS audit_log (
  id text PRIMARY KEY,
  at timestamptz NOT NULL,
  tenant_id text NOT NULL,
  subject text NOT NULL,
  role text NOT NULL,
  tool text NOT NULL,
  record_ids text[] NOT NULL,
  outcome text NOT NULL,
  correlation_id text
);
CREATE INDEX IF NOT EXISTS audit_log_correlation_idx ON audit_log (correlation_id);
-- The tenants' knowledge base (search_knowledge_base). The search vector is generated, so an
-- article can never be found by words it no longer has; 'english' stems (refunds finds refund).
CREATE TABLE IF NOT EXISTS kb_articles (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  title text NOT NULL,
  body text NOT NULL,
  visibility text NOT NULL CHECK (visibility IN ('public', 'internal')),
  search tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || body)) STORED
);
CREATE INDEX IF NOT EXISTS kb_articles_search_idx ON kb_articles USING gin (search);
CREATE INDEX IF NOT EXISTS kb_articles_tenant_idx ON kb_articles (tenant_id);
-- Billing details (update_billing). A card is a token and its last four digits: the number itself
-- is never stored, not even hashed (a hash of a 16-digit number falls to brute force).
CREATE TABLE IF NOT EXISTS billing_profiles (
  customer_id text PRIMARY KEY REFERENCES customers(id),
  tenant_id text NOT NULL REFERENCES tenants(id),
  billing_email text NOT NULL,
  plan text NOT NULL,
  card_token text NOT NULL,
  card_last4 text NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
  updated_at timestamptz NOT NULL
);
-- One row per applied update: its (tenant, idempotency key) makes a retry a replay, not a second update.
CREATE TABLE IF NOT EXISTS billing_updates (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  customer_id text NOT NULL REFERENCES customers(id),
  idempotency_key text NOT NULL,
  billing_email text NOT NULL,
  plan text NOT NULL,
  card_token text NOT NULL,
  card_last4 text NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
  applied_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ${BILLING_IDEMPOTENCY_INDEX} UNIQUE (tenant_id, idempotency_key)
);
`;

/** Tracks whether the schema exists yet, so tools and /readyz can answer honestly before it does. */
export interface SchemaState {
  ready: boolean;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Creates the schema, retrying with capped exponential backoff until it succeeds or `signal`
 * aborts. A database that is down at start is an outage to ride out, not a reason to exit.
 */
export async function ensureSchemaWithRetry(
  pool: pg.Pool,
  state: SchemaState,
  logger: Logger,
  signal: AbortSignal,
  schemaSql: string,
): Promise<void> {
  let delayMs = 250;
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      // Serialised across instances: concurrent CREATE ... IF NOT EXISTS can still race in PG.
      await pool.query(`SELECT pg_advisory_lock(727274); ${schemaSql}; SELECT pg_advisory_unlock(727274);`);
      state.ready = true;
      logger.info({ attempt }, 'database schema ready');
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ attempt, retryInMs: delayMs, reason: message }, 'database not ready at start; retrying');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      delayMs = Math.min(delayMs * 2, MAX_BACKOFF_MS);
    }
  }
}
