import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  LinkName,
  ProgressFn,
  ProxyAddress,
  RuntimeBackend,
  StartedInfra,
  StartedTarget,
  StartTargetOptions,
} from '../backend.ts';
import { freePort } from '../ports.ts';
import type { Child } from './child.ts';
import { LocalPostgres } from './postgres.ts';
import { Registry, sweepLocalOrphans } from './registry.ts';
import { LocalTarget, type TargetCommand } from './target-process.ts';
import { startToxiproxy } from './toxiproxy-process.ts';

export { sweepLocalOrphans } from './registry.ts';
export type { TargetCommand } from './target-process.ts';

/** The `local` runtime: embedded PostgreSQL, the toxiproxy-server binary and the target as child processes. */
export function localRuntime(target: TargetCommand): RuntimeBackend {
  return {
    name: 'local',
    async startInfra(progress: ProgressFn): Promise<StartedInfra> {
      const swept = await sweepLocalOrphans();
      if (swept.processes + swept.dirs > 0) {
        progress(`swept leftovers of a crashed run: ${swept.processes} processes, ${swept.dirs} dirs`);
      }
      const registry = new Registry(`local-${randomUUID().slice(0, 8)}`);
      const stack = new LocalStack(registry, target);
      try {
        let t = Date.now();
        stack.postgres = await LocalPostgres.start(registry);
        progress(
          `PostgreSQL 18 (embedded) ready on 127.0.0.1:${stack.postgres.port} in ${Date.now() - t} ms`,
        );
        t = Date.now();
        const toxiproxy = await startToxiproxy(registry);
        stack.toxiproxy = toxiproxy.child;
        stack.toxiproxyUrl = toxiproxy.url;
        progress(`Toxiproxy ready at ${toxiproxy.url} in ${Date.now() - t} ms`);
        stack.targetPort = await freePort();
        return stack;
      } catch (error) {
        await stack.stop();
        throw error;
      }
    },
  };
}

class LocalStack implements StartedInfra {
  readonly runtime = 'local' as const;
  readonly hostAddress = '127.0.0.1';
  postgres: LocalPostgres | undefined;
  toxiproxy: Child | undefined;
  toxiproxyUrl = '';
  targetPort = 0;
  readonly #registry: Registry;
  readonly #target: TargetCommand;
  readonly #links = new Map<LinkName, ProxyAddress>();
  readonly #targets: StartedTarget[] = [];
  readonly #stateDirs: string[] = [];
  #stopped = false;

  constructor(registry: Registry, target: TargetCommand) {
    this.#registry = registry;
    this.#target = target;
  }

  get postgresUrl(): string {
    return this.postgres?.url ?? '';
  }

  get postgresUpstream(): string {
    return `127.0.0.1:${this.postgres?.port}`;
  }

  get targetUpstream(): string {
    return `127.0.0.1:${this.targetPort}`;
  }

  async proxyAddress(link: LinkName): Promise<ProxyAddress> {
    let address = this.#links.get(link);
    if (!address) {
      const hostPort = `127.0.0.1:${await freePort()}`;
      address = { listen: hostPort, fromTarget: hostPort, fromHost: hostPort };
      this.#links.set(link, address);
    }
    return address;
  }

  async startTarget(env: Record<string, string>, options: StartTargetOptions = {}): Promise<StartedTarget> {
    const adminPort = await freePort();
    const mcpPort = (options.instance ?? 0) === 0 ? this.targetPort : await freePort();
    // The target contract's STATE_DIR: local state an instance keeps across its restarts (the
    // reference server's audit spool), its own per instance, removed with the environment.
    const stateDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-state-'));
    this.#stateDirs.push(stateDir);
    await this.#registry.addDir(stateDir);
    const full = {
      STATE_DIR: stateDir,
      ...env,
      MCP_HOST: '127.0.0.1',
      MCP_PORT: String(mcpPort),
      ADMIN_PORT: String(adminPort),
    };
    const target = new LocalTarget(options.command ?? this.#target, full, adminPort, this.#registry);
    this.#targets.push(target);
    await target.start();
    return target;
  }

  async stopPostgres(): Promise<void> {
    await this.postgres?.stop();
  }

  async startPostgres(): Promise<void> {
    await this.postgres?.start();
  }

  async pausePostgres(): Promise<void> {
    await this.postgres?.pause();
  }

  async resumePostgres(): Promise<void> {
    await this.postgres?.resume();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const results = await Promise.allSettled([
      ...this.#targets.map((t) => t.stop()),
      this.toxiproxy?.stop('SIGTERM', 3000),
    ]);
    await this.postgres?.destroy();
    await Promise.all(this.#stateDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    await this.#registry.remove();
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}
