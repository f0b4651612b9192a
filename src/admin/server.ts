import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type pg from 'pg';
import type { Logger } from 'pino';
import { listAudit } from '../audit/store.ts';
import { DatasetSchema, listBillingUpdates, listTickets, loadDataset } from '../db/dataset.ts';
import type { SchemaState } from '../db/schema.ts';
import type { Defects } from '../defects/index.ts';
import { classifyError } from '../errors.ts';
import { ToolFlags } from '../flags/index.ts';
import { withinMs } from '../lifecycle.ts';
import type { Metrics } from '../metrics.ts';
import type { PiiCipher } from '../pii/cipher.ts';
import { BodyTooLargeError, hasAdminToken, readBody, sendJson } from './http-util.ts';

export interface AdminDeps {
  readonly pool: pg.Pool;
  readonly schema: SchemaState;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly buildId: string;
  readonly version: string;
  readonly defects: Pick<Defects, 'name' | 'checkReady'>;
  readonly adminToken: string;
  /** Seals customers' contact details as POST /dataset loads them. */
  readonly pii: PiiCipher;
  /** The tools' runtime switches, behind /flags (absent: no /flags endpoint). */
  readonly flags?: ToolFlags;
  /** Set once a shutdown has begun: /readyz then says not ready, so no new traffic is sent here. */
  readonly lifecycle?: { readonly draining: boolean };
  /** The audit is settled (group commit done, spool flushed) before it is listed, so the snapshot is complete. */
  readonly audit?: { settle(timeoutMs: number): Promise<boolean> };
}

const READY_BUDGET_MS = 1000;
const AUDIT_SETTLE_MS = 5000;
const MAX_DATASET_BYTES = 64 * 1024 * 1024;

async function readyz(deps: AdminDeps, res: ServerResponse): Promise<void> {
  if (deps.lifecycle?.draining) {
    sendJson(res, 503, { status: 'not-ready', reason: 'shutting down' });
    return;
  }
  try {
    await deps.defects.checkReady(async () => {
      if (!deps.schema.ready) throw new Error('schema not created yet');
      await withinMs(deps.pool.query('SELECT 1'), READY_BUDGET_MS);
    });
    sendJson(res, 200, { status: 'ready' });
  } catch {
    sendJson(res, 503, { status: 'not-ready', reason: 'database unavailable' });
  }
}

async function postDataset(deps: AdminDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await readBody(req, MAX_DATASET_BYTES));
  } catch (error) {
    const message = error instanceof BodyTooLargeError ? error.message : 'body is not valid JSON';
    sendJson(res, error instanceof BodyTooLargeError ? 413 : 400, {
      error: { code: 'INVALID_ARGUMENT', message },
    });
    return;
  }
  const parsed = DatasetSchema.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues
      .slice(0, 20)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    sendJson(res, 400, { error: { code: 'INVALID_ARGUMENT', message: `invalid dataset: ${message}` } });
    return;
  }
  const dataset = parsed.data;
  // Before the schema exists the load would fail with "relation does not exist" (INTERNAL); the
  // truth is that the database is not ready yet, and the caller should retry.
  if (!deps.schema.ready) {
    res.setHeader('retry-after', '1');
    sendJson(res, 503, {
      error: { code: 'DEPENDENCY_UNAVAILABLE', message: 'the schema is not created yet; retry in a second' },
    });
    return;
  }
  try {
    await loadDataset(deps.pool, dataset, deps.pii);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Class 23 is an integrity violation (duplicate id and the like): the dataset's fault.
    if (typeof code === 'string' && code.startsWith('23')) {
      sendJson(res, 400, {
        error: { code: 'INVALID_ARGUMENT', message: 'dataset violates a constraint (duplicate id?)' },
      });
      return;
    }
    throw error;
  }
  const loaded = {
    tenants: dataset.tenants.length,
    customers: dataset.customers.length,
    orders: dataset.orders.length,
  };
  deps.logger.info({ loaded }, 'dataset loaded');
  sendJson(res, 200, { loaded });
}

const MAX_FLAG_BYTES = 4096;
const FLAG_PREFIX = '/flags/';

/** GET /flags: every tool's switch; PUT /flags/<tool> `{"enabled": false}`: flips one. */
async function flagsRoute(
  deps: AdminDeps,
  flags: ToolFlags,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  if (path === '/flags') {
    if (req.method !== 'GET') {
      return sendJson(res, 405, {
        error: { code: 'INVALID_ARGUMENT', message: 'method not allowed: GET /flags' },
      });
    }
    return sendJson(res, 200, { flags: flags.snapshot() });
  }
  let tool = path.slice(FLAG_PREFIX.length);
  try {
    tool = decodeURIComponent(tool);
  } catch {
    // A malformed escape is just a name no tool has.
  }
  if (!ToolFlags.isTool(tool)) {
    const known = Object.keys(flags.snapshot()).join(', ');
    return sendJson(res, 404, {
      error: {
        code: 'NOT_FOUND',
        message: `no tool named ${JSON.stringify(tool.slice(0, 100))}; tools: ${known}`,
      },
    });
  }
  if (req.method === 'GET') return sendJson(res, 200, { tool, ...flags.snapshot()[tool] });
  if (req.method !== 'PUT') {
    return sendJson(res, 405, {
      error: { code: 'INVALID_ARGUMENT', message: 'method not allowed: GET or PUT /flags/<tool>' },
    });
  }
  let enabled: unknown;
  try {
    enabled = (JSON.parse(await readBody(req, MAX_FLAG_BYTES)) as { enabled?: unknown } | null)?.enabled;
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return sendJson(res, 413, { error: { code: 'INVALID_ARGUMENT', message: error.message } });
    }
    enabled = undefined;
  }
  if (typeof enabled !== 'boolean') {
    return sendJson(res, 400, {
      error: { code: 'INVALID_ARGUMENT', message: 'body must be {"enabled": true|false}' },
    });
  }
  const state = flags.set(tool, enabled);
  deps.logger.warn(
    { tool, enabled },
    enabled ? 'tool enabled by the operator' : 'tool disabled by the operator',
  );
  return sendJson(res, 200, { tool, ...state });
}

async function route(deps: AdminDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/healthz')
    return sendJson(res, 200, { status: 'ok', buildId: deps.buildId });
  if (method === 'GET' && path === '/readyz') return readyz(deps, res);
  if (method === 'GET' && path === '/version') {
    return sendJson(res, 200, {
      buildId: deps.buildId,
      version: deps.version,
      node: process.version,
      defect: deps.defects.name,
    });
  }
  if (method === 'GET' && path === '/metrics') {
    const body = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
    res.end(body);
    return;
  }
  if (
    path === '/dataset' ||
    path === '/dataset/tickets' ||
    path === '/dataset/billing' ||
    path === '/dataset/audit'
  ) {
    if (!hasAdminToken(req, deps.adminToken)) {
      return sendJson(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'admin token required' } });
    }
    if (method === 'POST' && path === '/dataset') return postDataset(deps, req, res);
    if (method === 'GET' && path === '/dataset/tickets')
      return sendJson(res, 200, { tickets: await listTickets(deps.pool) });
    if (method === 'GET' && path === '/dataset/billing')
      return sendJson(res, 200, { updates: await listBillingUpdates(deps.pool) });
    if (method === 'GET' && path === '/dataset/audit') {
      // A snapshot missing entries still on their way (spooled, or in a group commit) would blame
      // the server for them: say "not now" instead, and the harness reports it inconclusive.
      if (deps.audit && !(await deps.audit.settle(AUDIT_SETTLE_MS))) {
        res.setHeader('retry-after', '1');
        return sendJson(res, 503, {
          error: {
            code: 'DEPENDENCY_UNAVAILABLE',
            message: 'audit entries are still spooled; retry once the database is back',
          },
        });
      }
      return sendJson(res, 200, { audit: await listAudit(deps.pool) });
    }
    return sendJson(res, 405, { error: { code: 'INVALID_ARGUMENT', message: 'method not allowed' } });
  }
  if (deps.flags && (path === '/flags' || path?.startsWith(FLAG_PREFIX))) {
    if (!hasAdminToken(req, deps.adminToken)) {
      return sendJson(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'admin token required' } });
    }
    return flagsRoute(deps, deps.flags, req, res, path ?? '');
  }
  sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'no such admin endpoint' } });
}

/**
 * The admin port: probes, metrics, dataset loading and the end-of-run snapshots (tickets, audit),
 * outside any rate limit and MCP auth.
 */
export function createAdminServer(deps: AdminDeps): Server {
  return createServer((req, res) => {
    res.setHeader('x-build-id', deps.buildId);
    route(deps, req, res).catch((error: unknown) => {
      const mapped = classifyError(error);
      deps.logger.error(
        { path: req.url, reason: error instanceof Error ? error.message : String(error) },
        'admin request failed',
      );
      sendJson(res, mapped.code === 'INTERNAL' ? 500 : 503, {
        error: { code: mapped.code, message: mapped.message },
      });
    });
  });
}
