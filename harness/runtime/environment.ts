import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dataset, type DatasetOptions, generateDataset } from '../dataset/generate.ts';
import { HarnessError } from '../errors.ts';
import { IdentityIssuer } from '../identity/issuer.ts';
import type { IdentityClaims } from '../journal/records.ts';
import { Links } from '../links/index.ts';
import { Router, type RouterEvent } from '../router/index.ts';
import { referenceTarget, type TargetDefinition } from '../target/definition.ts';
import { ShippingService } from '../upstream/index.ts';
import {
  LINKS,
  type LinkName,
  POSTGRES_DB,
  POSTGRES_PASSWORD,
  POSTGRES_USER,
  type ProgressFn,
  type RuntimeBackend,
  type RuntimeName,
  type StartedInfra,
  type StartedTarget,
  type TargetExitListener,
} from './backend.ts';
import { type TargetInstance, TargetInstances } from './instances.ts';
import { localRuntime } from './local/index.ts';
import { TargetLogFollower } from './log-follower.ts';
import { type RuntimeChoice, resolveRuntime } from './select.ts';
import { TargetAdmin } from './target-admin.ts';

export interface Identity extends IdentityClaims {
  token: string;
}

/**
 * Builds an environment: dependencies, Toxiproxy with every link, the identity issuer and one
 * target instance, seeded with a generated dataset.
 *
 *   await using env = await new Environment().withRuntime('local').start();
 */
export class Environment {
  #runtime: RuntimeChoice = 'auto';
  #target: TargetDefinition = referenceTarget();
  #seed = 1;
  #dataset: DatasetOptions = {};
  #progress: ProgressFn = () => {};
  #instances: InstancesOptions = { count: 1, router: false };

  withRuntime(runtime: RuntimeChoice): this {
    this.#runtime = runtime;
    return this;
  }

  withTarget(target: TargetDefinition): this {
    this.#target = target;
    return this;
  }

  withSeed(seed: number): this {
    this.#seed = seed;
    return this;
  }

  withDataset(options: DatasetOptions): this {
    this.#dataset = options;
    return this;
  }

  /**
   * Runs `count` instances of the target behind the harness's router (the `client→target` link
   * then leads into the router, which spreads calls over them). `router: true` puts the router
   * in front of a single instance too (a deploy needs it); `affinity` routes by Mcp-Session-Id.
   */
  withInstances(count: number, options: { router?: boolean; affinity?: boolean } = {}): this {
    if (!Number.isInteger(count) || count < 1 || count > 16) {
      throw new HarnessError('INVALID_SCENARIO', `instances: ${count} is not a whole number from 1 to 16`);
    }
    this.#instances = { count, router: options.router ?? count > 1, affinity: options.affinity ?? false };
    return this;
  }

  /** Receives a line per start-up step. */
  withProgress(progress: ProgressFn): this {
    this.#progress = progress;
    return this;
  }

  async start(): Promise<StartedEnvironment> {
    const progress = this.#progress;
    const { runtime, why } = await resolveRuntime(this.#runtime);
    progress(`runtime: ${runtime} (${why})`);
    const backend = await backendFor(runtime, this.#target);
    const started = Date.now();
    const infra = await backend.startInfra(progress);
    let identity: IdentityIssuer | undefined;
    let shipping: ShippingService | undefined;
    let router: Router | undefined;
    let instances: TargetInstances | undefined;
    let targetLogs: TargetLogFollower | undefined;
    const routerEvents: RouterEvent[] = [];
    const routerListeners = new Set<(event: RouterEvent) => void>();
    try {
      identity = await IdentityIssuer.start(infra.hostAddress);
      shipping = await ShippingService.start(infra.hostAddress);
      if (this.#instances.router) {
        router = await Router.start({
          host: infra.hostAddress,
          affinity: this.#instances.affinity ?? false,
          onEvent: (event) => {
            routerEvents.push(event);
            for (const listener of routerListeners) listener(event);
          },
        });
        progress(
          `router listening on ${router.address} (affinity ${this.#instances.affinity ? 'on' : 'off'})`,
        );
      }
      const address = Object.fromEntries(
        await Promise.all(LINKS.map(async (link) => [link, await infra.proxyAddress(link)] as const)),
      ) as Record<LinkName, Awaited<ReturnType<StartedInfra['proxyAddress']>>>;
      const upstream: Record<LinkName, string> = {
        'client→target': router?.address ?? infra.targetUpstream,
        'target→postgres': infra.postgresUpstream,
        'target→identity': identity.address,
        'target→upstream': shipping.address,
      };
      const links = await Links.create(
        infra.toxiproxyUrl,
        LINKS.map((name) => ({ name, listen: address[name].listen, upstream: upstream[name] })),
      );
      progress(`links: ${LINKS.map((l) => `${l} (${address[l].listen} → ${upstream[l]})`).join(', ')}`);
      const adminToken = randomBytes(16).toString('hex');
      // A key of its own per environment, passed like the admin token: the target contract's
      // data protection (personal data encrypted at rest) needs one, and none outlives the run.
      // A target definition may fix it (another process sharing the database needs the same).
      const piiKey = this.#target.env.PII_ENCRYPTION_KEY ?? randomBytes(32).toString('base64');
      const wiring = {
        DATABASE_URL: `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${address['target→postgres'].fromTarget}/${POSTGRES_DB}`,
        JWKS_URL: `http://${address['target→identity'].fromTarget}/.well-known/jwks.json`,
        SHIPPING_URL: `http://${address['target→upstream'].fromTarget}`,
        ADMIN_TOKEN: adminToken,
        PII_ENCRYPTION_KEY: piiKey,
      };
      instances = new TargetInstances({
        infra,
        definition: this.#target,
        wiring,
        adminToken,
        router,
        progress,
      });
      const t = Date.now();
      // The first instance alone: it migrates the schema; the others then start against it.
      const first = await instances.add({ weight: 1 });
      const target = first.target;
      targetLogs = new TargetLogFollower(target);
      // The environment's admin and `target` follow the oldest live instance: a deploy replaces the first.
      const live = instances;
      const admin = new TargetAdmin(() => (live.list()[0] ?? first).target.adminUrl, adminToken);
      // Settled, all of them, before a failure is thrown: one still starting after the clean-up
      // below would be left running.
      const others = await Promise.allSettled(
        Array.from({ length: this.#instances.count - 1 }, () => live.add({ weight: 1 })),
      );
      const failed = others.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      progress(
        `target ${this.#target.name} ready in ${Date.now() - t} ms` +
          (this.#instances.count > 1 ? ` (${this.#instances.count} instances)` : ''),
      );
      const dataset = generateDataset(this.#seed, this.#dataset);
      await admin.loadDataset(dataset);
      progress(
        `dataset loaded: ${dataset.tenants.length} tenants, ${dataset.customers.length} customers, ${dataset.orders.length} orders, ${dataset.articles?.length ?? 0} articles`,
      );
      const identities = await mintIdentities(identity, dataset);
      progress(`environment up in ${Date.now() - started} ms`);
      return new StartedEnvironment({
        runtime,
        infra,
        identity,
        shipping,
        links,
        target,
        admin,
        dataset,
        identities,
        mcpUrl: `http://${address['client→target'].fromHost}/mcp`,
        targetDefinition: this.#target,
        targetLogs,
        instances,
        router,
        routerEvents,
        routerListeners,
      });
    } catch (error) {
      targetLogs?.stop();
      await instances?.stopAll().catch(() => undefined);
      await router?.stop().catch(() => undefined);
      await identity?.stop().catch(() => undefined);
      await shipping?.stop().catch(() => undefined);
      await infra.stop().catch(() => undefined);
      throw error;
    }
  }
}

interface InstancesOptions {
  count: number;
  router: boolean;
  affinity?: boolean;
}

async function backendFor(runtime: RuntimeName, target: TargetDefinition): Promise<RuntimeBackend> {
  if (runtime === 'local') return localRuntime(target.local);
  // Loaded on demand: the local runtime must not need testcontainers to be importable.
  const { containersRuntime } = await import('./containers/index.ts');
  return containersRuntime({ images: { target: target.image } });
}

/**
 * Per tenant: one identity of each staff role (agent, auditor, manager, billing_admin) and a
 * customer-role identity for its first customer.
 */
async function mintIdentities(issuer: IdentityIssuer, dataset: Dataset): Promise<Identity[]> {
  const claims: IdentityClaims[] = [];
  for (const tenant of dataset.tenants) {
    claims.push(
      { tenant: tenant.id, role: 'agent' },
      { tenant: tenant.id, role: 'auditor' },
      { tenant: tenant.id, role: 'manager' },
      { tenant: tenant.id, role: 'billing_admin' },
    );
    const first = dataset.customers.find((c) => c.tenantId === tenant.id);
    if (first) claims.push({ tenant: tenant.id, role: 'customer', customer: first.id });
  }
  return await Promise.all(claims.map(async (c) => ({ ...c, token: await issuer.token(c) })));
}

interface Parts {
  runtime: RuntimeName;
  infra: StartedInfra;
  identity: IdentityIssuer;
  shipping: ShippingService;
  links: Links;
  target: StartedTarget;
  admin: TargetAdmin;
  dataset: Dataset;
  identities: Identity[];
  mcpUrl: string;
  targetDefinition: TargetDefinition;
  targetLogs: TargetLogFollower;
  instances: TargetInstances;
  router: Router | undefined;
  routerEvents: RouterEvent[];
  routerListeners: Set<(event: RouterEvent) => void>;
}

/** A running environment. Stop it (or `await using` it): every link healed, everything stopped. */
export class StartedEnvironment implements AsyncDisposable {
  readonly runtime: RuntimeName;
  readonly mcpUrl: string;
  readonly links: Links;
  readonly dataset: Dataset;
  readonly identities: readonly Identity[];
  readonly targetDefinition: TargetDefinition;
  readonly admin: TargetAdmin;
  readonly #parts: Parts;
  #stopping: Promise<void> | undefined;

  constructor(parts: Parts) {
    this.#parts = parts;
    this.runtime = parts.runtime;
    this.mcpUrl = parts.mcpUrl;
    this.links = parts.links;
    this.dataset = parts.dataset;
    this.identities = parts.identities;
    this.targetDefinition = parts.targetDefinition;
    this.admin = parts.admin;
  }

  /** The oldest running instance (the only one unless the scenario runs several or deploys). */
  get target(): StartedTarget {
    return this.#parts.instances.list()[0]?.target ?? this.#parts.target;
  }

  /**
   * The harness's router in front of the target instances (absent with a single instance and
   * no deploy): weights, draining, per-instance counts.
   */
  get router(): Router | undefined {
    return this.#parts.router;
  }

  /** The router's ejections, readmissions, weight changes and drains so far, oldest first. */
  get routerEvents(): readonly RouterEvent[] {
    return this.#parts.routerEvents;
  }

  /**
   * Calls `listener` with the router's events so far, then with each one as it happens. Returns
   * the unsubscribe. Nothing happens without a router.
   */
  onRouterEvent(listener: (event: RouterEvent) => void): () => void {
    for (const event of this.#parts.routerEvents) listener(event);
    this.#parts.routerListeners.add(listener);
    return () => this.#parts.routerListeners.delete(listener);
  }

  /** The target instances running now, in the order they started (the first is `target`). */
  get instances(): readonly TargetInstance[] {
    return this.#parts.instances.list();
  }

  /** One instance by its id (`target-1`, ...); a HarnessError naming the ids there are otherwise. */
  instance(id: string): TargetInstance {
    return this.#parts.instances.get(id);
  }

  /**
   * Starts one more instance (of `build`, default the environment's target) and waits until it is
   * ready; behind the router with `weight` (default 0: no calls until the weights change).
   */
  async addInstance(options: { build?: TargetDefinition; weight?: number } = {}): Promise<TargetInstance> {
    return await this.#parts.instances.add(options);
  }

  /**
   * Takes an instance out: drained first behind the router (no new calls, in-flight ones finish,
   * at most `drainTimeoutMs`), then stopped.
   */
  async removeInstance(id: string, options: { drainTimeoutMs?: number } = {}): Promise<void> {
    await this.#parts.instances.remove(id, options);
  }

  /**
   * The target's own MCP endpoint, past the `client→target` link (no Toxiproxy hop): for
   * benchmarks of the target alone. Reachable from the host on the local runtime only.
   */
  get directMcpUrl(): string {
    return `http://${this.#parts.infra.targetUpstream}/mcp`;
  }

  /**
   * The target's upstream (the shipping-status service, behind `target→upstream`): its controls
   * are the upstream faults (Fault.upstreamSlow, upstreamFailing, upstreamHang).
   */
  get shipping(): ShippingService {
    return this.#parts.shipping;
  }

  get toxiproxyUrl(): string {
    return this.#parts.infra.toxiproxyUrl;
  }

  /** Direct PostgreSQL URL (re-read: a container restart changes the mapped port). */
  get postgresUrl(): string {
    return this.#parts.infra.postgresUrl;
  }

  /**
   * Calls `listener` for every exit of a target instance (any of them) while the environment runs, at the time it
   * happens: a crash or a kill from outside (`expected: false`) as well as the harness's own
   * kill and restart (`expected: true`); not for the exit its own stop() causes. Returns the
   * unsubscribe (stop() ends every subscription anyway).
   */
  onTargetExit(listener: TargetExitListener): () => void {
    return this.#parts.instances.onExit(listener);
  }

  /**
   * Every line the target prints during the run, numbered from its start (lines printed before the
   * first subscription are replayed to it). Undefined when the runtime cannot follow the output.
   */
  get targetLogs(): TargetLogFollower | undefined {
    return this.#parts.targetLogs.followed ? this.#parts.targetLogs : undefined;
  }

  /** Mint a token for any identity (also ones outside `identities`). */
  async token(identity: IdentityClaims): Promise<string> {
    return await this.#parts.identity.token(identity);
  }

  async stopPostgres(): Promise<void> {
    await this.#parts.infra.stopPostgres();
  }

  async startPostgres(): Promise<void> {
    await this.#parts.infra.startPostgres();
  }

  /** Freeze every process of PostgreSQL (see StartedInfra.pausePostgres). */
  async pausePostgres(): Promise<void> {
    await this.#parts.infra.pausePostgres();
  }

  /** Thaw PostgreSQL after pausePostgres(). Idempotent. */
  async resumePostgres(): Promise<void> {
    await this.#parts.infra.resumePostgres();
  }

  /** Stop PostgreSQL, keep it down for `downtimeMs`, start it again. */
  async restartPostgres(options: { downtimeMs?: number } = {}): Promise<void> {
    await this.stopPostgres();
    await sleep(options.downtimeMs ?? 0);
    await this.startPostgres();
  }

  async stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    await this.#stopping;
  }

  async #stop(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    };
    await attempt(() => this.links.healAll());
    // Upstream calls held by a hung shipping service would hold up the target's own drain.
    await attempt(async () => this.#parts.shipping.heal());
    // A frozen database would hold up the target's own shutdown (its pool waits on it).
    await attempt(() => this.#parts.infra.resumePostgres());
    this.#parts.targetLogs.stop();
    await attempt(() => this.#parts.instances.stopAll());
    if (this.#parts.router) await attempt(() => (this.#parts.router as Router).stop());
    await attempt(() => this.#parts.identity.stop());
    await attempt(() => this.#parts.shipping.stop());
    await attempt(() => this.#parts.infra.stop());
    if (errors.length > 0) {
      throw new HarnessError(
        'DEPENDENCY_START',
        `environment stop had ${errors.length} error(s): ${errors.map((e) => (e as Error).message).join('; ')}`,
      );
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
