import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How to start a target: a command for the local runtime and an image for the containers
 * runtime, plus the configuration it is started with. The harness knows the reference server
 * only through this definition and the target contract, never through its code.
 */
export interface TargetDefinition {
  readonly name: string;
  readonly local: { command: string; args: string[]; cwd?: string };
  readonly image: string;
  /** Configuration for the target (env vars). Defects and negative-control settings go here. */
  readonly env: Record<string, string>;
  /**
   * Settings only the builds a deploy rolls out get (Fault.deploy), over `env`: a deploy
   * guard's self-test ships a broken build (`{ DEFECT: 'slow-queries' }`) while the instances
   * already running stay good.
   */
  readonly deployEnv?: Record<string, string>;
  /**
   * The target's backup tool, run on the harness's host by the backup faults as
   * `command ...args backup|restore <dir>` with DATABASE_URL (and the target's DEFECT) set; it
   * prints one JSON line: `recoveryPoint` (ms since the epoch) and `tookMs` at least.
   */
  readonly backup?: { command: string; args: string[]; cwd?: string };
}

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The reference server's deliberate defects (its DEFECT setting), for self-tests. Kept in sync by
 * hand with src/defects/names.ts: the harness never imports the server's code.
 */
export type ReferenceDefect =
  | 'none'
  | 'wrong-customer-same-tenant'
  | 'cross-tenant-customer'
  | 'sql-in-errors'
  | 'pool-timeouts-off'
  | 'connection-leak'
  | 'idempotency-ignored'
  | 'readyz-always-ok'
  | 'pool-gauge-stale'
  | 'jwks-no-cache'
  | 'pool-error-unhandled'
  | 'tenant-cache-key'
  | 'no-drain'
  | 'flags-ignored'
  | 'audit-spool-off'
  | 'shedding-off'
  | 'backup-tables-by-hand'
  | 'upstream-guards-off'
  | 'billing-authz-off'
  | 'analytics-cross-tenant'
  | 'sessions-unbounded'
  | 'session-404-as-500'
  | 'pii-in-logs'
  | 'pii-plaintext'
  | 'crash-on-start'
  | 'slow-queries'
  | 'expand-breaks-old';

export interface ReferenceOptions {
  /** A deliberately broken build of the reference server, for self-tests. */
  defect?: ReferenceDefect;
  buildId?: string;
  image?: string;
  env?: Record<string, string>;
}

/** The bundled reference server (src/). */
export function referenceTarget(options: ReferenceOptions = {}): TargetDefinition {
  const env: Record<string, string> = {
    BUILD_ID: options.buildId ?? 'reference-dev',
    DEFECT: options.defect ?? 'none',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  return {
    name: options.defect && options.defect !== 'none' ? `reference (defect: ${options.defect})` : 'reference',
    local: { command: process.execPath, args: [join(projectRoot, 'src', 'main.ts')], cwd: projectRoot },
    backup: {
      command: process.execPath,
      args: [join(projectRoot, 'src', 'db', 'backup-cli.ts')],
      cwd: projectRoot,
    },
    image: options.image ?? process.env.MCP_CHAOS_TARGET_IMAGE ?? 'mcp-chaos/target:latest',
    env,
  };
}
