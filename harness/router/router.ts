/**
 * The harness's HTTP load balancer: it sits between Toxiproxy's `client→target` link and the
 * target instances, and is what deploys, canaries, rollbacks and kill-one-of-N go through
 * (Toxiproxy cannot switch upstreams: changing a proxy's upstream drops every open connection).
 *
 * Why our own small router rather than a load balancer from Debian's packages (HAProxy, nginx):
 * - the switch must be atomic per request and driven from the scenario's own process: a
 *   synchronous `setWeights` here means every request after it goes by the new weights, where a
 *   runtime API over a socket leaves a window whose length we could not journal;
 * - draining waits on the router's own in-flight count, so `drain()` resolves exactly when the
 *   last call finished, with no polling of another process's statistics;
 * - the same code on both runtimes (no image to build for containers, no binary to fetch for
 *   local), and no extra process or container to start, watch, sweep and stop;
 * - counts and events go straight into the journal, in the same clock as the calls.
 * It runs in the harness process, listening where Toxiproxy reaches it, with a keep-alive agent
 * per instance.
 */
import {
  Agent,
  type ClientRequest,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { LRUCache } from 'lru-cache';
import { HarnessError } from '../errors.ts';
import { endToEndHeaders, jsonRpcError, upstreamRequestHeaders } from './headers.ts';
import { bareHost, checkConnect, checkReady, describeError, HealthPoller } from './health.ts';
import {
  type InstanceCounts,
  instanceSchema,
  optionsSchema,
  parseArgument,
  type RouterEvent,
  type RouterInstance,
  type RouterOptions,
  weightSchema,
} from './types.ts';
import { pickSmooth } from './weighted.ts';

const HEALTH_TIMEOUT_MS = 1000;
const DRAIN_TIMEOUT_MS = 10_000;
const AFFINITY_ENTRIES = 10_000;
const SESSION_HEADER = 'mcp-session-id';
const INSTANCE_HEADER = 'x-mcp-chaos-instance';
const ROUTER_HEADER = 'x-mcp-chaos-router';

/** One instance as the router keeps it. */
interface Member {
  readonly id: string;
  readonly build: string;
  url: URL;
  readyUrl: URL | undefined;
  /** Bumped by setUrl and remove: a health result for an older address is ignored. */
  generation: number;
  weight: number;
  /** Smooth weighted round-robin score (see pickSmooth). */
  current: number;
  served: number;
  failed: number;
  inFlight: number;
  /** Why it is out of the rotation: its health check failed, or a connection to it was refused. */
  ejected: 'health' | 'connect' | undefined;
  draining: boolean;
  removed: boolean;
  failures: number;
  agent: Agent;
  readonly poller: HealthPoller;
  /** Called when inFlight reaches 0 (drain) or the member goes away. */
  readonly idle: Set<() => void>;
}

export class Router implements AsyncDisposable {
  readonly address: string;
  readonly #server: Server;
  readonly #members = new Map<string, Member>();
  /** Every agent ever made (setUrl retires one), destroyed by stop(). */
  readonly #agents = new Set<Agent>();
  readonly #sessions: LRUCache<string, string> | undefined;
  readonly #healthIntervalMs: number;
  readonly #ejectAfter: number;
  readonly #connectTimeoutMs: number;
  readonly #failOpen: boolean;
  readonly #onEvent: ((event: RouterEvent) => void) | undefined;
  #stopping: Promise<void> | undefined;

  private constructor(server: Server, address: string, options: RouterOptions) {
    this.#server = server;
    this.address = address;
    this.#sessions = options.affinity ? new LRUCache({ max: AFFINITY_ENTRIES }) : undefined;
    this.#healthIntervalMs = options.healthIntervalMs ?? 250;
    this.#ejectAfter = options.ejectAfter ?? 2;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.#failOpen = options.failOpen ?? true;
    this.#onEvent = options.onEvent;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#route(req, res, new Set()));
  }

  /** Listens on `host` (and `port`, else a free one). */
  static async start(options: RouterOptions): Promise<Router> {
    const parsed = parseArgument(optionsSchema, options, 'options');
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(parsed.port ?? 0, parsed.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      throw new HarnessError(
        error.code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'DEPENDENCY_START',
        `the router could not listen on ${parsed.host}:${parsed.port ?? 0}: ${describeError(error)}` +
          (error.code === 'EADDRINUSE' ? ' (leave the port out to take a free one)' : ''),
        { cause: error },
      );
    });
    const bound = server.address();
    const port = typeof bound === 'object' && bound ? bound.port : 0;
    const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
    return new Router(server, `${host}:${port}`, parsed);
  }

  /** Adds an instance with `weight` (default 0: no traffic until setWeights). */
  add(instance: RouterInstance, weight = 0): void {
    const parsed = parseArgument(instanceSchema, instance, `add(${JSON.stringify(instance?.id)})`);
    parseArgument(weightSchema, weight, `add(${parsed.id}) weight`);
    this.#assertRunning();
    if (this.#members.has(parsed.id)) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `Router add: instance ${parsed.id} is already there (remove it first)`,
      );
    }
    const agent = this.#newAgent();
    const member: Member = {
      id: parsed.id,
      build: parsed.build,
      url: new URL(parsed.url),
      readyUrl: parsed.readyUrl ? new URL(parsed.readyUrl) : undefined,
      generation: 0,
      weight,
      current: 0,
      served: 0,
      failed: 0,
      inFlight: 0,
      ejected: undefined,
      draining: false,
      removed: false,
      failures: 0,
      agent,
      poller: new HealthPoller(this.#healthIntervalMs, (signal) => this.#check(member, signal)),
      idle: new Set(),
    };
    this.#members.set(member.id, member);
    this.#resetRotation();
    this.#emitWeights();
  }

  /**
   * New weights, atomically: routing is synchronous, so every request after this call goes by
   * them. Instances not named keep theirs; naming a draining instance with a weight brings it
   * back (a rollback).
   */
  setWeights(weights: Record<string, number>): void {
    this.#assertRunning();
    const entries = Object.entries(weights);
    for (const [id, weight] of entries) {
      this.#member(id, 'setWeights');
      parseArgument(weightSchema, weight, `setWeights ${id}`);
    }
    for (const [id, weight] of entries) {
      const member = this.#member(id, 'setWeights');
      member.weight = weight;
      if (weight > 0) member.draining = false;
    }
    this.#resetRotation();
    this.#emitWeights();
  }

  /** An instance's address changed (a restarted container maps a new host port). */
  setUrl(id: string, url: string, readyUrl?: string): void {
    this.#assertRunning();
    const member = this.#member(id, 'setUrl');
    const parsed = parseArgument(instanceSchema, { id, build: member.build, url, readyUrl }, `setUrl(${id})`);
    member.url = new URL(parsed.url);
    member.readyUrl = parsed.readyUrl ? new URL(parsed.readyUrl) : undefined;
    member.generation++;
    member.failures = 0;
    // Requests in flight keep their sockets; the old agent's idle ones point at the old address.
    destroyIdleSockets(member.agent);
    member.agent = this.#newAgent();
  }

  /**
   * Weight 0 and no new requests (but those of its own sessions, with affinity), then waits
   * until its in-flight calls — an open SSE stream counts — are finished, or the timeout.
   */
  async drain(
    id: string,
    options: { timeoutMs?: number } = {},
  ): Promise<{ waitedMs: number; leftInFlight: number }> {
    this.#assertRunning();
    const member = this.#member(id, 'drain');
    const timeoutMs = options.timeoutMs ?? DRAIN_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `Router drain(${id}): timeoutMs must be ≥ 0, got ${timeoutMs}`,
      );
    }
    member.weight = 0;
    member.draining = true;
    this.#resetRotation();
    this.#emitWeights();
    const started = performance.now();
    if (member.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          member.idle.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        member.idle.add(done);
      });
    }
    const result = { waitedMs: Math.round(performance.now() - started), leftInFlight: member.inFlight };
    this.#emit({ type: 'drained', at: Date.now(), instance: id, ...result });
    return result;
  }

  /** No further requests to it (those in flight finish); its affinity entries are dropped. */
  remove(id: string): void {
    this.#assertRunning();
    const member = this.#member(id, 'remove');
    this.#members.delete(id);
    member.removed = true;
    member.generation++;
    member.poller.stop();
    destroyIdleSockets(member.agent);
    for (const resolve of [...member.idle]) resolve();
    if (this.#sessions) {
      for (const [session, owner] of [...this.#sessions.entries()])
        if (owner === id) this.#sessions.delete(session);
    }
    this.#resetRotation();
    this.#emitWeights();
  }

  counts(): InstanceCounts[] {
    return [...this.#members.values()].map((m) => ({
      id: m.id,
      build: m.build,
      weight: m.weight,
      served: m.served,
      failed: m.failed,
      inFlight: m.inFlight,
      ejected: m.ejected !== undefined,
      draining: m.draining,
    }));
  }

  /** Closes the server, every connection (open streams included) and the health polling. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const member of this.#members.values()) {
        member.generation++;
        member.poller.stop();
        for (const resolve of [...member.idle]) resolve();
      }
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      for (const agent of this.#agents) agent.destroy();
      await closed;
    })();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #newAgent(): Agent {
    // A request sent on an idle connection just as the instance closes it fails with ECONNRESET,
    // which the router may not retry: it would be a failed call blamed on the target. Node's agent
    // closes an idle socket a second before the instance's `Keep-Alive: timeout=N` hint, but only
    // when it has a timeout of its own to shorten (a socket in use merely emits 'timeout'). lifo:
    // the most recently used socket is the freshest.
    const agent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 60_000 });
    this.#agents.add(agent);
    return agent;
  }

  #member(id: string, operation: string): Member {
    const member = this.#members.get(id);
    if (!member) {
      const known = [...this.#members.keys()].join(', ') || 'none';
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `Router ${operation}: no instance ${id} (instances: ${known})`,
      );
    }
    return member;
  }

  #assertRunning(): void {
    if (this.#stopping !== undefined)
      throw new HarnessError('INVALID_ARGUMENT', 'the router was stopped: start a new one');
  }

  /** Every change of weights or members restarts the rotation, so the sequence after it is reproducible. */
  #resetRotation(): void {
    for (const member of this.#members.values()) member.current = 0;
  }

  #emit(event: RouterEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // A failing listener must not break routing; the journal writer reports its own errors.
    }
  }

  #emitWeights(): void {
    const weights: Record<string, number> = {};
    for (const member of this.#members.values()) weights[member.id] = member.weight;
    this.#emit({ type: 'weights', at: Date.now(), weights });
  }

  #eject(member: Member, cause: 'health' | 'connect', reason: string): void {
    if (member.removed) return;
    const before = member.ejected;
    // A refused connection outranks a failing health check: fail-open must not pick it.
    if (before !== 'connect') member.ejected = cause;
    if (before !== undefined) return;
    this.#emit({ type: 'ejected', at: Date.now(), instance: member.id, reason });
  }

  /**
   * The health check due now: GET readyUrl when there is one; without one, an instance is only
   * checked while ejected (by a connect failure), by whether it accepts connections again.
   */
  #check(member: Member, signal: AbortSignal): Promise<string | undefined> | undefined {
    const generation = member.generation;
    let pending: Promise<string | undefined>;
    if (member.readyUrl) pending = checkReady(member.readyUrl, HEALTH_TIMEOUT_MS, signal);
    else if (member.ejected !== undefined) pending = checkConnect(member.url, HEALTH_TIMEOUT_MS, signal);
    else return undefined;
    return pending.then((failure) => {
      if (generation === member.generation) this.#healthResult(member, failure);
      return failure;
    });
  }

  #healthResult(member: Member, failure: string | undefined): void {
    if (failure === undefined) {
      member.failures = 0;
      if (member.ejected !== undefined && !member.removed) {
        member.ejected = undefined;
        const how = member.readyUrl
          ? `GET ${member.readyUrl.href} answered 2xx`
          : `${member.url.host} accepts connections`;
        this.#emit({ type: 'readmitted', at: Date.now(), instance: member.id, reason: how });
      }
      return;
    }
    member.failures++;
    if (member.failures >= this.#ejectAfter) {
      this.#eject(member, 'health', `${failure} (${member.failures} failed health checks in a row)`);
    }
  }

  /**
   * The instance for a request: its session's instance while that is there and not ejected
   * (draining or weight 0 still serve their own sessions), else the next by weight among those
   * neither ejected nor draining. When every one of those is out only because its health check
   * fails, and failOpen is on, the same choice among them (`failOpen: true`).
   */
  #choose(
    session: string | undefined,
    tried: Set<string>,
  ): { member: Member; failOpen: boolean } | undefined {
    const owner = session === undefined ? undefined : this.#sessions?.get(session);
    const bound = owner === undefined ? undefined : this.#members.get(owner);
    const open = (m: Member) => !tried.has(m.id) && (m === bound || !m.draining);
    if (bound && bound.ejected === undefined && open(bound)) return { member: bound, failOpen: false };
    const healthy = pickSmooth([...this.#members.values()].filter((m) => m.ejected === undefined && open(m)));
    if (healthy) return { member: healthy, failOpen: false };
    if (!this.#failOpen) return undefined;
    // Every instance's /readyz failing at once is most often a shared dependency down (the
    // database): the instances may still answer — gracefully, or from a cache — better than the
    // router's 503 would. AWS ALB and Envoy's panic threshold do the same. Refused connections
    // stay out: nothing listens there.
    if (bound?.ejected === 'health' && open(bound)) return { member: bound, failOpen: true };
    const unhealthy = pickSmooth(
      [...this.#members.values()].filter((m) => m.ejected === 'health' && open(m)),
    );
    return unhealthy ? { member: unhealthy, failOpen: true } : undefined;
  }

  #route(req: IncomingMessage, res: ServerResponse, tried: Set<string>): void {
    const sessionHeader = req.headers[SESSION_HEADER];
    const session = this.#sessions && typeof sessionHeader === 'string' ? sessionHeader : undefined;
    const chosen = this.#choose(session, tried);
    if (!chosen) {
      this.#answer(res, 503, 'no-instance', undefined, this.#noInstanceMessage());
      return;
    }
    tried.add(chosen.member.id);
    this.#forward(req, res, chosen.member, session, tried, chosen.failOpen);
  }

  #forward(
    req: IncomingMessage,
    res: ServerResponse,
    member: Member,
    session: string | undefined,
    tried: Set<string>,
    failOpen: boolean,
  ): void {
    member.inFlight++;
    let settled = false;
    const settle = (outcome: 'served' | 'failed' | 'aborted' | 'retried') => {
      if (settled) return;
      settled = true;
      member.inFlight--;
      if (outcome === 'served') member.served++;
      else if (outcome === 'failed') member.failed++;
      if (member.inFlight === 0) for (const resolve of [...member.idle]) resolve();
    };

    const url = member.url;
    const upstream: ClientRequest = request({
      protocol: url.protocol,
      hostname: bareHost(url),
      port: url.port,
      method: req.method,
      path: req.url,
      headers: upstreamRequestHeaders(req.rawHeaders, req.socket.remoteAddress),
      agent: member.agent,
    });
    let written = false;
    let connectTimer: NodeJS.Timeout | undefined;

    // Nothing is written until the connection is up: an error before that reached no instance,
    // so the request (body unread, still in the client's socket) can go to another one — what
    // nginx's `proxy_next_upstream error` does. After it, no retry: the instance may have acted.
    const write = () => {
      clearTimeout(connectTimer);
      if (written || upstream.destroyed) return;
      written = true;
      req.pipe(upstream);
    };
    upstream.once('socket', (socket: Socket) => {
      if (!socket.connecting) {
        write();
        return;
      }
      connectTimer = setTimeout(
        () => upstream.destroy(new Error(`no connection within ${this.#connectTimeoutMs} ms`)),
        this.#connectTimeoutMs,
      );
      socket.once('connect', write);
    });

    upstream.on('error', (error) => {
      clearTimeout(connectTimer);
      if (settled) return;
      if (!written) {
        settle('retried');
        this.#eject(member, 'connect', `connect to ${url.host} failed: ${describeError(error)}`);
        if (!res.destroyed) this.#route(req, res, tried);
        return;
      }
      settle('failed');
      if (res.headersSent) res.destroy();
      else
        this.#answer(
          res,
          502,
          'upstream-error',
          member.id,
          `instance ${member.id} failed: ${describeError(error)}`,
        );
    });

    upstream.on('response', (answer: IncomingMessage) => {
      if (settled || res.destroyed) {
        answer.destroy();
        return;
      }
      this.#learnSession(req, answer, member, session);
      const headers = endToEndHeaders(answer.rawHeaders);
      headers.push(INSTANCE_HEADER, member.id);
      if (failOpen) headers.push(ROUTER_HEADER, 'fail-open');
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      // An answer of unknown length (an SSE stream) may wait long before its first byte: the
      // client sees the headers now. One of known length goes out with its body in one write.
      if (answer.headers['content-length'] === undefined) res.flushHeaders();
      answer.pipe(res);
      answer.on('close', () => {
        if (answer.complete || settled) return;
        // The instance went away mid-answer: the client must not take a cut stream for a whole one.
        settle('failed');
        res.destroy();
      });
    });

    res.on('close', () => {
      clearTimeout(connectTimer);
      if (res.writableFinished) {
        settle('served');
        return;
      }
      // The client went away (or we cut it): nothing more to send upstream.
      settle('aborted');
      upstream.destroy();
    });
  }

  /** With affinity: learn the instance of a new session, forget one the instance no longer knows. */
  #learnSession(
    req: IncomingMessage,
    answer: IncomingMessage,
    member: Member,
    session: string | undefined,
  ): void {
    const sessions = this.#sessions;
    if (!sessions) return;
    const issued = answer.headers[SESSION_HEADER];
    if (typeof issued === 'string' && issued !== '') sessions.set(issued, member.id);
    if (session === undefined || sessions.get(session) !== member.id) return;
    const status = answer.statusCode ?? 0;
    if (status === 404 || (req.method === 'DELETE' && status >= 200 && status < 300))
      sessions.delete(session);
  }

  #answer(
    res: ServerResponse,
    status: number,
    reason: string,
    instance: string | undefined,
    message: string,
  ): void {
    if (res.destroyed || res.headersSent) return;
    const body = jsonRpcError(`mcp-chaos router: ${message}`);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      [ROUTER_HEADER]: reason,
      ...(instance ? { [INSTANCE_HEADER]: instance } : {}),
    });
    res.end(body);
  }

  #noInstanceMessage(): string {
    const states = [...this.#members.values()].map(
      (m) =>
        `${m.id}: ${m.ejected === 'connect' ? 'refuses connections' : m.ejected ? 'ejected' : m.draining ? 'draining' : `weight ${m.weight}`}`,
    );
    return (
      `no healthy instance to route to (${states.join(', ') || 'no instances'}): ` +
      'give a ready instance a weight (setWeights) or wait for one to pass its health check'
    );
  }
}

/** Closes an agent's idle keep-alive sockets; those serving a request are left to finish. */
function destroyIdleSockets(agent: Agent): void {
  for (const sockets of Object.values(agent.freeSockets))
    for (const socket of sockets ?? []) socket.destroy();
}
