import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { z } from 'zod';

/**
 * Logical backup and restore of the reference server's database: every table of the `public`
 * schema copied (PostgreSQL's COPY, text format) inside ONE repeatable-read snapshot, so the
 * backup is the database exactly as it was at one instant — the recovery point — and restored
 * into a database of the same PostgreSQL major version with the server's own schema.
 */

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

const manifestSchema = z.object({
  format: z.literal(1),
  /**
   * The recovery point (ms since the epoch, this host's clock), read before the snapshot was
   * taken: every write acknowledged to a client before it is in the backup.
   */
  recoveryPoint: z.number(),
  /** The WAL position of the snapshot, for the record. */
  lsn: z.string(),
  /** server_version_num of the database backed up: a restore needs the same major version. */
  serverVersionNum: z.number().int(),
  /** In restore order: a table after every table it references. */
  tables: z.array(
    z.object({
      name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
      columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1),
      rows: z.number().int().nonnegative(),
      file: z.string().regex(/^[a-z_][a-z0-9_]*\.copy$/),
    }),
  ),
  tookMs: z.number(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export const MANIFEST = 'manifest.json';

interface TableInfo {
  name: string;
  columns: string[];
  dependsOn: string[];
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** Every ordinary table of `public`, its stored columns, and the tables its foreign keys reference. */
async function discoverTables(client: pg.Client): Promise<TableInfo[]> {
  const { rows } = await client.query<{ name: string; columns: string[]; depends_on: string[] }>(`
    SELECT c.relname AS name,
           array(SELECT a.attname::text FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                  ORDER BY a.attnum) AS columns,
           array(SELECT DISTINCT r.relname::text FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid
                  WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.confrelid <> c.oid) AS depends_on
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r'
     ORDER BY c.relname`);
  return rows.map((r) => ({ name: r.name, columns: r.columns, dependsOn: r.depends_on }));
}

/** Referenced tables first, so a restore never inserts a row before the row it points to. */
export function restoreOrder(tables: readonly TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: TableInfo, path: string[]) => {
    const seen = state.get(table.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new BackupError(
        `foreign keys form a cycle (${[...path, table.name].join(' → ')}): cannot order a restore`,
      );
    }
    state.set(table.name, 'visiting');
    for (const dependency of table.dependsOn) {
      const referenced = byName.get(dependency);
      if (referenced) visit(referenced, [...path, table.name]);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered;
}

export interface BackupOptions {
  /** Chooses the tables to copy, given every table found (production: all of them). */
  readonly tables?: (found: readonly string[]) => readonly string[];
  readonly now?: () => number;
}

/**
 * Writes a backup of the database `client` is connected to into `dir` (created if needed):
 * one `<table>.copy` per table and, last, `manifest.json` — a directory without a manifest is
 * an unfinished backup and a restore refuses it.
 */
export async function backup(
  client: pg.Client,
  dir: string,
  options: BackupOptions = {},
): Promise<BackupManifest> {
  const now = options.now ?? Date.now;
  await mkdir(dir, { recursive: true });
  // Read before the snapshot exists: a write acknowledged before this instant committed before
  // the snapshot, so it is in the backup. The snapshot is taken at the transaction's first
  // statement (repeatable read), which is the very next one.
  const recoveryPoint = now();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const point = await client.query<{ lsn: string; version: number }>(
      `SELECT pg_current_wal_lsn()::text AS lsn, current_setting('server_version_num')::int AS version`,
    );
    const found = await discoverTables(client);
    const chosen = new Set(
      options.tables ? options.tables(found.map((t) => t.name)) : found.map((t) => t.name),
    );
    const tables: BackupManifest['tables'] = [];
    for (const table of restoreOrder(found).filter((t) => chosen.has(t.name))) {
      const file = `${table.name}.copy`;
      const copy = client.query(
        copyTo(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) TO STDOUT`),
      );
      await pipeline(copy, createWriteStream(join(dir, file), { flags: 'w' }));
      tables.push({ name: table.name, columns: table.columns, rows: Number(copy.rowCount ?? 0), file });
    }
    await client.query('COMMIT');
    const manifest: BackupManifest = {
      format: 1,
      recoveryPoint,
      lsn: point.rows[0]?.lsn ?? '',
      serverVersionNum: point.rows[0]?.version ?? 0,
      tables,
      tookMs: now() - recoveryPoint,
    };
    const temporary = join(dir, `${MANIFEST}.tmp`);
    await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(temporary, join(dir, MANIFEST));
    return manifest;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The manifest of the backup in `dir`, checked; a missing or damaged one is named. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch {
    throw new BackupError(
      `${join(dir, MANIFEST)} is missing: ${dir} is not a finished backup (a backup writes its manifest last)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BackupError(`${join(dir, MANIFEST)} is not JSON: the backup is damaged`);
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BackupError(
      `${join(dir, MANIFEST)} is not a backup manifest (${issue?.path.join('.') || '(root)'}: ${issue?.message})`,
    );
  }
  return result.data;
}

export interface RestoreResult {
  readonly recoveryPoint: number;
  readonly tables: number;
  readonly rows: number;
  readonly tookMs: number;
}

const major = (versionNum: number) => Math.floor(versionNum / 10_000);

/**
 * Restores the backup in `dir` into the database `client` is connected to, in one transaction:
 * the server's schema (`schemaSql`, idempotent), every backed-up table emptied, then filled from
 * its copy. Refuses another PostgreSQL major version. Until it commits, the server's clients see
 * the database as it was (or empty, after a loss); never half-restored.
 */
export async function restore(
  client: pg.Client,
  dir: string,
  options: { schemaSql: string; now?: () => number },
): Promise<RestoreResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const manifest = await readManifest(dir);
  const { rows } = await client.query<{ version: number }>(
    `SELECT current_setting('server_version_num')::int AS version`,
  );
  const version = rows[0]?.version ?? 0;
  if (major(version) !== major(manifest.serverVersionNum)) {
    throw new BackupError(
      `the backup is of PostgreSQL ${major(manifest.serverVersionNum)} and this server runs PostgreSQL ${major(version)}: restore into a server of the same major version`,
    );
  }
  await client.query('BEGIN');
  try {
    await client.query(options.schemaSql);
    if (manifest.tables.length > 0) {
      await client.query(`TRUNCATE ${manifest.tables.map((t) => quote(t.name)).join(', ')} CASCADE`);
    }
    let restored = 0;
    for (const table of manifest.tables) {
      const copy = client.query(
        copyFrom(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) FROM STDIN`),
      );
      await pipeline(createReadStream(join(dir, table.file)), copy);
      const count = Number(copy.rowCount ?? 0);
      if (count !== table.rows) {
        throw new BackupError(
          `${table.file} holds ${count} rows, the manifest says ${table.rows}: the backup is damaged`,
        );
      }
      restored += count;
    }
    await client.query('COMMIT');
    return {
      recoveryPoint: manifest.recoveryPoint,
      tables: manifest.tables.length,
      rows: restored,
      tookMs: now() - started,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
