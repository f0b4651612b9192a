import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type DefectName, selectDefects } from '../defects/index.ts';
import { ToolFlags } from '../flags/index.ts';
import { createMetrics } from '../metrics.ts';
import { AesGcmPiiCipher } from '../pii/cipher.ts';
import { createAdminServer } from './server.ts';

const servers: ReturnType<typeof createAdminServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** An admin server over a database that refuses every query. */
async function adminOverDeadDatabase(
  defect: DefectName,
  extra: { flags?: ToolFlags; lifecycle?: { draining: boolean }; schema?: { ready: boolean } } = {},
): Promise<string> {
  const pool = {
    totalCount: 0,
    idleCount: 0,
    waitingCount: 0,
    options: { max: 10 },
    query: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    },
  } as unknown as pg.Pool;
  const defects = selectDefects(defect);
  const server = createAdminServer({
    pool,
    schema: { ready: true },
    metrics: createMetrics(pool, defects),
    logger: pino({ level: 'silent' }),
    buildId: 'unit-build',
    version: '0.0.0',
    defects,
    adminToken: 'admin',
    pii: new AesGcmPiiCipher(new Map([[1, Buffer.alloc(32, 1)]]), 1),
    ...extra,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('admin server', () => {
  it('is not ready while the database refuses queries, and says which build it is', async () => {
    const base = await adminOverDeadDatabase('none');
    expect(await get(`${base}/readyz`)).toEqual({
      status: 503,
      body: { status: 'not-ready', reason: 'database unavailable' },
    });
    expect((await get(`${base}/version`)).body).toMatchObject({ buildId: 'unit-build', defect: 'none' });
  });

  it('readyz-always-ok answers ready anyway, and /version names the defect', async () => {
    const base = await adminOverDeadDatabase('readyz-always-ok');
    expect(await get(`${base}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } });
    expect((await get(`${base}/version`)).body).toMatchObject({ defect: 'readyz-always-ok' });
  });

  it('says not ready once a shutdown has begun', async () => {
    const lifecycle = { draining: false };
    const base = await adminOverDeadDatabase('readyz-always-ok', { lifecycle });
    expect((await get(`${base}/readyz`)).status).toBe(200);
    lifecycle.draining = true;
    expect(await get(`${base}/readyz`)).toEqual({
      status: 503,
      body: { status: 'not-ready', reason: 'shutting down' },
    });
  });
});

describe('admin /flags', () => {
  const send = async (url: string, init: RequestInit = {}, token: string | null = 'admin') => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const response = await fetch(url, { ...init, headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('needs the admin token', async () => {
    const base = await adminOverDeadDatabase('none', { flags: new ToolFlags() });
    expect((await send(`${base}/flags`, {}, null)).status).toBe(401);
    expect((await send(`${base}/flags`, {}, 'wrong')).status).toBe(401);
    const put = { method: 'PUT', body: JSON.stringify({ enabled: false }) };
    expect((await send(`${base}/flags/create_ticket`, put, 'wrong')).status).toBe(401);
  });

  it('lists every switch and flips one at run time', async () => {
    const flags = new ToolFlags(['list_orders']);
    const base = await adminOverDeadDatabase('none', { flags });
    expect((await send(`${base}/flags`)).body).toEqual({
      flags: {
        lookup_customer: { enabled: true },
        list_orders: { enabled: false },
        create_ticket: { enabled: true },
        get_order_status: { enabled: true },
        search_knowledge_base: { enabled: true },
        update_billing: { enabled: true },
        analytics_summary: { enabled: true },
      },
    });
    const off = await send(`${base}/flags/create_ticket`, {
      method: 'PUT',
      body: JSON.stringify({ enabled: false }),
    });
    expect(off).toMatchObject({ status: 200, body: { tool: 'create_ticket', enabled: false } });
    expect(flags.isEnabled('create_ticket')).toBe(false);
    expect((await send(`${base}/flags/create_ticket`)).body).toMatchObject({ enabled: false });
    await send(`${base}/flags/create_ticket`, { method: 'PUT', body: JSON.stringify({ enabled: true }) });
    expect(flags.isEnabled('create_ticket')).toBe(true);
  });

  it('names an unknown tool and refuses a bad body', async () => {
    const base = await adminOverDeadDatabase('none', { flags: new ToolFlags() });
    const unknown = await send(`${base}/flags/drop_tables`, {
      method: 'PUT',
      body: JSON.stringify({ enabled: false }),
    });
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('no tool named \\"drop_tables\\"');
    const bad = await send(`${base}/flags/create_ticket`, { method: 'PUT', body: '{"enabled":"no"}' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_ARGUMENT' } } });
    expect((await send(`${base}/flags/%E0%A4%A`)).status).toBe(404);
    expect((await send(`${base}/flags`, { method: 'DELETE' })).status).toBe(405);
  });

  it('answers a dataset load before the schema exists with 503 and retry-after, not INTERNAL', async () => {
    const base = await adminOverDeadDatabase('none', { schema: { ready: false } });
    const response = await fetch(`${base}/dataset`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
      body: JSON.stringify({ tenants: [], customers: [], orders: [] }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'DEPENDENCY_UNAVAILABLE',
    );
  });
});
