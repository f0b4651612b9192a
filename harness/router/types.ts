import { z } from 'zod';
import { HarnessError } from '../errors.ts';

/** One target instance behind the router. */
export interface RouterInstance {
  /** e.g. 'blue-1' */
  id: string;
  /** build id/label of what it runs */
  build: string;
  /** base URL of its MCP HTTP server as the harness reaches it, e.g. http://127.0.0.1:41234 (paths are forwarded as they are) */
  url: string;
  /** its admin /readyz URL for health checks (absent: never health-ejected) */
  readyUrl?: string;
}

export interface InstanceCounts {
  id: string;
  build: string;
  weight: number;
  /** responses forwarded to the end (an SSE stream counts when it ends) */
  served: number;
  /** 502s the router answered, and responses cut by the instance midway */
  failed: number;
  inFlight: number;
  ejected: boolean;
  draining: boolean;
}

export type RouterEvent =
  | { type: 'ejected' | 'readmitted'; at: number; instance: string; reason: string }
  | { type: 'weights'; at: number; weights: Record<string, number> }
  | { type: 'drained'; at: number; instance: string; waitedMs: number; leftInFlight: number };

export interface RouterOptions {
  /** address to bind (127.0.0.1 locally; the host address Toxiproxy containers reach otherwise) */
  host: string;
  /** 0/undefined: a free port */
  port?: number;
  /** route by Mcp-Session-Id (learned from responses' mcp-session-id header) */
  affinity?: boolean;
  /** default 250 */
  healthIntervalMs?: number;
  /** consecutive failed /readyz before ejection, default 2 */
  ejectAfter?: number;
  /** how long a connection to an instance may take before it counts as a connect failure, default 2000 */
  connectTimeoutMs?: number;
  /**
   * When every instance that may take traffic is ejected by its health check alone (none refuses
   * connections), route among them anyway rather than answer 503 (default true): a shared
   * dependency's outage fails every /readyz at once, and the instances' own answers are what a
   * scenario measures then.
   */
  failOpen?: boolean;
  onEvent?: (event: RouterEvent) => void;
}

const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && new URL(v).protocol === 'http:', 'must be an http:// URL');

export const instanceSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
  build: z.string().min(1),
  url: httpUrl,
  readyUrl: httpUrl.optional(),
});

export const weightSchema = z.number().int().min(0).max(1_000_000);

export const optionsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535).optional(),
  affinity: z.boolean().optional(),
  healthIntervalMs: z.number().int().min(10).max(60_000).optional(),
  ejectAfter: z.number().int().min(1).max(1000).optional(),
  connectTimeoutMs: z.number().int().min(1).max(60_000).optional(),
  failOpen: z.boolean().optional(),
  onEvent: z
    .custom<(event: RouterEvent) => void>((v) => typeof v === 'function', 'must be a function')
    .optional(),
});

/** Parses `value` or throws INVALID_ARGUMENT naming every wrong field. */
export function parseArgument<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`);
  throw new HarnessError('INVALID_ARGUMENT', `Router ${what}: ${issues.join('; ')}`);
}
