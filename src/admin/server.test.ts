import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type DefectName, selectDefects } from '../defects/index.ts';
import { createMetrics } from '../metrics.ts';
import { createAdminServer } from './server.ts';

const servers: ReturnType<typeof createAdminServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** An admin server over a database that refuses every query. */
async function adminOverDeadDatabase(defect: DefectName): Promise<string> {
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
});
