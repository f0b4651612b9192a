import { HarnessError } from '../errors.ts';
import type { Router } from '../router/index.ts';
import type { TargetDefinition } from '../target/definition.ts';
import type { ProgressFn, StartedInfra, StartedTarget, TargetExitListener } from './backend.ts';
import { TargetAdmin } from './target-admin.ts';
import { httpOk, waitFor } from './wait.ts';

/** How long a new instance may take to answer /readyz (it may migrate the schema first). */
const READY_TIMEOUT_MS = 30_000;

/** One running instance of a target build. */
export interface TargetInstance {
  /** `target-1`, `target-2`, ...: never reused within an environment. */
  readonly id: string;
  /** The build it runs (the definition's BUILD_ID, else its name). */
  readonly build: string;
  readonly definition: TargetDefinition;
  readonly target: StartedTarget;
  /** Its own admin port (readiness, version, metrics). */
  readonly admin: TargetAdmin;
  /** When it was ready (epoch ms). */
  readonly readyAt: number;
}

/** The build id an instance of `definition` reports. */
export function buildOf(definition: TargetDefinition): string {
  return definition.env.BUILD_ID ?? definition.name;
}

interface Options {
  infra: StartedInfra;
  /** The environment's target: what an instance runs unless told otherwise. */
  definition: TargetDefinition;
  /** What every instance needs to reach its dependencies (URLs, tokens, keys). */
  wiring: Record<string, string>;
  adminToken: string;
  router: Router | undefined;
  progress: ProgressFn;
}

/** The environment's target instances: started, put behind the router, drained and stopped. */
export class TargetInstances {
  readonly #options: Options;
  readonly #live = new Map<string, TargetInstance>();
  readonly #exitListeners = new Set<TargetExitListener>();
  /** Unsubscribes of each instance from the listeners above. */
  readonly #unsubscribe = new Map<string, () => void>();
  #next = 0;

  constructor(options: Options) {
    this.#options = options;
  }

  /** The running instances, oldest first (by id: instances started together get ready in any order). */
  list(): TargetInstance[] {
    const index = (i: TargetInstance) => Number(i.id.slice('target-'.length));
    return [...this.#live.values()].sort((a, b) => index(a) - index(b));
  }

  get(id: string): TargetInstance {
    const found = this.#live.get(id === 'target' ? 'target-1' : id);
    if (!found) {
      throw new HarnessError(
        'INVALID_SCENARIO',
        `no target instance ${JSON.stringify(id)} is running (running: ${[...this.#live.keys()].join(', ') || 'none'})`,
      );
    }
    return found;
  }

  /** Starts an instance and waits for its /readyz; behind the router with `weight` (default 0). */
  async add(options: { build?: TargetDefinition; weight?: number } = {}): Promise<TargetInstance> {
    const { infra, router, wiring, adminToken } = this.#options;
    const definition = options.build ?? this.#options.definition;
    const index = this.#next++;
    const id = `target-${index + 1}`;
    const started = await infra.startTarget(
      { ...definition.env, ...wiring },
      { instance: index, command: definition.local, image: definition.image },
    );
    // Behind a router a container's restart maps new host ports: the router must follow.
    const target = router
      ? new RoutedTarget(started, () => router.setUrl(id, started.mcpUrl, `${started.adminUrl}/readyz`))
      : started;
    try {
      await waitFor('target /readyz', () => httpOk(`${target.adminUrl}/readyz`), {
        timeoutMs: READY_TIMEOUT_MS,
        code: 'TARGET_START',
        details: () => target.logs(),
      });
    } catch (error) {
      await started.stop().catch(() => undefined);
      throw error;
    }
    const instance: TargetInstance = {
      id,
      build: buildOf(definition),
      definition,
      target,
      admin: new TargetAdmin(() => target.adminUrl, adminToken),
      readyAt: Date.now(),
    };
    this.#live.set(id, instance);
    this.#unsubscribe.set(
      id,
      target.onExit((exit) => {
        // The first instance keeps the incarnation's own name (`pid N`), as with a single one.
        const named = index === 0 ? exit : { ...exit, instance: `${id} ${exit.instance}` };
        for (const listener of this.#exitListeners) listener(named);
      }),
    );
    router?.add(
      { id, build: instance.build, url: target.mcpUrl, readyUrl: `${target.adminUrl}/readyz` },
      options.weight ?? 0,
    );
    if (index > 0) this.#options.progress(`instance ${id} (${instance.build}) ready`);
    return instance;
  }

  /** Calls `listener` for every exit of every instance, running now or started later. */
  onExit(listener: TargetExitListener): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  /** Drains the instance behind the router (at most `drainTimeoutMs`), then stops it. */
  async remove(id: string, options: { drainTimeoutMs?: number } = {}): Promise<void> {
    const instance = this.get(id);
    const router = this.#options.router;
    if (router) await router.drain(instance.id, { timeoutMs: options.drainTimeoutMs ?? 10_000 });
    router?.remove(instance.id);
    this.#live.delete(instance.id);
    this.#unsubscribe.get(instance.id)?.();
    await instance.target.stop();
  }

  /** Stops every instance; throws the first failure once all were tried. */
  async stopAll(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.values()) unsubscribe();
    const results = await Promise.allSettled(this.list().map((i) => i.target.stop()));
    this.#live.clear();
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}

/** A started target that tells the router its new address after each restart. */
class RoutedTarget implements StartedTarget {
  readonly #inner: StartedTarget;
  readonly #restarted: () => void;
  readonly onLog?: StartedTarget['onLog'];
  readonly stateFiles?: StartedTarget['stateFiles'];

  constructor(inner: StartedTarget, restarted: () => void) {
    this.#inner = inner;
    this.#restarted = restarted;
    if (inner.onLog)
      this.onLog = (listener) => (inner.onLog as NonNullable<StartedTarget['onLog']>)(listener);
    if (inner.stateFiles)
      this.stateFiles = () => (inner.stateFiles as NonNullable<StartedTarget['stateFiles']>)();
  }

  get adminUrl(): string {
    return this.#inner.adminUrl;
  }

  get mcpUrl(): string {
    return this.#inner.mcpUrl;
  }

  logs(): string {
    return this.#inner.logs();
  }

  resourceUsage() {
    return this.#inner.resourceUsage();
  }

  kill(signal?: NodeJS.Signals): Promise<void> {
    return this.#inner.kill(signal);
  }

  lastExit() {
    return this.#inner.lastExit();
  }

  onExit(listener: TargetExitListener): () => void {
    return this.#inner.onExit(listener);
  }

  async restart(): Promise<void> {
    await this.#inner.restart();
    this.#restarted();
  }

  stop(): Promise<void> {
    return this.#inner.stop();
  }
}
