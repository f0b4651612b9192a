import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { HarnessError } from '../errors.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';

// PostgreSQL connections of the faults themselves: short superuser ones (terminateBackends, the
// exhaustion's bookkeeping) and the held ones of exhaustConnections.

/** The application_name of the connections exhaustConnections holds. */
export const EXHAUST_APPLICATION_NAME = 'mcp-chaos-exhaust';
/** The application_name of the faults' own short-lived superuser connections. */
export const FAULT_APPLICATION_NAME = 'mcp-chaos-fault';
/**
 * The role exhaustConnections holds its connections as. Not a superuser on purpose: a superuser
 * may also take the superuser_reserved_connections slots, and those must stay free so that the
 * harness's probe, terminateBackends and an operator can still get in while the ordinary slots
 * (the ones an application role competes for) are exhausted.
 */
export const EXHAUST_ROLE = 'mcp_chaos_exhaust';

/** How many connections exhaustConnections opens at a time (SCRAM costs CPU on a 2-core box). */
const OPEN_BATCH = 8;
const CONNECT_TIMEOUT_MS = 5_000;
/** SQLSTATE 53300: "too many clients already" / "remaining connection slots are reserved …". */
const TOO_MANY_CONNECTIONS = '53300';

/**
 * A URL to the `postgres` maintenance database: pg_stat_activity and roles are cluster-wide, and
 * a connection to the target's database would stand in the way of re-creating it from a template.
 */
export function maintenanceUrl(
  url: string,
  applicationName: string,
  credentials?: { user: string; password: string },
): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  if (credentials) {
    parsed.username = encodeURIComponent(credentials.user);
    parsed.password = encodeURIComponent(credentials.password);
  }
  // A connection string's parameters win over the client's options, so it is set here.
  parsed.searchParams.set('application_name', applicationName);
  return parsed.toString();
}

/** A client that never crashes the process when the server drops it (a restart, a termination). */
export function client(connectionString: string): pg.Client {
  const c = new pg.Client({
    connectionString,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: 10_000,
    query_timeout: 12_000,
  });
  c.on('error', () => undefined);
  return c;
}

/** end() politely; a server that does not answer (paused) gets its socket dropped after `ms`. */
export async function close(c: pg.Client, ms = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    c.end().then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  if (!ended) c.connection.stream.destroy();
}

/** Runs `work` on a short-lived superuser connection of the faults' own application_name. */
export async function asSuperuser<T>(
  env: StartedEnvironment,
  work: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const admin = client(maintenanceUrl(env.postgresUrl, FAULT_APPLICATION_NAME));
  try {
    await admin.connect();
    return await work(admin);
  } finally {
    await close(admin);
  }
}

export function host(env: StartedEnvironment): string {
  try {
    return new URL(env.postgresUrl).host; // never the URL itself: it holds the password
  } catch {
    return '(no URL)';
  }
}

/**
 * The slots a non-superuser can still take: max_connections less the reserved ones
 * (superuser_reserved_connections, and reserved_connections since PostgreSQL 16) less the client
 * backends now, this connection included.
 */
export async function freeOrdinarySlots(admin: pg.Client): Promise<{ free: number; ordinary: number }> {
  const { rows } = await admin.query<{ ordinary: number; used: number }>(`
    SELECT current_setting('max_connections')::int
           - current_setting('superuser_reserved_connections')::int
           - coalesce(current_setting('reserved_connections', true)::int, 0) AS ordinary,
           (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS used`);
  const row = rows[0];
  if (!row) throw new HarnessError('DEPENDENCY_START', 'pg_stat_activity returned no row');
  return { free: row.ordinary - row.used, ordinary: row.ordinary };
}

/** Creates (once) the non-superuser role and gives it a fresh password for this injection. */
export async function prepareExhaustRole(admin: pg.Client): Promise<string> {
  const password = randomBytes(18).toString('hex');
  await admin.query(`
    DO $$ BEGIN
      CREATE ROLE ${EXHAUST_ROLE} LOGIN;
    EXCEPTION WHEN duplicate_object THEN NULL;
    END $$`);
  await admin.query(
    `ALTER ROLE ${EXHAUST_ROLE} LOGIN NOSUPERUSER CONNECTION LIMIT -1 PASSWORD ${admin.escapeLiteral(password)}`,
  );
  // To count every backend from a held connection: without it, other roles' rows in
  // pg_stat_activity hide their backend_type.
  await admin.query(`GRANT pg_read_all_stats TO ${EXHAUST_ROLE}`);
  return password;
}

/**
 * The connections exhaustConnections holds. Heal may come while inject is still opening them
 * (a cancelled run heals at once): whatever connects after a release is closed straight away.
 */
export class ConnectionHold {
  readonly #clients: pg.Client[] = [];
  #releases = 0;

  get size(): number {
    return this.#clients.length;
  }

  /** One of the held connections, to ask PostgreSQL how many slots are free. */
  get first(): pg.Client | undefined {
    return this.#clients[0];
  }

  /**
   * Opens up to `count` more, a few at a time (SCRAM costs CPU on a 2-core machine). `full`:
   * PostgreSQL refused one for lack of slots (someone else took them meanwhile); `released`:
   * heal came first.
   */
  async open(url: string, count: number): Promise<'done' | 'full' | 'released'> {
    const releases = this.#releases;
    for (let opened = 0; opened < count; opened += OPEN_BATCH) {
      const batch = Array.from({ length: Math.min(OPEN_BATCH, count - opened) }, () => client(url));
      const results = await Promise.allSettled(batch.map((c) => c.connect()));
      const connected = batch.filter((_, i) => results[i]?.status === 'fulfilled');
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      await Promise.all(batch.filter((c) => !connected.includes(c)).map((c) => close(c)));
      if (releases !== this.#releases) {
        await Promise.all(connected.map((c) => close(c)));
        return 'released';
      }
      this.#clients.push(...connected);
      const other = failures.find((e) => (e as { code?: string }).code !== TOO_MANY_CONNECTIONS);
      if (other) {
        throw new HarnessError(
          'DEPENDENCY_START',
          `exhaustConnections(postgres): a connection as ${EXHAUST_ROLE} failed with ${this.size} ` +
            `held: ${other.message}`,
          { cause: other },
        );
      }
      if (failures.length > 0) return 'full';
    }
    return 'done';
  }

  /** Closes `count` of the held connections (someone else took slots: give them back). */
  async shrink(count: number): Promise<void> {
    await Promise.all(this.#clients.splice(-count, count).map((c) => close(c)));
  }

  /** Closes them all. Idempotent. */
  async release(): Promise<void> {
    this.#releases++;
    await Promise.all(this.#clients.splice(0).map((c) => close(c)));
  }
}

/** Correction rounds after the first fill: the counts may move while connections open. */
export const FILL_ROUNDS = 3;

/**
 * Holds connections until exactly `leave` ordinary slots are free: a first fill from the
 * superuser's count, then a few rounds counted on a held connection that open or close the
 * difference (the superuser's own connection, or a target's, may come or go meanwhile).
 */
export async function fill(
  hold: ConnectionHold,
  url: string,
  firstFill: number,
  leave: number,
): Promise<void> {
  if ((await hold.open(url, firstFill)) === 'released') return;
  for (let round = 0; round < FILL_ROUNDS; round++) {
    const probe = hold.first;
    if (!probe) return;
    const { free } = await freeOrdinarySlots(probe);
    if (free === leave) return;
    if (free < leave) {
      await hold.shrink(Math.min(leave - free, hold.size));
    } else if ((await hold.open(url, free - leave)) === 'released') {
      return;
    }
  }
}
