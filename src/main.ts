import { readFileSync } from 'node:fs';
import { createAdminServer } from './admin/server.ts';
import { createTokenVerifier } from './auth/jwt.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createPool } from './db/pool.ts';
import { PgRepository } from './db/repository.ts';
import { ensureSchemaWithRetry, SCHEMA_SQL, type SchemaState } from './db/schema.ts';
import { selectDefects } from './defects/index.ts';
import { closeGracefully, listen, withinMs } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { createMcpHttpServer } from './mcp/http.ts';
import { createMetrics } from './metrics.ts';
import { createOverloadGuard } from './overload/index.ts';

const SHUTDOWN_GRACE_MS = 5000;
const POOL_CLOSE_BUDGET_MS = 2000;

function packageVersion(): string {
  const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger('info', process.env.BUILD_ID ?? 'unknown').fatal(error.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel, config.buildId);
  const defects = selectDefects(config.defect);
  if (defects.name !== 'none') {
    logger.warn(
      { defect: defects.name, setting: `DEFECT=${defects.name}` },
      `DELIBERATE DEFECT ACTIVE: ${defects.name}: ${defects.summary}; this build is broken on purpose`,
    );
  }

  const pool = createPool(config, logger, defects);
  const schema: SchemaState = { ready: false };
  const metrics = createMetrics(pool, defects);
  const stopSchemaRetry = new AbortController();
  const schemaDone = ensureSchemaWithRetry(
    pool,
    schema,
    logger,
    stopSchemaRetry.signal,
    defects.schemaSql(SCHEMA_SQL),
  );

  const dispatch = {
    buildId: config.buildId,
    logger,
    metrics,
    schema,
    context: { repository: new PgRepository(pool, defects), defects },
    overload: defects.overloadGuard(() =>
      createOverloadGuard(config.overload, { onShed: (reason) => metrics.shed.inc({ reason }) }),
    ),
  };
  const mcpServer = createMcpHttpServer({
    dispatch,
    verifyToken: createTokenVerifier(config.jwt, defects),
    logger,
    buildId: config.buildId,
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
  });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: SHUTDOWN_GRACE_MS }, 'shutting down: draining in-flight requests');
    stopSchemaRetry.abort();
    await Promise.all([
      closeGracefully(mcpServer, SHUTDOWN_GRACE_MS),
      closeGracefully(adminServer, SHUTDOWN_GRACE_MS),
    ]);
    // Bounded: without timeouts (DEFECT=pool-timeouts-off) a hung query would keep the pool open forever.
    await withinMs(
      schemaDone.then(() => pool.end()),
      POOL_CLOSE_BUDGET_MS,
    ).catch((error: unknown) => logger.warn({ reason: String(error) }, 'pool did not close cleanly'));
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
    { host: config.mcpHost, mcpPort, adminPort, defect: defects.name, poolMax: config.pool.max },
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
