import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dataset, type DatasetOptions, generateDataset } from '../dataset/generate.ts';
import { HarnessError } from '../errors.ts';
import { IdentityIssuer } from '../identity/issuer.ts';
import type { IdentityClaims } from '../journal/records.ts';
import { Links } from '../links/index.ts';
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
import { localRuntime } from './local/index.ts';
import { TargetLogFollower } from './log-follower.ts';
import { type RuntimeChoice, resolveRuntime } from './select.ts';
import { TargetAdmin } from './target-admin.ts';
import { httpOk, waitFor } from './wait.ts';

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
    let target: StartedTarget | undefined;
    let targetLogs: TargetLogFollower | undefined;
    try {
      identity = await IdentityIssuer.start(infra.hostAddress);
      shipping = await ShippingService.start(infra.hostAddress);
      const address = Object.fromEntries(
        await Promise.all(LINKS.map(async (link) => [link, await infra.proxyAddress(link)] as const)),
      ) as Record<LinkName, Awaited<ReturnType<StartedInfra['proxyAddress']>>>;
      const upstream: Record<LinkName, string> = {
        'client→target': infra.targetUpstream,
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
      const t = Date.now();
      target = await infra.startTarget({
        ...this.#target.env,
        DATABASE_URL: `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${address['target→postgres'].fromTarget}/${POSTGRES_DB}`,
        JWKS_URL: `http://${address['target→identity'].fromTarget}/.well-known/jwks.json`,
        SHIPPING_URL: `http://${address['target→upstream'].fromTarget}`,
        ADMIN_TOKEN: adminToken,
        PII_ENCRYPTION_KEY: piiKey,
      });
      targetLogs = new TargetLogFollower(target);
      const admin = new TargetAdmin(() => target?.adminUrl ?? '', adminToken);
      const started_ = target;
      await waitFor('target /readyz', () => httpOk(`${started_.adminUrl}/readyz`), {
        timeoutMs: 30_000,
        code: 'TARGET_START',
        details: () => started_.logs(),
      });
      progress(`target ${this.#target.name} ready in ${Date.now() - t} ms`);
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
      });
    } catch (error) {
      targetLogs?.stop();
      await target?.stop().catch(() => undefined);
      await identity?.stop().catch(() => undefined);
      await shipping?.stop().catch(() => undefined);
      await infra.stop().catch(() => undefined);
      throw error;
    }
  }
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
}

/** A running environment. Stop it (or `await using` it): every link healed, everything stopped. */
export class StartedEnvironment implements AsyncDisposable {
  readonly runtime: RuntimeName;
  readonly mcpUrl: string;
  readonly links: Links;
  readonly dataset: Dataset;
  readonly identities: readonly Identity[];
  readonly target: StartedTarget;
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
    this.target = parts.target;
    this.targetDefinition = parts.targetDefinition;
    this.admin = parts.admin;
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
   * Calls `listener` for every exit of the target while the environment runs, at the time it
   * happens: a crash or a kill from outside (`expected: false`) as well as the harness's own
   * kill and restart (`expected: true`); not for the exit its own stop() causes. Returns the
   * unsubscribe (stop() ends every subscription anyway).
   */
  onTargetExit(listener: TargetExitListener): () => void {
    return this.target.onExit(listener);
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
    await attempt(() => this.target.stop());
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
