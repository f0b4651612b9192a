import type pg from 'pg';
import type { AuditEntry } from './entry.ts';

// One statement a batch (group commit). ON CONFLICT makes a replay of the spool, or of a batch
// whose commit was not acknowledged, store each entry exactly once.
const INSERT_BATCH = `INSERT INTO audit_log (id, at, tenant_id, subject, role, tool, record_ids, outcome, correlation_id)
  SELECT id, at, "tenantId", subject, role, tool, "recordIds", outcome, "correlationId"
    FROM jsonb_to_recordset($1::jsonb) AS r(id text, at timestamptz, "tenantId" text, subject text,
      role text, tool text, "recordIds" text[], outcome text, "correlationId" text)
  ON CONFLICT (id) DO NOTHING`;

/** Where audit entries are kept for good. */
export interface AuditStore {
  insert(entries: readonly AuditEntry[]): Promise<void>;
}

export class PgAuditStore implements AuditStore {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async insert(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // A named statement: each connection parses and plans it once, not once a batch. With a
    // batch per call at moderate rates, PostgreSQL's parse and plan were a cost of every call.
    await this.#pool.query({
      name: 'audit-insert-batch',
      text: INSERT_BATCH,
      values: [JSON.stringify(entries)],
    });
  }
}

/** What the admin port's /dataset/audit returns: enough to check completeness, no personal data. */
export interface AuditSummaryRow {
  readonly correlationId: string | null;
  readonly tool: string;
  readonly outcome: string;
}

export async function listAudit(pool: pg.Pool): Promise<AuditSummaryRow[]> {
  const result = await pool.query<AuditSummaryRow>(
    `SELECT correlation_id AS "correlationId", tool, outcome FROM audit_log ORDER BY at, id`,
  );
  return result.rows;
}
