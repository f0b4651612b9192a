import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** How often a draining server closes the connections whose last response has gone out. */
const IDLE_SWEEP_MS = 20;

export interface CloseOptions {
  /**
   * Answers requests that arrive on an open connection once the drain has begun (default: they
   * are served, like the ones in flight). Either way the connection closes after its response.
   */
  refuse?: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Stops accepting, lets in-flight requests finish, and after `graceMs` cuts whatever is left, so
 * a stuck request (a database that never answers) cannot hold a deployment hostage. Resolves
 * `drained` when every connection closed on its own, `cut` when the grace ran out.
 *
 * `server.close()` alone does not drain under load: keep-alive connections stay open and keep
 * delivering new requests, so the server never empties and the grace always ends in a cut. So
 * from here on every response closes its connection, a connection is closed as soon as its last
 * response has gone out, and new requests on open connections get `refuse`.
 */
export function closeGracefully(
  server: Server,
  graceMs: number,
  options: CloseOptions = {},
): Promise<'drained' | 'cut'> {
  return new Promise((resolve) => {
    let outcome: 'drained' | 'cut' = 'drained';
    const { refuse } = options;
    if (refuse) {
      server.removeAllListeners('request');
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        res.shouldKeepAlive = false;
        refuse(req, res);
      });
    } else {
      server.prependListener('request', ((_req, res) => {
        res.shouldKeepAlive = false;
      }) as RequestListener);
    }
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const timer = setTimeout(() => {
      outcome = 'cut';
      server.closeAllConnections();
    }, graceMs);
    sweep.unref();
    timer.unref();
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(timer);
      resolve(outcome);
    });
    server.closeIdleConnections();
  });
}

export async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One step after the drain (flushing a log, closing the pool), with the time it may take. */
export interface ShutdownStep {
  readonly name: string;
  readonly budgetMs: number;
  run(): Promise<void>;
}

export interface ShutdownPlan {
  readonly logger: Logger;
  /** How long in-flight requests get to finish before they are cut. */
  readonly graceMs: number;
  /** Servers to drain, all at once: each stops accepting and finishes what it has in flight. */
  readonly servers: readonly {
    readonly name: string;
    readonly server: Server;
    readonly options?: CloseOptions;
  }[];
  /**
   * In order, once nothing is in flight any more: writes that must reach their store before the
   * process ends (the audit log's flush belongs here, before the pool closes under it), then
   * the pool. Each is bounded by its budget; one that fails or overruns is logged, and the
   * next still runs.
   */
  readonly after: readonly ShutdownStep[];
}

/**
 * The graceful shutdown: stop accepting, drain in flight (bounded by the grace), then each step
 * of `after` in turn. Resolves once everything is done; the caller exits 0. The whole sequence
 * takes at most graceMs + the steps' budgets, which must stay under the supervisor's patience
 * (the harness and `docker stop` follow SIGTERM with SIGKILL after 5-10 s).
 */
export async function shutdownGracefully(plan: ShutdownPlan): Promise<void> {
  const { logger } = plan;
  const started = performance.now();
  const outcomes = await Promise.all(
    plan.servers.map(async ({ name, server, options }) => ({
      name,
      outcome: await closeGracefully(server, plan.graceMs, options),
    })),
  );
  const cut = outcomes.filter((o) => o.outcome === 'cut').map((o) => o.name);
  if (cut.length > 0) {
    logger.warn(
      { servers: cut, graceMs: plan.graceMs },
      'shutdown grace ran out: requests still in flight were cut',
    );
  } else {
    logger.info({ ms: Math.round(performance.now() - started) }, 'drained: no request in flight');
  }
  for (const step of plan.after) {
    await withinMs(step.run(), step.budgetMs).catch((error: unknown) =>
      logger.warn(
        { step: step.name, reason: String(error) },
        `shutdown step ${step.name} did not finish cleanly`,
      ),
    );
  }
}
