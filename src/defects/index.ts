/**
 * DELIBERATE DEFECTS. This module exists only to prove that the mcp-chaos harness catches real
 * bugs: each defect reproduces a class of production incident and breaks exactly one protection.
 * A defect is active only when the DEFECT setting names it explicitly; the server logs it loudly
 * at start and reports it on /version. With DEFECT=none (the default) every hook here is the
 * production behaviour, unchanged.
 *
 * The answer defects affect only lookup_customer, and authorization still runs on the customer
 * the caller asked for, exactly like the real bug: the policy passes, then the wrong record is
 * answered. The others switch one protection off where the production code uses it: the pool's
 * timeouts, releasing a client on an error path, idempotent ticket creation, the readiness
 * check, the pool gauges, the JWKS cache, the pool's error listener, the read cache's key, the
 * shutdown's drain, the runtime flags, the audit spool, the backup's table list, the upstream's
 * guards, the role check of update_billing, the tenant filter of analytics_summary, the session
 * table's bounds, the unknown session's 404, keeping personal data out of the logs, encrypting
 * it at rest, starting at all (crash-on-start), answering in time (slow-queries).
 */
import type { JWTVerifyGetKey } from 'jose';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { SpoolWriter } from '../audit/log.ts';
import { type CacheKeyParts, fullCacheKey } from '../cache/key.ts';
import type { Migration } from '../db/migrations.ts';
import type { Repository } from '../db/repository.ts';
import type { Customer, Role, ToolName } from '../domain.ts';
import type { SessionTable } from '../mcp/sessions.ts';
import type { OverloadGuard } from '../overload/index.ts';
import type { PiiCipher } from '../pii/cipher.ts';
import type { UpstreamRunner } from '../upstream/index.ts';
import { analyticsOfEveryTenant, billingOpenToEveryRole } from './access.ts';
import { crossTenantCustomer, withInternals, wrongCustomerSameTenant } from './answers.ts';
import { tablesListedByHand } from './backup.ts';
import { keyWithoutOwner } from './cache.ts';
import {
  insertTicketEveryTime,
  queryLeakingOnError,
  withoutIdempotencyIndex,
  withoutTimeouts,
} from './database.ts';
import {
  crashOnStart,
  insertTicketWithChannel,
  SLOW_QUERY_DELAY_MS,
  slowQuery,
  withBreakingExpand,
} from './deploy.ts';
import { keySetPerCall } from './identity.ts';
import type { DefectName } from './names.ts';
import { withoutShedding } from './overload.ts';
import { logAnswerInFull, plaintextCipher } from './pii.ts';
import { readOnce, readyWithoutChecking } from './probes.ts';
import { unboundedSessionTable } from './sessions.ts';
import { withoutUpstreamGuards } from './upstream.ts';

export { DEFECT_NAMES, type DefectName } from './names.ts';

export type QueryRunner = <R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
) => Promise<pg.QueryResult<R>>;

export interface Defects {
  readonly name: DefectName;
  /** What this build gets wrong, for the start-up warning. */
  readonly summary: string;
  /** Chooses the record lookup_customer answers with, given the one it was authorized for. */
  answerForLookup(repository: Repository, authorized: Customer): Promise<Customer>;
  /** The message an error result carries, given the contract's message and what was thrown. */
  errorMessage(message: string, cause: unknown): string;
  /** The pool's options, given the production ones. */
  poolOptions(options: pg.PoolConfig): pg.PoolConfig;
  /** Runs one repository statement on the pool. */
  readonly query: QueryRunner;
  /** The DDL run at start, given the production DDL. */
  schemaSql(sql: string): string;
  /** The statement that inserts a ticket, given the production one (deduplicating). */
  ticketInsertSql(sql: string): string;
  /** Runs the readiness check of /readyz; resolving means ready. */
  checkReady(check: () => Promise<void>): Promise<void>;
  /** How the pool gauges read the pool, given the live reader; called once, at registration. */
  poolReader<T>(read: () => T): () => T;
  /** The JWKS key resolver, given a factory of jose's caching remote key set. */
  keySet(create: () => JWTVerifyGetKey): JWTVerifyGetKey;
  /** The listener for errors of idle pooled clients, given the production one (undefined: none). */
  idleClientErrors(listener: (error: Error) => void): ((error: Error) => void) | undefined;
  /** The read cache's key for one read (production: tenant, customer and query). */
  cacheKey(parts: CacheKeyParts): string;
  /** How long in-flight requests get to finish after SIGTERM, given the configured grace. */
  shutdownGraceMs(graceMs: number): number;
  /** Whether a call of a tool may run, given the tool's runtime flag (true: switched on). */
  toolEnabled(flag: boolean): boolean;
  /** How audit entries reach the local spool while the database is away, given the real writer. */
  auditSpool(write: SpoolWriter): SpoolWriter;
  /** The overload guard of tool calls, given a factory of the production one (limits on). */
  overloadGuard(create: () => OverloadGuard): OverloadGuard;
  /** The tables a backup copies, given every table of the schema (src/db/backup.ts). */
  backupTables(found: readonly string[]): readonly string[];
  /** How the shipping upstream is asked, given the guarded runner (cockatiel's policies) and a bare one. */
  upstreamRunner(guarded: UpstreamRunner, bare: UpstreamRunner): UpstreamRunner;
  /** Whether a role may call a tool, given the policy's answer. */
  toolAllowed(allowed: boolean, role: Role, tool: ToolName): boolean;
  /** The statement of analytics_summary, given the production one (every figure of one tenant). */
  analyticsSql(sql: string): string;
  /** The stateful session table, given a factory of the production one (bounded: cap and idle TTL). */
  sessionTable(create: () => SessionTable): SessionTable;
  /** The HTTP status of the answer to an unknown or expired session id, given the spec's (404). */
  unknownSessionStatus(status: number): number;
  /** Called with every tool answer; production logs nothing of it (answers carry personal data). */
  logAnswer(logger: Logger, tool: string, answer: unknown): void;
  /** How personal data is sealed at rest, given the production cipher (AES-256-GCM). */
  piiCipher(cipher: PiiCipher): PiiCipher;
  /** The schema migrations this build applies, given the production list. */
  migrations(list: readonly Migration[]): readonly Migration[];
  /** Runs once the configuration is read, before anything starts (production: nothing). */
  startUp(): void;
}

const PRODUCTION: Omit<Defects, 'name' | 'summary'> = {
  answerForLookup: async (_repository, authorized) => authorized,
  errorMessage: (message) => message,
  poolOptions: (options) => options,
  query: (pool, text, values) => pool.query(text, values),
  schemaSql: (sql) => sql,
  ticketInsertSql: (sql) => sql,
  checkReady: (check) => check(),
  poolReader: (read) => read,
  keySet: (create) => create(),
  idleClientErrors: (listener) => listener,
  cacheKey: fullCacheKey,
  shutdownGraceMs: (graceMs) => graceMs,
  toolEnabled: (flag) => flag,
  auditSpool: (write) => write,
  overloadGuard: (create) => create(),
  backupTables: (found) => found,
  upstreamRunner: (guarded) => guarded,
  toolAllowed: (allowed) => allowed,
  analyticsSql: (sql) => sql,
  sessionTable: (create) => create(),
  unknownSessionStatus: (status) => status,
  logAnswer: () => undefined,
  piiCipher: (cipher) => cipher,
  startUp: () => undefined,
  migrations: (list) => list,
};

type Overrides = Pick<Defects, 'summary'> & Partial<Omit<Defects, 'name' | 'summary'>>;

const DEFECTS: Record<Exclude<DefectName, 'none'>, Overrides> = {
  'wrong-customer-same-tenant': {
    summary: 'lookup_customer answers with another customer of the same tenant',
    answerForLookup: wrongCustomerSameTenant,
  },
  'cross-tenant-customer': {
    summary: "lookup_customer answers with another tenant's customer",
    answerForLookup: crossTenantCustomer,
  },
  'sql-in-errors': {
    summary: 'error results carry the driver error and the failing SQL',
    errorMessage: withInternals,
  },
  'pool-timeouts-off': {
    summary: 'database connect/statement/query timeouts are DISABLED; callers can hang forever',
    poolOptions: withoutTimeouts,
  },
  'connection-leak': {
    summary: 'a statement that fails without breaking its connection (a timeout) never releases it',
    query: queryLeakingOnError,
  },
  'idempotency-ignored': {
    summary: 'create_ticket inserts on every call; a retry with the same idempotency key duplicates',
    schemaSql: withoutIdempotencyIndex,
    ticketInsertSql: insertTicketEveryTime,
  },
  'readyz-always-ok': {
    summary: '/readyz answers ready without checking the database',
    checkReady: readyWithoutChecking,
  },
  'pool-gauge-stale': {
    summary: 'the db_pool_total/idle/waiting gauges keep their start-up values',
    poolReader: readOnce,
  },
  'jwks-no-cache': {
    summary: 'the JWKS is fetched on every call; an identity outage fails every call at once',
    keySet: keySetPerCall,
  },
  // node-postgres' classic crash: an idle client whose backend goes away (a restart, a failover,
  // pg_terminate_backend) emits 'error' on the pool, and an 'error' event nobody listens to
  // takes the whole process down.
  'pool-error-unhandled': {
    summary: "the pool has no 'error' listener: a database restart or failover crashes the process",
    idleClientErrors: () => undefined,
  },
  'tenant-cache-key': {
    summary:
      "the read cache's key lacks the tenant and the customer: one customer's data is served to another",
    cacheKey: keyWithoutOwner,
  },
  // The shutdown that does not wait: every open connection is dropped the moment SIGTERM
  // arrives, so the calls a deploy catches in flight die with it (a write may be committed
  // and never acknowledged).
  'no-drain': {
    summary: 'SIGTERM drops every open connection at once: calls in flight are cut, not drained',
    shutdownGraceMs: () => 0,
  },
  // The kill switch that is stored and shown (GET /flags, the gauge) but never consulted.
  'flags-ignored': {
    summary: 'a tool disabled at run time (PUT /flags) keeps answering: the flag is never consulted',
    toolEnabled: () => true,
  },
  // The audit "works" as long as the database does: the entries of every call answered during
  // an outage are acknowledged to nobody and lost.
  'audit-spool-off': {
    summary: 'audit entries are DROPPED while the database is away (no local spool)',
    auditSpool: () => async () => undefined,
  },
  'shedding-off': {
    summary: 'no concurrency limit and no rate limits: overload queues on the pool instead of shedding',
    overloadGuard: withoutShedding,
  },
  // The backup script written when the schema had three tables and never updated: it runs,
  // reports success every night, and the tickets and the audit log are in no backup.
  'backup-tables-by-hand': {
    summary:
      'the backup copies a hand-written list of tables (tenants, customers, orders): tickets and the audit log are not backed up',
    backupTables: tablesListedByHand,
  },
  // The upstream call with no timeout, no breaker and no bulkhead: a hung shipping service holds
  // every get_order_status call, and with them the server's call slots.
  'upstream-guards-off': {
    summary:
      'the shipping upstream is asked with no timeout, breaker or bulkhead: a hung upstream holds call slots',
    upstreamRunner: withoutUpstreamGuards,
  },
  'billing-authz-off': {
    summary: "update_billing is open to every role: an agent or a customer may change a customer's card",
    toolAllowed: billingOpenToEveryRole,
  },
  'analytics-cross-tenant': {
    summary: "analytics_summary counts every tenant's records: a manager sees other tenants' figures",
    analyticsSql: analyticsOfEveryTenant,
  },
  'sessions-unbounded': {
    summary: 'stateful sessions are never evicted (no cap, no idle TTL): abandoned sessions grow memory',
    sessionTable: unboundedSessionTable,
  },
  // The server forgets a session (a restart, an eviction) and says 500: a client that follows the
  // spec re-initializes only on 404, so it retries the dead session until it gives up.
  'session-404-as-500': {
    summary: 'an unknown or expired session is answered 500, not 404: clients cannot tell to re-initialize',
    unknownSessionStatus: () => 500,
  },
  'pii-in-logs': {
    summary: "every tool answer is logged in full at warn: customers' email and phone reach the logs",
    logAnswer: logAnswerInFull,
  },
  'pii-plaintext': {
    summary: "customers' email and phone are stored in PLAINTEXT (encryption at rest off)",
    piiCipher: () => plaintextCipher,
  },
  // The two a deploy guard must stop (Fault.deploy of a broken build): one never starts, one is slow.
  'crash-on-start': {
    summary: 'the process exits during start-up: an instance of this build never becomes ready',
    startUp: crashOnStart,
  },
  'expand-breaks-old': {
    summary:
      'a migration filed as expand adds a NOT NULL column without default: the previous build fails every create_ticket once this one has migrated',
    migrations: withBreakingExpand,
    ticketInsertSql: insertTicketWithChannel,
  },
  'slow-queries': {
    summary: `every database statement waits ${SLOW_QUERY_DELAY_MS} ms first: correct answers, a latency regression`,
    query: slowQuery,
  },
};

export function selectDefects(name: DefectName): Defects {
  if (name === 'none') return { name, summary: 'none', ...PRODUCTION };
  return { ...PRODUCTION, ...DEFECTS[name], name };
}
