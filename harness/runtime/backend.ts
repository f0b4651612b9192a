/**
 * What a runtime (`local` or `containers`) must provide. The Environment composes a backend
 * with the parts that are the same everywhere (identity issuer, Toxiproxy proxies, dataset):
 *
 *   startInfra() → PostgreSQL + Toxiproxy running
 *   (environment starts the identity issuer and the shipping service on infra.hostAddress, creates the proxies)
 *   startTarget(env) → one target instance running, dialling its dependencies through the proxies
 */

export type RuntimeName = 'local' | 'containers';

export const LINKS = ['client→target', 'target→postgres', 'target→identity', 'target→upstream'] as const;
export type LinkName = (typeof LINKS)[number];

/** Receives one human-readable line per step of long work (environment start, image builds). */
export type ProgressFn = (message: string) => void;

export const POSTGRES_USER = 'postgres';
export const POSTGRES_PASSWORD = 'mcp-chaos';
export const POSTGRES_DB = 'reference';

/** One address in three views: where Toxiproxy listens, and how the target and the harness reach it. */
export interface ProxyAddress {
  listen: string;
  fromTarget: string;
  fromHost: string;
}

/** What one target instance uses of the machine, read when asked (for the `process` probe). */
export interface ResourceUsage {
  /**
   * Resident memory in bytes. local: the process's VmRSS. containers: the container's anonymous
   * plus mapped-file memory (its cgroup's view of the same thing: RSS without the page cache).
   */
  rssBytes: number;
  /** CPU time (user + system) since the instance started, in seconds. */
  cpuSeconds: number;
  /**
   * Which incarnation this is (a pid, a container start): CPU time restarts from zero when the
   * instance does, so CPU% is computed only between two readings of the same incarnation.
   */
  instance: string;
}

/** How a target instance last exited, for the journal (a kill fault's detail). */
export interface TargetExit {
  /** The exit code (containers report a signal death as 128 + n, e.g. 137 for SIGKILL). */
  code: number | null;
  /** The signal that ended it, where the runtime knows it (local: the child's signalCode). */
  signal: string | null;
  /** The last few lines it printed before it exited. */
  logTail: string[];
}

/** One exit of a target instance, reported as it happens (see StartedTarget.onExit). */
export interface TargetExitEvent extends TargetExit {
  /** When it exited (epoch milliseconds). */
  at: number;
  /** The incarnation that exited (local: `pid N`; containers: as in ResourceUsage.instance). */
  instance: string;
  /** The harness caused it: kill() or restart() of this target (a crash or an outside kill is not). */
  expected: boolean;
  /** containers: the engine says the kernel's OOM killer ended it. */
  oomKilled?: boolean;
}

export type TargetExitListener = (exit: TargetExitEvent) => void;

/** One file of a target instance's STATE_DIR. */
export interface StateFile {
  /** Its path relative to STATE_DIR. */
  path: string;
  content: Buffer;
}

export interface StartedTarget {
  /** Admin port URL (healthz/readyz/metrics/version/dataset), reached directly from the harness. */
  readonly adminUrl: string;
  /**
   * Base URL of its MCP port reached directly from the harness (the router forwards here).
   * Re-read after a restart: a container's host-mapped port changes with it.
   */
  readonly mcpUrl: string;
  /** Last lines the target printed, for error messages. */
  logs(): string;
  /**
   * Calls `listener` with the lines still kept of what the target printed so far (its start-up),
   * then every line it prints from now on, across its restarts (all of them, where logs() keeps
   * only the last few). Returns the unsubscribe. Optional: a runtime
   * that cannot follow the output leaves it out, and what reads logs says so.
   */
  onLog?(listener: (line: string) => void): () => void;
  /**
   * The files in the instance's STATE_DIR (the target contract's local state: the reference
   * server's audit spool), read now. Optional, like onLog.
   */
  stateFiles?(): Promise<StateFile[]>;
  /** Its memory and CPU now; rejects (HarnessError) while the instance is not running. */
  resourceUsage(): Promise<ResourceUsage>;
  /**
   * Kill the instance (default SIGKILL) and wait until it has exited (SIGKILL follows a signal it
   * outlives by a few seconds); it stays down until restart().
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /**
   * How the instance last exited (killed, crashed, or stopped by a restart): undefined while the
   * first incarnation is still running.
   */
  lastExit(): Promise<TargetExit | undefined>;
  /**
   * Calls `listener` for every exit of the instance from now on (a crash, a kill from outside,
   * or kill()/restart() marked expected), once its last log lines have been read; not for the
   * exit stop() causes. Returns the unsubscribe.
   */
  onExit(listener: TargetExitListener): () => void;
  /** Start it again with the same configuration (after kill, or as a restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** How to start a target process on the local runtime. */
export interface TargetCommand {
  command: string;
  args: string[];
  cwd?: string;
}

export interface StartTargetOptions {
  /** Which instance (0 by default: the one `targetUpstream` points at). */
  instance?: number;
  /** Another build's command (local runtime). */
  command?: TargetCommand;
  /** Another build's image (containers runtime). */
  image?: string;
}

export interface StartedInfra {
  readonly runtime: RuntimeName;
  /** Toxiproxy API reached from the harness. */
  readonly toxiproxyUrl: string;
  /** Direct PostgreSQL URL (not through Toxiproxy) reached from the harness. */
  readonly postgresUrl: string;
  /** host:port where Toxiproxy dials PostgreSQL. */
  readonly postgresUpstream: string;
  /** Address host-side services (the identity issuer, the shipping service) bind to so that Toxiproxy can reach them. */
  readonly hostAddress: string;
  /** host:port where Toxiproxy dials the target's MCP port. */
  readonly targetUpstream: string;
  /** The address a link's proxy listens on, and how each side reaches it. */
  proxyAddress(link: LinkName): Promise<ProxyAddress>;
  /**
   * Start a target instance with this environment (the backend adds its own MCP_HOST/MCP_PORT/
   * ADMIN_PORT). Instance 0 (the default) listens where `targetUpstream` points; others get ports
   * of their own (the router reaches them by `mcpUrl`). `build` runs another build than the
   * environment's target: its own command (local) or image (containers).
   */
  startTarget(env: Record<string, string>, options?: StartTargetOptions): Promise<StartedTarget>;
  /** Stop PostgreSQL (fast shutdown); in-network names and host URLs stay valid for startPostgres(). */
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /**
   * Freeze PostgreSQL: every process of it stops running (local: SIGSTOP to the whole process
   * tree; containers: the container paused), its connections stay open and nothing answers.
   */
  pausePostgres(): Promise<void>;
  /** Undo pausePostgres(). Idempotent; a no-op when PostgreSQL is not paused or not running. */
  resumePostgres(): Promise<void>;
  /** Stop everything this backend started. Idempotent. */
  stop(): Promise<void>;
}

export interface RuntimeBackend {
  readonly name: RuntimeName;
  startInfra(progress: ProgressFn): Promise<StartedInfra>;
}
