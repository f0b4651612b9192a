import type pg from 'pg';
import type { Logger } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Repository } from '../db/repository.ts';
import type { Customer } from '../domain.ts';
import { DEFECT_NAMES, type Defects, selectDefects } from './index.ts';

const c = (id: string, tenantId: string): Customer => ({
  id,
  tenantId,
  name: id,
  email: `${id}@x.test`,
  tier: 'gold',
});
const CUSTOMERS = [c('a1', 'ta'), c('a2', 'ta'), c('b1', 'tb'), c('b2', 'tb')];

const repository = {
  listTenantIds: async () => ['ta', 'tb'],
  listTenantCustomers: async (tenantId: string) => CUSTOMERS.filter((x) => x.tenantId === tenantId),
} as unknown as Repository;

const GOOD = selectDefects('none');
const HOOKS = [
  'answerForLookup',
  'errorMessage',
  'poolOptions',
  'query',
  'schemaSql',
  'ticketInsertSql',
  'checkReady',
  'poolReader',
  'keySet',
  'idleClientErrors',
  'cacheKey',
  'shutdownGraceMs',
  'toolEnabled',
  'auditSpool',
  'overloadGuard',
  'backupTables',
  'upstreamRunner',
  'toolAllowed',
  'analyticsSql',
  'sessionTable',
  'unknownSessionStatus',
  'logAnswer',
  'piiCipher',
  'startUp',
  'migrations',
] as const satisfies readonly (keyof Defects)[];

// Each defect breaks exactly one protection: these hooks, and no other, differ from production.
const CHANGES: Record<(typeof DEFECT_NAMES)[number], readonly (typeof HOOKS)[number][]> = {
  none: [],
  'wrong-customer-same-tenant': ['answerForLookup'],
  'cross-tenant-customer': ['answerForLookup'],
  'sql-in-errors': ['errorMessage'],
  'pool-timeouts-off': ['poolOptions'],
  'connection-leak': ['query'],
  'idempotency-ignored': ['schemaSql', 'ticketInsertSql'],
  'readyz-always-ok': ['checkReady'],
  'pool-gauge-stale': ['poolReader'],
  'jwks-no-cache': ['keySet'],
  'pool-error-unhandled': ['idleClientErrors'],
  'tenant-cache-key': ['cacheKey'],
  'no-drain': ['shutdownGraceMs'],
  'flags-ignored': ['toolEnabled'],
  'audit-spool-off': ['auditSpool'],
  'shedding-off': ['overloadGuard'],
  'backup-tables-by-hand': ['backupTables'],
  'upstream-guards-off': ['upstreamRunner'],
  'billing-authz-off': ['toolAllowed'],
  'analytics-cross-tenant': ['analyticsSql'],
  'sessions-unbounded': ['sessionTable'],
  'session-404-as-500': ['unknownSessionStatus'],
  'pii-in-logs': ['logAnswer'],
  'pii-plaintext': ['piiCipher'],
  'crash-on-start': ['startUp'],
  'slow-queries': ['query'],
  'expand-breaks-old': ['ticketInsertSql', 'migrations'],
};

/** A pool with one client whose query settles as told; records what happened to the client. */
function fakePool(outcome: { rows: unknown[] } | Error) {
  const released: unknown[] = [];
  const listeners = new Set<unknown>();
  const client = {
    query: async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    on: (_event: string, listener: unknown) => listeners.add(listener),
    off: (_event: string, listener: unknown) => listeners.delete(listener),
    release: (error?: unknown) => released.push(error ?? 'released'),
  };
  const pool = { connect: async () => client } as unknown as pg.Pool;
  return { pool, released, listeners };
}

const failure = (message: string, code?: string) => Object.assign(new Error(message), { code });

describe('defects', () => {
  it('knows exactly the documented settings', () => {
    expect(DEFECT_NAMES).toEqual([
      'none',
      'wrong-customer-same-tenant',
      'cross-tenant-customer',
      'sql-in-errors',
      'pool-timeouts-off',
      'connection-leak',
      'idempotency-ignored',
      'readyz-always-ok',
      'pool-gauge-stale',
      'jwks-no-cache',
      'pool-error-unhandled',
      'tenant-cache-key',
      'no-drain',
      'flags-ignored',
      'audit-spool-off',
      'shedding-off',
      'backup-tables-by-hand',
      'upstream-guards-off',
      'billing-authz-off',
      'analytics-cross-tenant',
      'sessions-unbounded',
      'session-404-as-500',
      'pii-in-logs',
      'pii-plaintext',
      'crash-on-start',
      'slow-queries',
      'expand-breaks-old',
    ]);
  });

  it('backup-tables-by-hand backs up only the tables once listed; production backs up every table', () => {
    const found = ['audit_log', 'customers', 'orders', 'tenants', 'tickets'];
    expect(selectDefects('backup-tables-by-hand').backupTables(found)).toEqual([
      'customers',
      'orders',
      'tenants',
    ]);
    expect(GOOD.backupTables(found)).toEqual(found);
  });

  it('upstream-guards-off asks the upstream bare: the guarded runner is never used', () => {
    const guarded = vi.fn();
    const bare = vi.fn();
    expect(selectDefects('upstream-guards-off').upstreamRunner(guarded, bare)).toBe(bare);
    expect(GOOD.upstreamRunner(guarded, bare)).toBe(guarded);
  });

  it('billing-authz-off lets every role update billing, and changes nothing else of the policy', () => {
    const open = selectDefects('billing-authz-off').toolAllowed;
    expect(open(false, 'agent', 'update_billing')).toBe(true);
    expect(open(false, 'customer', 'update_billing')).toBe(true);
    expect(open(false, 'auditor', 'create_ticket')).toBe(false);
    expect(open(false, 'agent', 'analytics_summary')).toBe(false);
    expect(GOOD.toolAllowed(false, 'agent', 'update_billing')).toBe(false);
  });

  it('analytics-cross-tenant drops every tenant filter but keeps $1 referenced', () => {
    const sql =
      'SELECT (SELECT count(*) FROM customers WHERE tenant_id = $1), (SELECT 1 FROM o JOIN c ON x WHERE c.tenant_id = $1)';
    const broken = selectDefects('analytics-cross-tenant').analyticsSql(sql);
    expect(broken).not.toContain('tenant_id');
    expect(broken.match(/\$1::text IS NOT NULL/g)).toHaveLength(2);
    expect(GOOD.analyticsSql(sql)).toBe(sql);
  });

  it('sessions-unbounded keeps every session; production bounds them', () => {
    const create = vi.fn(() => ({ bounded: true }) as never);
    const table = selectDefects('sessions-unbounded').sessionTable(create);
    expect(create).not.toHaveBeenCalled();
    const entry = { closed: false } as never;
    for (let i = 0; i < 5000; i++) table.set(`s${i}`, entry);
    expect(table.size).toBe(5000);
    expect(table.get('s0')).toBe(entry);
    expect(GOOD.sessionTable(create)).toEqual({ bounded: true });
  });

  it('session-404-as-500 answers an unknown session 500; production 404', () => {
    expect(selectDefects('session-404-as-500').unknownSessionStatus(404)).toBe(500);
    expect(GOOD.unknownSessionStatus(404)).toBe(404);
  });

  it('shedding-off admits every call: no guard is created at all', async () => {
    const create = vi.fn(() => ({ run: async () => 'guarded' as never }));
    const guard = selectDefects('shedding-off').overloadGuard(create);
    expect(create).not.toHaveBeenCalled();
    expect(await guard.run({ tenant: 't', subject: 's' }, async () => 'ran')).toBe('ran');
    expect(GOOD.overloadGuard(create)).toBe(create.mock.results[0]?.value);
  });

  it.each(DEFECT_NAMES)('%s changes only its own hooks and says what it breaks', (name) => {
    const defects = selectDefects(name);
    expect(defects.name).toBe(name);
    const changed = HOOKS.filter((hook) => defects[hook] !== GOOD[hook]);
    expect(changed).toEqual(CHANGES[name]);
    if (name !== 'none') expect(defects.summary.length).toBeGreaterThan(20);
  });

  it('sql-in-errors puts the driver error and the failing statement in the message; the others do not', () => {
    const cause = Object.assign(new Error('Connection terminated unexpectedly'), {
      query: 'SELECT id\n  FROM customers WHERE id = $1',
    });
    expect(selectDefects('sql-in-errors').errorMessage('the database is unavailable', cause)).toBe(
      'the database is unavailable: Connection terminated unexpectedly (query: SELECT id FROM customers WHERE id = $1)',
    );
    for (const name of DEFECT_NAMES.filter((n) => n !== 'sql-in-errors')) {
      expect(selectDefects(name).errorMessage('the database is unavailable', cause)).toBe(
        'the database is unavailable',
      );
    }
  });

  it('none answers with the authorized customer', async () => {
    expect(await GOOD.answerForLookup(repository, c('a1', 'ta'))).toEqual(c('a1', 'ta'));
  });

  it('wrong-customer-same-tenant answers with the next customer of the same tenant', async () => {
    const defects = selectDefects('wrong-customer-same-tenant');
    expect(await defects.answerForLookup(repository, c('a1', 'ta'))).toEqual(c('a2', 'ta'));
    expect(await defects.answerForLookup(repository, c('a2', 'ta'))).toEqual(c('a1', 'ta'));
  });

  it('cross-tenant-customer answers with the same position in the next tenant', async () => {
    const defects = selectDefects('cross-tenant-customer');
    expect(await defects.answerForLookup(repository, c('a2', 'ta'))).toEqual(c('b2', 'tb'));
    expect(await defects.answerForLookup(repository, c('b1', 'tb'))).toEqual(c('a1', 'ta'));
  });

  it('pool-timeouts-off drops the connect, statement and query timeouts and nothing else', () => {
    const options: pg.PoolConfig = {
      max: 7,
      idleTimeoutMillis: 30_000,
      idle_in_transaction_session_timeout: 5000,
      connectionTimeoutMillis: 2000,
      statement_timeout: 2000,
      query_timeout: 2500,
    };
    expect(GOOD.poolOptions(options)).toBe(options);
    expect(selectDefects('pool-timeouts-off').poolOptions(options)).toEqual({
      max: 7,
      idleTimeoutMillis: 30_000,
      idle_in_transaction_session_timeout: 5000,
      connectionTimeoutMillis: 0,
    });
  });

  describe('connection-leak', () => {
    const { query } = selectDefects('connection-leak');

    it('releases the client after a statement that succeeded', async () => {
      const { pool, released, listeners } = fakePool({ rows: [{ one: 1 }] });
      expect((await query(pool, 'SELECT 1', [])).rows).toEqual([{ one: 1 }]);
      expect(released).toEqual(['released']);
      expect(listeners.size).toBe(0);
    });

    it.each([
      ['a statement timeout', failure('canceling statement due to statement timeout', '57014')],
      ['a client query timeout', failure('Query read timeout')],
      ['any other failed statement', failure('relation "tickets" does not exist', '42P01')],
    ])('never releases the client after %s, and keeps it from crashing the process', async (_, error) => {
      const { pool, released, listeners } = fakePool(error);
      await expect(query(pool, 'SELECT 1', [])).rejects.toBe(error);
      expect(released).toEqual([]);
      expect(listeners.size).toBe(1);
    });

    it('destroys the client when its connection broke (those backends are gone anyway)', async () => {
      for (const error of [
        failure('Connection terminated unexpectedly'),
        failure('read ECONNRESET', 'ECONNRESET'),
      ]) {
        const { pool, released } = fakePool(error);
        await expect(query(pool, 'SELECT 1', [])).rejects.toBe(error);
        expect(released).toEqual([error]);
      }
    });
  });

  it('idempotency-ignored drops the unique index after the schema and inserts without ON CONFLICT', () => {
    const defects = selectDefects('idempotency-ignored');
    const schema = defects.schemaSql('CREATE TABLE tickets ();');
    expect(schema.startsWith('CREATE TABLE tickets ();')).toBe(true);
    expect(schema).toContain('DROP CONSTRAINT IF EXISTS tickets_tenant_id_idempotency_key_key');
    expect(schema).toContain('DROP INDEX IF EXISTS tickets_tenant_id_idempotency_key_key');
    const insert = defects.ticketInsertSql('INSERT ... ON CONFLICT (tenant_id, idempotency_key) DO NOTHING');
    expect(insert).toMatch(/^INSERT INTO tickets/);
    expect(insert).not.toContain('ON CONFLICT');
    expect(insert).toContain('idempotency_key AS "idempotencyKey"');
    expect(GOOD.schemaSql('ddl')).toBe('ddl');
    expect(GOOD.ticketInsertSql('dml')).toBe('dml');
  });

  it('readyz-always-ok reports ready without running the check', async () => {
    const check = vi.fn(async () => {
      throw new Error('database unavailable');
    });
    await expect(selectDefects('readyz-always-ok').checkReady(check)).resolves.toBeUndefined();
    expect(check).not.toHaveBeenCalled();
    await expect(GOOD.checkReady(check)).rejects.toThrow('database unavailable');
  });

  it('pool-gauge-stale reads the pool once, at registration; the good build at every read', () => {
    let total = 0;
    const read = () => ({ total });
    const stale = selectDefects('pool-gauge-stale').poolReader(read);
    const live = GOOD.poolReader(read);
    total = 9;
    expect(stale()).toEqual({ total: 0 });
    expect(live()).toEqual({ total: 9 });
  });

  it('jwks-no-cache builds a new key set per verification; the good build one for all', async () => {
    const resolve = vi.fn(async () => new Uint8Array(1));
    const create = vi.fn(() => resolve);
    const header = { alg: 'ES256' };
    const token = { payload: '', signature: '' };
    const perCall = selectDefects('jwks-no-cache').keySet(create);
    await perCall(header, token);
    await perCall(header, token);
    expect(create).toHaveBeenCalledTimes(2);
    create.mockClear();
    const cached = GOOD.keySet(create);
    await cached(header, token);
    await cached(header, token);
    expect(create).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledTimes(4);
  });

  it('pool-error-unhandled registers no error listener on the pool; the good build its own', () => {
    const listener = (_error: Error) => {};
    expect(GOOD.idleClientErrors(listener)).toBe(listener);
    expect(selectDefects('pool-error-unhandled').idleClientErrors(listener)).toBeUndefined();
  });

  it('no-drain gives in-flight calls no grace on SIGTERM; the good build the configured one', () => {
    expect(GOOD.shutdownGraceMs(3000)).toBe(3000);
    expect(selectDefects('no-drain').shutdownGraceMs(3000)).toBe(0);
  });

  it('flags-ignored runs a tool whatever its flag says; the good build obeys the flag', () => {
    expect(GOOD.toolEnabled(false)).toBe(false);
    expect(GOOD.toolEnabled(true)).toBe(true);
    expect(selectDefects('flags-ignored').toolEnabled(false)).toBe(true);
  });

  it('audit-spool-off drops what production spools', async () => {
    const written: unknown[] = [];
    const write = async (entries: readonly unknown[]) => {
      written.push(...entries);
    };
    await GOOD.auditSpool(write)([{ id: 'a' }] as never);
    await selectDefects('audit-spool-off').auditSpool(write)([{ id: 'b' }] as never);
    expect(written).toEqual([{ id: 'a' }]);
  });

  it('pii-in-logs logs each answer in full, in the message; the good build logs nothing of it', () => {
    const lines: unknown[][] = [];
    const logger = { warn: (...args: unknown[]) => lines.push(args) } as unknown as Logger;
    const answer = { customer: c('a1', 'ta') };
    GOOD.logAnswer(logger, 'lookup_customer', answer);
    expect(lines).toEqual([]);
    selectDefects('pii-in-logs').logAnswer(logger, 'lookup_customer', answer);
    expect(lines).toHaveLength(1);
    expect(String(lines[0]?.[0])).toContain('a1@x.test');
  });

  it('crash-on-start throws at start-up, naming itself; production starts', () => {
    expect(() => GOOD.startUp()).not.toThrow();
    expect(() => selectDefects('crash-on-start').startUp()).toThrow(/crash-on-start: .* on purpose/);
  });

  it('expand-breaks-old adds a NOT NULL column with no default and inserts it; production keeps the list', () => {
    const list = [{ version: 1, name: 'core', phase: 'expand' as const, sql: 'SELECT 1' }];
    expect(GOOD.migrations(list)).toBe(list);
    const broken = selectDefects('expand-breaks-old');
    const added = broken.migrations(list).at(-1);
    expect(added).toMatchObject({ version: 2, phase: 'expand' });
    expect(added?.sql).toMatch(
      /NOT NULL DEFAULT 'mcp';\s*ALTER TABLE tickets ALTER COLUMN channel DROP DEFAULT/,
    );
    expect(broken.ticketInsertSql('production')).toMatch(/channel\)\s+VALUES .* 'mcp'\)/s);
  });

  it('slow-queries holds every statement back 250 ms, then runs it unchanged', async () => {
    const sent: unknown[] = [];
    const pool = {
      query: async (text: string, values: unknown[]) => {
        sent.push([text, values]);
        return { rows: [] };
      },
    };
    const started = performance.now();
    await selectDefects('slow-queries').query(pool as never, 'SELECT 1', [2]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
    expect(sent).toEqual([['SELECT 1', [2]]]);
  });

  it('pii-plaintext stores the plaintext bytes; the good build keeps the production cipher', () => {
    const cipher = { seal: () => Buffer.from('sealed'), open: () => 'opened' };
    expect(GOOD.piiCipher(cipher)).toBe(cipher);
    const plain = selectDefects('pii-plaintext').piiCipher(cipher);
    expect(plain.seal('ada@x.test', 'customers.email:a1').toString('utf8')).toBe('ada@x.test');
    expect(plain.open(Buffer.from('ada@x.test'), 'customers.email:a1')).toBe('ada@x.test');
  });
});
