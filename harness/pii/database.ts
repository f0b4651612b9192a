import pg from 'pg';
import { maskValue, type SensitiveValue } from '../dataset/sensitive.ts';
import type { PiiHit, PiiSourceScan } from '../journal/index.ts';

/** The column types plaintext can hide in; everything else (numbers, times, uuids) cannot hold it. */
const TEXT_TYPES = new Set([
  'text',
  'character varying',
  'character',
  'json',
  'jsonb',
  'ARRAY',
  'USER-DEFINED',
]);
const APPLICATION_NAME = 'mcp-chaos-pii-scan';

interface Column {
  schema: string;
  table: string;
  column: string;
  type: string;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** The values as one POSIX regular expression (PostgreSQL's ARE), for a one-pass prefilter. */
const alternation = (values: readonly SensitiveValue[]) =>
  values.map((v) => v.value.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');

/**
 * Searches every text, varchar, json(b), array and bytea column of every table of the target's
 * database for each value, in one statement per table: each column is prefiltered with a single
 * regular expression of all values (one pass over the rows), and only the rows it flags are
 * matched value by value. bytea is searched for the values' UTF-8 bytes, so plaintext stored in a
 * binary column is found as surely as in a text one (and ciphertext never matches).
 */
export async function scanDatabase(
  postgresUrl: string,
  values: readonly SensitiveValue[],
): Promise<{ scan: PiiSourceScan; hits: PiiHit[] }> {
  const url = new URL(postgresUrl);
  url.searchParams.set('application_name', APPLICATION_NAME);
  const client = new pg.Client({
    connectionString: url.toString(),
    connectionTimeoutMillis: 5_000,
    statement_timeout: 60_000,
    query_timeout: 65_000,
  });
  // A server that goes away mid-scan fails the query in hand; the event must not crash the harness.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows: columns } = await client.query<Column>(`
      SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column, c.data_type AS type
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE t.table_type = 'BASE TABLE'
         AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
         AND c.table_schema NOT LIKE 'pg_toast%'
       ORDER BY 1, 2, c.ordinal_position`);
    const searched = columns.filter((c) => c.type === 'bytea' || TEXT_TYPES.has(c.type));
    const tables = new Map<string, Column[]>();
    for (const column of searched) {
      const key = `${column.schema}.${column.table}`;
      tables.set(key, [...(tables.get(key) ?? []), column]);
    }
    const hits: PiiHit[] = [];
    const ascii = values.every((v) => /^[\x20-\x5b\x5d-\x7e]*$/.test(v.value));
    for (const [, cols] of tables) {
      const parts = cols.map((c, n) => {
        const from = `${ident(c.schema)}.${ident(c.table)}`;
        const col = `t.${ident(c.column)}`;
        if (c.type === 'bytea') {
          // encode(…, 'escape') keeps printable ASCII as it is: a cheap prefilter when every value is ASCII.
          const prefilter = ascii ? `WHERE encode(${col}, 'escape') ~ $2` : '';
          return `SELECT ${n} AS col, v.i::int AS i, count(*)::int AS n FROM ${from} t
                    JOIN unnest($1::text[]) WITH ORDINALITY AS v(val, i) ON position(convert_to(v.val, 'UTF8') IN ${col}) > 0
                    ${prefilter} GROUP BY v.i`;
        }
        return `SELECT ${n} AS col, v.i::int AS i, count(*)::int AS n FROM ${from} t
                  JOIN unnest($1::text[]) WITH ORDINALITY AS v(val, i) ON position(v.val IN ${col}::text) > 0
                  WHERE ${col}::text ~ $2 GROUP BY v.i`;
      });
      const { rows } = await client.query<{ col: number; i: number; n: number }>(
        parts.join('\nUNION ALL\n'),
        [values.map((v) => v.value), alternation(values)],
      );
      for (const row of rows) {
        const column = cols[row.col] as Column;
        const value = values[row.i - 1] as SensitiveValue;
        const schema = column.schema === 'public' ? '' : `${column.schema}.`;
        hits.push({
          source: 'database',
          location: `${schema}${column.table}.${column.column}`,
          kind: value.kind,
          owner: value.owner,
          masked: maskValue(value.value),
          occurrences: row.n,
        });
      }
    }
    return {
      scan: { source: 'database', scanned: `${searched.length} columns of ${tables.size} tables` },
      hits,
    };
  } catch (error) {
    return {
      scan: {
        source: 'database',
        scanned: 'nothing',
        error: `the database could not be searched: ${error instanceof Error ? error.message : String(error)}`,
      },
      hits: [],
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
