import type { StartedEnvironment } from '../runtime/environment.ts';
import type { Fault as FaultSpec } from './fault.ts';
import { perRun } from './per-run.ts';
import {
  asSuperuser,
  ConnectionHold,
  EXHAUST_APPLICATION_NAME,
  EXHAUST_ROLE,
  fill,
  freeOrdinarySlots,
  host,
  maintenanceUrl,
  prepareExhaustRole,
} from './postgres-connections.ts';
import type { Timing } from './timing.ts';
import { checkOptions, checkTiming, invalid } from './validate.ts';

const DEPENDENCIES = ['postgres'] as const;
type Dependency = (typeof DEPENDENCIES)[number];

/** The dependency argument, checked at run time too (scenario files may be plain JavaScript). */
function checkDependency(fault: string, dependency: unknown): asserts dependency is Dependency {
  if (!DEPENDENCIES.includes(dependency as Dependency)) {
    throw invalid(fault, `unknown dependency ${JSON.stringify(dependency)} (use 'postgres')`);
  }
}

/** Only the timing keys, so that a fault's own options never leak onto the FaultSpec. */
function timingOf(options: Timing): Timing {
  return {
    ...(options.afterMs !== undefined ? { afterMs: options.afterMs } : {}),
    ...(options.forMs !== undefined ? { forMs: options.forMs } : {}),
  };
}

const TIMING_KEYS = ['afterMs', 'forMs'] as const;

/** Validates the common arguments of a fault and returns its timing. */
function validated(
  fault: string,
  dependency: unknown,
  options: unknown,
  extraKeys: readonly string[] = [],
): Timing {
  checkDependency(fault, dependency);
  checkOptions(fault, options, [...TIMING_KEYS, ...extraKeys]);
  checkTiming(fault, options as Timing);
  return timingOf(options as Timing);
}

/**
 * The reference server's pool name, `mcp-reference-server/<BUILD_ID>` (src/db/pool.ts; its
 * BUILD_ID default is `reference-dev`). The harness knows it only through the target definition.
 */
function referenceApplicationName(env: StartedEnvironment): string {
  return `mcp-reference-server/${env.targetDefinition.env.BUILD_ID ?? 'reference-dev'}`;
}

/** Faults of the PostgreSQL server itself. */
export const postgresFaults = {
  /** Stops PostgreSQL (fast shutdown: connected clients are cut off) and starts it again on heal. */
  restart(dependency: 'postgres', options: Timing = {}): FaultSpec {
    const timing = validated('restart', dependency, options);
    return {
      name: `restart(${dependency})`,
      ...timing,
      async inject(env) {
        await env.stopPostgres();
      },
      async heal(env) {
        await env.startPostgres();
      },
    };
  },

  /**
   * PostgreSQL down for the fault's duration: stopped (fast shutdown) on inject, started on heal.
   * Heal starts it only if this fault stopped it (or tried to), and only once.
   */
  stop(dependency: 'postgres', options: Timing = {}): FaultSpec {
    const timing = validated('stop', dependency, options);
    const run = perRun(() => ({ stopped: false }));
    return {
      name: `stop(${dependency})`,
      ...timing,
      async inject(env) {
        run(env).stopped = true; // before the attempt: a half-done stop is still started again
        await env.stopPostgres();
      },
      async heal(env) {
        if (!run(env).stopped) return;
        await env.startPostgres();
        run(env).stopped = false;
      },
    };
  },

  /**
   * PostgreSQL frozen for the fault's duration: every one of its processes stops running (local:
   * SIGSTOP to the postmaster and every descendant; containers: the container paused through the
   * engine, the cgroup freezer). Connections stay open, queries and new connections hang: what
   * a stalled VM or a long GC-like pause looks like from the client. Heal thaws everything.
   */
  pause(dependency: 'postgres', options: Timing = {}): FaultSpec {
    const timing = validated('pause', dependency, options);
    return {
      name: `pause(${dependency})`,
      ...timing,
      async inject(env) {
        await env.pausePostgres();
      },
      async heal(env) {
        // Always: a pause that failed half-way may have stopped some processes; thawing a
        // running tree is harmless.
        await env.resumePostgres();
      },
    };
  },

  /**
   * Connection exhaustion: the harness opens connections (role `mcp_chaos_exhaust`, not a
   * superuser; application_name `mcp-chaos-exhaust`) until only `leave` of the slots an ordinary
   * role may use remain free, holds them idle, and closes them all on heal. The reserved
   * superuser slots stay free for the harness's probes and for an operator.
   *
   * Note: a target that connects as a superuser may use those reserved slots as well.
   */
  exhaustConnections(dependency: 'postgres', options: { leave: number } & Timing): FaultSpec {
    const timing = validated('exhaustConnections', dependency, options, ['leave']);
    const { leave } = options;
    if (!Number.isInteger(leave) || leave < 0) {
      throw invalid(
        'exhaustConnections',
        `leave must be a whole number of connections ≥ 0, got ${String(leave)}`,
      );
    }
    const hold = new ConnectionHold();
    return {
      name: `exhaustConnections(${dependency}, leave ${leave})`,
      ...timing,
      async inject(env) {
        const { password, toOpen } = await asSuperuser(env, async (admin) => {
          const secret = await prepareExhaustRole(admin);
          const { free, ordinary } = await freeOrdinarySlots(admin);
          // +1: this admin connection closes before the others open.
          const available = free + 1;
          if (leave >= available) {
            throw invalid(
              'exhaustConnections',
              `leave ${leave} but only ${available} of ${ordinary} ordinary connection slots ` +
                `are free at ${host(env)}: nothing to exhaust (use a smaller leave)`,
            );
          }
          return { password: secret, toOpen: available - leave };
        });
        const url = maintenanceUrl(env.postgresUrl, EXHAUST_APPLICATION_NAME, {
          user: EXHAUST_ROLE,
          password,
        });
        await fill(hold, url, toOpen, leave);
      },
      async heal() {
        await hold.release();
      },
    };
  },

  /**
   * An instant fault: pg_terminate_backend for every client backend of the target, found by its
   * application_name (default: the reference server's, from the target's BUILD_ID). Waits up to
   * 2 s for each to exit; `terminated` says how many it terminated. Heal does nothing (the
   * target must reconnect by itself).
   */
  terminateBackends(
    dependency: 'postgres',
    options: { applicationName?: string } & Timing = {},
  ): FaultSpec & { readonly terminated: number | undefined } {
    const timing = validated('terminateBackends', dependency, options, ['applicationName']);
    const { applicationName } = options;
    if (
      applicationName !== undefined &&
      (typeof applicationName !== 'string' || applicationName === '' || applicationName.length > 63)
    ) {
      throw invalid(
        'terminateBackends',
        `applicationName must be a non-empty string of at most 63 characters (PostgreSQL truncates ` +
          `longer ones), got ${JSON.stringify(applicationName)}`,
      );
    }
    let terminated: number | undefined;
    return {
      name: `terminateBackends(${applicationName ? `${dependency}, ${applicationName}` : dependency})`,
      /** How many backends the last inject terminated (undefined before, or when it failed). */
      get terminated() {
        return terminated;
      },
      instant: true,
      ...timing,
      async inject(env) {
        terminated = undefined;
        const app = applicationName ?? referenceApplicationName(env);
        terminated = await asSuperuser(env, async (admin) => {
          const { rows } = await admin.query<{ terminated: number }>(
            `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 2000))::int AS terminated
               FROM pg_stat_activity
              WHERE application_name = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
            [app],
          );
          return rows[0]?.terminated ?? 0;
        });
        return `terminated ${terminated} backend${terminated === 1 ? '' : 's'} of ${app}`;
      },
      async heal() {
        // Nothing to undo: the backends are gone, and reconnecting is the target's job.
      },
    };
  },
};
