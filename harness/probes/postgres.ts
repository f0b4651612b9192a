import pg from 'pg';
import { HarnessError } from '../errors.ts';
import { seriesKey } from '../journal/index.ts';
import type { Probe } from './probe.ts';

/** The probe's own application_name: its connection is never counted as the target's. */
export const PROBE_APPLICATION_NAME = 'mcp-chaos-probe';

// Client backends only: autovacuum, the checkpointer and the WAL writer are PostgreSQL's own.
const CONNECTIONS_SQL = `
  SELECT coalesce(application_name, '') AS application_name,
         coalesce(state, 'unknown') AS state,
         count(*)::int AS connections
    FROM pg_stat_activity
   WHERE backend_type = 'client backend'
   GROUP BY 1, 2`;

interface ConnectionRow {
  application_name: string;
  state: string;
  connections: number;
}

/**
 * Connections in pg_stat_activity by application_name and state. Values:
 * `pg_connections` (all client connections, the probe's own included: it uses a slot too),
 * `pg_connections{application_name="…"}`, `pg_connections{application_name="…",state="idle"}`
 * and `pg_max_connections`.
 */
export function connectionValues(
  rows: readonly ConnectionRow[],
  maxConnections: number,
): Record<string, number> {
  const values: Record<string, number> = { pg_connections: 0, pg_max_connections: maxConnections };
  for (const row of rows) {
    const app = { application_name: row.application_name };
    const perApp = seriesKey('pg_connections', app);
    values.pg_connections = (values.pg_connections ?? 0) + row.connections;
    values[perApp] = (values[perApp] ?? 0) + row.connections;
    values[seriesKey('pg_connections', { ...app, state: row.state })] = row.connections;
  }
  return values;
}

/**
 * Reads pg_stat_activity over one connection of its own, kept between samples (a connection
 * per tick would fork a backend and run SCRAM every time) and opened again after any error.
 * `url` is read at every connect: the containers runtime's host port changes when PostgreSQL
 * restarts. It must be a direct URL, not through the `target→postgres` link, so that a fault
 * on that link does not blind the probe.
 */
export class PostgresProbe implements Probe {
  readonly name = 'postgres';
  readonly #url: () => string;
  readonly #timeoutMs: number;
  #client: pg.Client | undefined;
  #broken = false;
  #maxConnections = 0;

  constructor(url: () => string, timeoutMs: number) {
    this.#url = url;
    this.#timeoutMs = timeoutMs;
  }

  async read(): Promise<{ values: Record<string, number> }> {
    const client = await this.#connected();
    try {
      const result = await client.query<ConnectionRow>(CONNECTIONS_SQL);
      return { values: connectionValues(result.rows, this.#maxConnections) };
    } catch (error) {
      await this.close();
      throw this.#error('query pg_stat_activity', error);
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) await closeWithin(client, this.#timeoutMs);
  }

  async #connected(): Promise<pg.Client> {
    if (this.#client && !this.#broken) return this.#client;
    await this.close();
    const client = new pg.Client({
      connectionString: probeUrl(this.#url()),
      application_name: PROBE_APPLICATION_NAME,
      connectionTimeoutMillis: this.#timeoutMs,
      query_timeout: this.#timeoutMs,
      statement_timeout: this.#timeoutMs,
    });
    // Without a listener, the server closing an idle connection (a restart) would be an
    // unhandled 'error' event, and that ends the process.
    client.on('error', () => {
      if (this.#client === client) this.#broken = true;
    });
    this.#client = client;
    this.#broken = false;
    try {
      await client.connect();
      const max = await client.query<{ max: number }>(
        "SELECT current_setting('max_connections')::int AS max",
      );
      this.#maxConnections = max.rows[0]?.max ?? 0;
      return client;
    } catch (error) {
      await this.close();
      throw this.#error('connect', error);
    }
  }

  #error(what: string, error: unknown): HarnessError {
    let where = 'PostgreSQL';
    try {
      const url = new URL(this.#url());
      where = `PostgreSQL at ${url.host}`; // never the URL itself: it holds the password
    } catch {
      // No usable URL: the message says so through the error below.
    }
    return new HarnessError(
      'DEPENDENCY_START',
      `${where}: cannot ${what}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/**
 * The admin URL with the probe's application_name, on the `postgres` maintenance database:
 * pg_stat_activity is cluster-wide, and a connection to the target's database would stand in
 * the way of dropping or re-creating it from a template between scenarios.
 */
export function probeUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  // A connection string's parameters win over the client's options, so it is set here too.
  parsed.searchParams.set('application_name', PROBE_APPLICATION_NAME);
  return parsed.toString();
}

/** end() politely; a server that stopped answering (paused) never finishes it, so then drop the socket. */
async function closeWithin(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    client.end().then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  if (!ended) client.connection.stream.destroy();
}
