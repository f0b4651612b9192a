import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFECT_NAMES } from './defects/names.ts';
import { type Principal, TOOL_NAMES, type ToolName } from './domain.ts';
import type { OverloadLimits } from './overload/index.ts';
import type { UpstreamSettings } from './upstream/settings.ts';

const intIn = (min: number, max: number) => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const port = intIn(0, 65_535);

// A 32-byte AES-256 key in standard base64 (`openssl rand -base64 32`). The value is never echoed
// in an error: only what is wrong with it.
const PII_KEY_ERROR = 'must be 32 bytes in base64 (openssl rand -base64 32)';
const piiKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, PII_KEY_ERROR)
  .transform((value) => Buffer.from(value, 'base64'))
  .refine((key) => key.length === 32, PII_KEY_ERROR);
const piiKeyVersion = intIn(1, 255);
// Keys retired by a rotation, still needed to read what they sealed: `version:base64,…`.
const previousPiiKeys = z
  .string()
  .default('')
  .transform((list) =>
    list
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item): { version: unknown; key: string } => {
        const at = item.indexOf(':');
        return { version: at < 0 ? '' : item.slice(0, at), key: at < 0 ? item : item.slice(at + 1) };
      }),
  )
  .pipe(
    z.array(
      z.object({
        version: piiKeyVersion,
        key: piiKey,
      }),
    ),
  );
const positiveMs = intIn(1, 3_600_000);

// Every setting comes from the environment so the harness can start many instances with different
// knobs; a bad value must stop the process at start, never surface as a strange failure later.
const EnvSchema = z.object({
  MCP_HOST: z.string().min(1).default('127.0.0.1'),
  MCP_PORT: port.default(3000),
  ADMIN_PORT: port.default(3001),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string'),
  PG_POOL_MAX: intIn(1, 1000).default(10),
  PG_CONNECT_TIMEOUT_MS: positiveMs.default(2000),
  PG_STATEMENT_TIMEOUT_MS: positiveMs.default(2000),
  PG_QUERY_TIMEOUT_MS: positiveMs.default(2500),
  PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: positiveMs.default(5000),
  PG_IDLE_TIMEOUT_MS: positiveMs.default(30_000),
  // Required with the HTTP transport (checked in loadConfig); stdio verifies no tokens.
  JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  JWT_ISSUER: z.string().min(1).default('mcp-chaos-identity'),
  JWT_AUDIENCE: z.string().min(1).default('mcp-reference-server'),
  BUILD_ID: z.string().min(1).default('reference-dev'),
  ADMIN_TOKEN: z.string().min(1).optional(),
  // Customers' email and phone are sealed with this key (AES-256-GCM) before they reach PostgreSQL.
  PII_ENCRYPTION_KEY: piiKey,
  PII_ENCRYPTION_KEY_VERSION: piiKeyVersion.default(1),
  PII_PREVIOUS_KEYS: previousPiiKeys,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFECT: z.enum(DEFECT_NAMES).default('none'),
  // Local state kept across restarts of this instance (the audit spool). Not shared between
  // instances: each needs its own, so the default is keyed by the MCP port (two instances on
  // one machine cannot share a port; a restarted one finds its spool again).
  STATE_DIR: z.string().min(1).optional(),
  AUDIT_FLUSH_INTERVAL_MS: intIn(10, 60_000).default(500),
  AUDIT_DATABASE_RETRY_MS: intIn(10, 60_000).default(1000),
  AUDIT_DATABASE_BUDGET_MS: intIn(10, 60_000).default(500),
  CACHE_TTL_MS: intIn(0, 3_600_000).default(1000),
  CACHE_STALE_MS: intIn(0, 86_400_000).default(300_000),
  CACHE_MAX_ENTRIES: intIn(1, 1_000_000).default(10_000),
  // Comma-separated tool names switched off at start; the admin port's /flags changes them later.
  DISABLED_TOOLS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    )
    .pipe(z.array(z.enum(TOOL_NAMES))),
  // How long in-flight calls get to finish after SIGTERM before they are cut. With the pool's
  // close budget it stays under the 5 s a supervisor (the harness, `docker stop`) waits.
  SHUTDOWN_GRACE_MS: intIn(0, 600_000).default(3000),
  // Overload protection (src/overload). Unset MAX_CONCURRENT_CALLS follows the pool: see loadConfig.
  // 20 calls/s is plenty for one agent (the suite's busiest makes about 13 on nightly) and a
  // fifth or less of what the pool serves on a healthy database, so one caller cannot take it all.
  MAX_CONCURRENT_CALLS: intIn(1, 100_000).optional(),
  MAX_CONCURRENT_CALLS_PER_CALLER: intIn(1, 100_000).optional(),
  RATE_LIMIT_PER_SECOND: intIn(1, 1_000_000).default(20),
  RATE_LIMIT_BURST: intIn(1, 1_000_000).default(40),
  RATE_LIMIT_PRINCIPALS: intIn(1, 10_000_000).default(10_000),
  BUSY_RETRY_AFTER_MS: positiveMs.default(500),
  // The shipping-status upstream (src/upstream) of get_order_status. Required: a server that
  // silently ran without it would answer every order "shipping unavailable" and look healthy.
  SHIPPING_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  // One attempt's budget; with the retries and their backoff the whole upstream wait stays
  // under UPSTREAM_TOTAL_TIMEOUT_MS, far inside a call's budget (the clients give up after 5 s).
  UPSTREAM_TIMEOUT_MS: intIn(10, 60_000).default(400),
  UPSTREAM_RETRIES: intIn(0, 5).default(1),
  UPSTREAM_RETRY_BASE_MS: intIn(1, 10_000).default(50),
  UPSTREAM_TOTAL_TIMEOUT_MS: intIn(10, 120_000).default(1000),
  UPSTREAM_BREAKER_FAILURES: intIn(1, 1000).default(5),
  UPSTREAM_BREAKER_HALF_OPEN_MS: intIn(10, 600_000).default(2000),
  UPSTREAM_BULKHEAD_MAX: intIn(1, 10_000).default(8),
  UPSTREAM_BULKHEAD_QUEUE: intIn(0, 10_000).default(8),
  // Transport and sessions (src/mcp). Stateless is the default: any instance behind a router can
  // answer any call. Stateful keeps a session per initialize, bounded in count and idle time, so
  // abandoned sessions cannot grow memory without end.
  MCP_TRANSPORT: z.enum(['http', 'stdio']).default('http'),
  MCP_SESSION_MODE: z.enum(['stateless', 'stateful']).default('stateless'),
  MCP_SESSION_MAX: intIn(1, 1_000_000).default(1000),
  MCP_SESSION_IDLE_MS: intIn(100, 86_400_000).default(600_000),
  // stdio has no bearer token per request: one principal for the process, `tenant/role/subject`
  // (or `tenant/customer/subject/customerId` for a customer), given by whoever starts it.
  STDIO_PRINCIPAL: z
    .string()
    .regex(
      /^[^/\s]+\/(agent|auditor|manager|billing_admin)\/[^/\s]+$|^[^/\s]+\/customer\/[^/\s]+\/[^/\s]+$/,
      'must be tenant/role/subject (role agent, auditor, manager or billing_admin) or tenant/customer/subject/customerId',
    )
    .optional(),
});

// A stale window shorter than the fresh one would mean nothing: entries leave it while still fresh.
const ConsistentEnvSchema = EnvSchema.refine((e) => e.CACHE_STALE_MS >= e.CACHE_TTL_MS, {
  path: ['CACHE_STALE_MS'],
  error: 'must be at least CACHE_TTL_MS',
})
  // A total budget below one attempt's would cut every slow-but-good answer short.
  .refine((e) => e.UPSTREAM_TOTAL_TIMEOUT_MS >= e.UPSTREAM_TIMEOUT_MS, {
    path: ['UPSTREAM_TOTAL_TIMEOUT_MS'],
    error: 'must be at least UPSTREAM_TIMEOUT_MS',
  })
  .refine((e) => e.PII_PREVIOUS_KEYS.every((k) => k.version !== e.PII_ENCRYPTION_KEY_VERSION), {
    path: ['PII_PREVIOUS_KEYS'],
    error: 'must not repeat PII_ENCRYPTION_KEY_VERSION (one key per version)',
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  readonly mcpHost: string;
  readonly mcpPort: number;
  readonly adminPort: number;
  readonly databaseUrl: string;
  readonly pool: {
    readonly max: number;
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
    readonly queryTimeoutMs: number;
    readonly idleInTransactionTimeoutMs: number;
    readonly idleTimeoutMs: number;
  };
  readonly jwt: { readonly jwksUrl: string; readonly issuer: string; readonly audience: string };
  readonly buildId: string;
  readonly adminToken: string;
  /** AES-256-GCM keys for personal data at rest, by version; `current` seals new values. */
  readonly pii: { readonly keys: ReadonlyMap<number, Buffer>; readonly current: number };
  readonly logLevel: Env['LOG_LEVEL'];
  readonly defect: Env['DEFECT'];
  readonly cache: { readonly ttlMs: number; readonly staleMs: number; readonly maxEntries: number };
  readonly disabledTools: readonly ToolName[];
  readonly shutdownGraceMs: number;
  readonly audit: {
    readonly spoolPath: string;
    readonly flushIntervalMs: number;
    readonly databaseRetryMs: number;
    readonly databaseBudgetMs: number;
  };
  readonly overload: OverloadLimits;
  readonly upstream: UpstreamSettings;
  readonly transport: Env['MCP_TRANSPORT'];
  readonly sessions: {
    readonly mode: Env['MCP_SESSION_MODE'];
    readonly max: number;
    readonly idleMs: number;
  };
  /** The stdio transport's one principal (required with MCP_TRANSPORT=stdio). */
  readonly stdioPrincipal?: Principal;
}

function parseStdioPrincipal(value: string): Principal {
  const [tenant = '', role = '', subject = '', customer] = value.split('/');
  return {
    tenant,
    role: role as Principal['role'],
    subject,
    ...(customer !== undefined ? { customer } : {}),
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const variable = String(issue.path[0] ?? 'environment');
  if (issue.code === 'invalid_type' && env[variable] === undefined) return `${variable} is required`;
  if (issue.code === 'invalid_value') {
    return `${variable}=${JSON.stringify(env[variable])} is not allowed; allowed: ${issue.values.join(' | ')}`;
  }
  // Secrets (ADMIN_TOKEN, DATABASE_URL with a password) are never echoed back.
  return `${variable}: ${issue.message}`;
}

const VARIABLES = Object.keys(EnvSchema.shape);
const declared = (line: string) => VARIABLES.findIndex((name) => line.startsWith(name));

export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset so `FOO= node src/main.ts` falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  // A negative control that is silently ignored would let a broken harness pass for a good one.
  if (cleaned.PG_POOL_TIMEOUTS !== undefined) {
    throw new ConfigError(
      'invalid configuration: PG_POOL_TIMEOUTS was removed; use DEFECT=pool-timeouts-off',
    );
  }
  const parsed = ConsistentEnvSchema.safeParse(cleaned);
  // Required with the HTTP transport only; named together with every other problem, in the
  // order the variables are declared.
  const http = (cleaned.MCP_TRANSPORT ?? 'http') === 'http';
  const missing = (['JWKS_URL', 'ADMIN_TOKEN'] as const)
    .filter((name) => http && cleaned[name] === undefined)
    .map((name) => `${name} is required`);
  if (!parsed.success || missing.length > 0) {
    const lines = parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, env));
    const all = [...lines, ...missing].sort((x, y) => declared(x) - declared(y));
    throw new ConfigError(`invalid configuration: ${all.join('; ')}`);
  }
  const e = parsed.data;
  if (e.MCP_TRANSPORT === 'stdio' && e.STDIO_PRINCIPAL === undefined) {
    throw new ConfigError(
      'invalid configuration: STDIO_PRINCIPAL is required with MCP_TRANSPORT=stdio (e.g. tenant-1/agent/agent-1)',
    );
  }
  // Four times the pool: every connection busy and a short queue behind each, enough to ride out
  // the pool opening its connections over a slow link (compound-fault: 300 ms round trips, about
  // 2 s per new connection, calls pile up to ~35 meanwhile). Beyond that a call would only wait
  // for a connection (up to PG_CONNECT_TIMEOUT_MS) and slow every call behind it.
  const maxConcurrent = e.MAX_CONCURRENT_CALLS ?? 4 * e.PG_POOL_MAX;
  return {
    mcpHost: e.MCP_HOST,
    mcpPort: e.MCP_PORT,
    adminPort: e.ADMIN_PORT,
    databaseUrl: e.DATABASE_URL,
    pool: {
      max: e.PG_POOL_MAX,
      connectTimeoutMs: e.PG_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.PG_STATEMENT_TIMEOUT_MS,
      queryTimeoutMs: e.PG_QUERY_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      idleTimeoutMs: e.PG_IDLE_TIMEOUT_MS,
    },
    // Both present with the HTTP transport (checked above); stdio uses neither.
    jwt: { jwksUrl: e.JWKS_URL ?? '', issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
    buildId: e.BUILD_ID,
    adminToken: e.ADMIN_TOKEN ?? '',
    pii: {
      keys: new Map([
        ...e.PII_PREVIOUS_KEYS.map((k) => [k.version, k.key] as const),
        [e.PII_ENCRYPTION_KEY_VERSION, e.PII_ENCRYPTION_KEY] as const,
      ]),
      current: e.PII_ENCRYPTION_KEY_VERSION,
    },
    logLevel: e.LOG_LEVEL,
    defect: e.DEFECT,
    cache: { ttlMs: e.CACHE_TTL_MS, staleMs: e.CACHE_STALE_MS, maxEntries: e.CACHE_MAX_ENTRIES },
    disabledTools: e.DISABLED_TOOLS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    audit: {
      spoolPath: join(
        e.STATE_DIR ?? join(tmpdir(), `mcp-reference-server-${e.MCP_PORT}`),
        'audit-spool.jsonl',
      ),
      flushIntervalMs: e.AUDIT_FLUSH_INTERVAL_MS,
      databaseRetryMs: e.AUDIT_DATABASE_RETRY_MS,
      databaseBudgetMs: e.AUDIT_DATABASE_BUDGET_MS,
    },
    overload: {
      maxConcurrentCalls: maxConcurrent,
      // Half the slots: a caller flooding a slow database leaves the others the other half.
      maxConcurrentPerPrincipal:
        e.MAX_CONCURRENT_CALLS_PER_CALLER ?? Math.max(1, Math.ceil(maxConcurrent / 2)),
      rate: {
        perSecond: e.RATE_LIMIT_PER_SECOND,
        burst: e.RATE_LIMIT_BURST,
        maxPrincipals: e.RATE_LIMIT_PRINCIPALS,
      },
      busyRetryAfterMs: e.BUSY_RETRY_AFTER_MS,
    },
    upstream: {
      shippingUrl: e.SHIPPING_URL.replace(/\/+$/, ''),
      attemptTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
      retries: e.UPSTREAM_RETRIES,
      retryBaseMs: e.UPSTREAM_RETRY_BASE_MS,
      totalTimeoutMs: e.UPSTREAM_TOTAL_TIMEOUT_MS,
      breakerFailures: e.UPSTREAM_BREAKER_FAILURES,
      breakerHalfOpenMs: e.UPSTREAM_BREAKER_HALF_OPEN_MS,
      bulkheadMax: e.UPSTREAM_BULKHEAD_MAX,
      bulkheadQueue: e.UPSTREAM_BULKHEAD_QUEUE,
    },
    transport: e.MCP_TRANSPORT,
    sessions: { mode: e.MCP_SESSION_MODE, max: e.MCP_SESSION_MAX, idleMs: e.MCP_SESSION_IDLE_MS },
    ...(e.STDIO_PRINCIPAL !== undefined ? { stdioPrincipal: parseStdioPrincipal(e.STDIO_PRINCIPAL) } : {}),
  };
}
