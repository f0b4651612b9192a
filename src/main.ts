import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAdminServer } from './admin/server.ts';
import { AuditLog } from './audit/log.ts';
import { AuditSpool } from './audit/spool.ts';
import { PgAuditStore } from './audit/store.ts';
import { createTokenVerifier } from './auth/jwt.ts';
import { type CachedReadsDeps, ReadCache } from './cache/index.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createPool } from './db/pool.ts';
import { PgRepository } from './db/repository.ts';
import { ensureSchemaWithRetry, MIGRATIONS, REPAIR_SQL, type SchemaState } from './db/schema.ts';
import { selectDefects } from './defects/index.ts';
import { registerFlagGauge, ToolFlags } from './flags/index.ts';
import { listen, shutdownGracefully } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { createMcpHttpServer } from './mcp/http.ts';
import { boundedSessionTable, registerSessionMetrics, type SessionTable } from './mcp/sessions.ts';
import { serveStdio } from './mcp/stdio.ts';
import { createMetrics } from './metrics.ts';
import { createOverloadGuard } from './overload/index.ts';
import { AesGcmPiiCipher } from './pii/cipher.ts';
import { registerUpstreamMetrics, ShippingClient } from './upstream/index.ts';

// After the drain: the audit flush and the pool close together stay within ~1.5 s, so the
// whole shutdown (SHUTDOWN_GRACE_MS, default 3 s, + these) ends before a supervisor's SIGKILL.
const AUDIT_FLUSH_BUDGET_MS = 500;
const POOL_CLOSE_BUDGET_MS = 1000;

/** Waits for `work` at most `budgetMs`; its failure is logged by whoever started it. */
function withinBudget(work: Promise<unknown>, budgetMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, budgetMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

function packageVersion(): string {
  const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

/** A call that arrives once the drain has begun: refused, so that the drain can end. */
function refuseWhileStopping(_req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) return;
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end(
    JSON.stringify({
      jsonrpc: '2.0',
      error: { code: -32003, message: 'SHUTTING_DOWN: this server is shutting down; retry in a few seconds' },
      id: null,
    }),
  );
}

function readConfig(): Config {
  try {
    // `--stdio` is MCP_TRANSPORT=stdio for clients that configure servers by command line.
    const stdio = process.argv.includes('--stdio') ? { MCP_TRANSPORT: 'stdio' } : {};
    return loadConfig({ ...process.env, ...stdio });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const stdio = process.env.MCP_TRANSPORT === 'stdio' || process.argv.includes('--stdio');
    createLogger('info', process.env.BUILD_ID ?? 'unknown', stdio ? 'stderr' : 'stdout').fatal(error.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(
    config.logLevel,
    config.buildId,
    config.transport === 'stdio' ? 'stderr' : 'stdout',
  );
  const defects = selectDefects(config.defect);
  if (defects.name !== 'none') {
    logger.warn(
      { defect: defects.name, setting: `DEFECT=${defects.name}` },
      `DELIBERATE DEFECT ACTIVE: ${defects.name}: ${defects.summary}; this build is broken on purpose`,
    );
  }

  // Personal data is sealed before it reaches PostgreSQL and opened only in this process.
  defects.startUp();
  const pii = defects.piiCipher(new AesGcmPiiCipher(config.pii.keys, config.pii.current));
  const pool = createPool(config, logger, defects);
  const schema: SchemaState = { ready: false };
  const metrics = createMetrics(pool, defects);
  const stopSchemaRetry = new AbortController();
  const schemaDone = ensureSchemaWithRetry(pool, schema, logger, stopSchemaRetry.signal, {
    migrations: defects.migrations(MIGRATIONS),
    repairSql: defects.schemaSql(REPAIR_SQL),
    appliedBy: config.buildId,
  });

  const readCache: CachedReadsDeps = {
    cache: new ReadCache(config.cache),
    onRead: (query, outcome) => metrics.cacheReads.inc({ query, outcome }),
  };
  let countUpstream: (outcome: Parameters<ReturnType<typeof registerUpstreamMetrics>>[0]) => void = () => {};
  const shipping = new ShippingClient({
    settings: config.upstream,
    chooseRunner: defects.upstreamRunner,
    onOutcome: (outcome) => countUpstream(outcome),
  });
  countUpstream = registerUpstreamMetrics(metrics.registry, 'shipping', () => shipping.breakerState);
  const flags = new ToolFlags(config.disabledTools);
  registerFlagGauge(metrics.registry, flags);
  if (config.disabledTools.length > 0) {
    logger.warn({ tools: config.disabledTools }, 'tools disabled at start (DISABLED_TOOLS)');
  }
  const lifecycle = { draining: false };
  const spool = new AuditSpool(config.audit.spoolPath);
  const audit = new AuditLog({
    store: new PgAuditStore(pool),
    spool,
    logger,
    writeSpool: defects.auditSpool((entries) => spool.append(entries)),
    flushIntervalMs: config.audit.flushIntervalMs,
    databaseRetryMs: config.audit.databaseRetryMs,
    databaseBudgetMs: config.audit.databaseBudgetMs,
    count: (sink, n) => metrics.auditEntries.inc({ sink }, n),
  });
  audit.start();

  const dispatch = {
    buildId: config.buildId,
    logger,
    metrics,
    schema,
    audit,
    context: { repository: new PgRepository(pool, defects, pii), defects, cache: readCache, shipping },
    flags,
    overload: defects.overloadGuard(() =>
      createOverloadGuard(config.overload, { onShed: (reason) => metrics.shed.inc({ reason }) }),
    ),
  };
  if (config.transport === 'stdio' && config.stdioPrincipal) {
    await serveStdio({
      dispatch,
      principal: config.stdioPrincipal,
      graceMs: config.shutdownGraceMs,
      logger,
      stop: async () => {
        stopSchemaRetry.abort();
        await withinBudget(audit.close(), AUDIT_FLUSH_BUDGET_MS);
        await withinBudget(
          schemaDone.then(() => pool.end()),
          POOL_CLOSE_BUDGET_MS,
        );
      },
    });
    return;
  }

  let sessionTable: SessionTable | undefined;
  const sessionEnded = registerSessionMetrics(metrics.registry, () => sessionTable);
  if (config.sessions.mode === 'stateful') {
    sessionTable = defects.sessionTable(() => boundedSessionTable(config.sessions, sessionEnded));
  }
  const mcpServer = createMcpHttpServer({
    dispatch,
    verifyToken: createTokenVerifier(config.jwt, defects),
    logger,
    buildId: config.buildId,
    ...(sessionTable
      ? { sessions: { table: sessionTable, unknownSessionStatus: defects.unknownSessionStatus(404) } }
      : {}),
  });
  const adminServer = createAdminServer({
    pool,
    schema,
    metrics,
    logger,
    buildId: config.buildId,
    version: packageVersion(),
    defects,
    adminToken: config.adminToken,
    pii,
    flags,
    lifecycle,
    audit,
  });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    lifecycle.draining = true;
    const graceMs = defects.shutdownGraceMs(config.shutdownGraceMs);
    logger.info({ signal, graceMs }, 'shutting down: no new calls, draining the ones in flight');
    stopSchemaRetry.abort();
    await shutdownGracefully({
      logger,
      graceMs,
      servers: [
        { name: 'mcp', server: mcpServer, options: { refuse: refuseWhileStopping } },
        { name: 'admin', server: adminServer },
      ],
      after: [
        {
          // The audit log's flush goes here: after the drain (every call that will ever be
          // acknowledged has been), before the pool closes under it.
          name: 'audit flush',
          budgetMs: AUDIT_FLUSH_BUDGET_MS,
          // Every answered call's entry is durable already (database or spool); this moves what
          // is spooled to the database if it can. What is left is flushed by the next start.
          run: () => audit.close(),
        },
        {
          // Bounded: without timeouts (DEFECT=pool-timeouts-off) a hung query would keep the pool open forever.
          name: 'pool close',
          budgetMs: POOL_CLOSE_BUDGET_MS,
          run: () => schemaDone.then(() => pool.end()),
        },
      ],
    });
    logger.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      shutdown(signal).catch((error: unknown) => {
        logger.error({ reason: String(error) }, 'shutdown failed');
        process.exit(1);
      });
    });
  }

  const mcpPort = await listen(mcpServer, config.mcpPort, config.mcpHost);
  const adminPort = await listen(adminServer, config.adminPort, config.mcpHost);
  logger.info(
    {
      host: config.mcpHost,
      mcpPort,
      adminPort,
      defect: defects.name,
      poolMax: config.pool.max,
      sessionMode: config.sessions.mode,
    },
    'mcp-reference-server listening',
  );
}

main().catch((error: unknown) => {
  // Only start-up failures land here (a port in use): the process cannot serve, so it says why and exits.
  createLogger('info', process.env.BUILD_ID ?? 'unknown').fatal(
    { reason: error instanceof Error ? error.message : String(error) },
    'failed to start',
  );
  process.exit(1);
});
