import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const REQUIRED = {
  DATABASE_URL: 'postgres://app:secret@127.0.0.1:5432/app',
  JWKS_URL: 'http://127.0.0.1:9000/jwks',
  ADMIN_TOKEN: 'admin-token',
  SHIPPING_URL: 'http://127.0.0.1:9100/',
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

const errorOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(REQUIRED);
    expect(config).toMatchObject({
      mcpHost: '127.0.0.1',
      mcpPort: 3000,
      adminPort: 3001,
      buildId: 'reference-dev',
      logLevel: 'info',
      defect: 'none',
      jwt: { issuer: 'mcp-chaos-identity', audience: 'mcp-reference-server' },
      pool: {
        max: 10,
        connectTimeoutMs: 2000,
        statementTimeoutMs: 2000,
        queryTimeoutMs: 2500,
        idleTimeoutMs: 30_000,
      },
    });
  });

  it('gives each instance its own state directory by default, keyed by its MCP port', () => {
    const a = loadConfig({ ...REQUIRED, MCP_PORT: '4100' }).audit.spoolPath;
    const b = loadConfig({ ...REQUIRED, MCP_PORT: '4200' }).audit.spoolPath;
    expect(a).toMatch(/mcp-reference-server-4100[/\\]audit-spool\.jsonl$/);
    expect(b).not.toBe(a);
    expect(loadConfig({ ...REQUIRED, STATE_DIR: '/var/lib/x' }).audit.spoolPath).toBe(
      '/var/lib/x/audit-spool.jsonl',
    );
  });

  it('names every missing required variable', () => {
    const message = errorOf({});
    for (const name of ['DATABASE_URL', 'JWKS_URL', 'ADMIN_TOKEN', 'SHIPPING_URL', 'PII_ENCRYPTION_KEY'])
      expect(message).toContain(`${name} is required`);
  });

  it('names the variable and the allowed values on a bad enum', () => {
    expect(errorOf({ ...REQUIRED, DEFECT: 'oops' })).toContain(
      'DEFECT="oops" is not allowed; allowed: none | wrong-customer-same-tenant | cross-tenant-customer',
    );
    expect(errorOf({ ...REQUIRED, LOG_LEVEL: 'loud' })).toContain('allowed: fatal | error');
  });

  it('names the range on a bad number', () => {
    expect(errorOf({ ...REQUIRED, MCP_PORT: 'abc' })).toContain(
      'MCP_PORT: must be an integer from 0 to 65535',
    );
    expect(errorOf({ ...REQUIRED, PG_POOL_MAX: '0' })).toContain(
      'PG_POOL_MAX: must be an integer from 1 to 1000',
    );
  });

  it('never echoes a secret back', () => {
    expect(errorOf({ ...REQUIRED, DATABASE_URL: 'mysql://u:hunter2@h/db' })).not.toContain('hunter2');
  });

  it('reads the PII key, version 1 unless told, with retired keys for reading only', () => {
    const pii = loadConfig(REQUIRED).pii;
    expect(pii.current).toBe(1);
    expect([...pii.keys.keys()]).toEqual([1]);
    expect(pii.keys.get(1)).toEqual(Buffer.alloc(32, 7));
    const old = Buffer.alloc(32, 1).toString('base64');
    const rotated = loadConfig({
      ...REQUIRED,
      PII_ENCRYPTION_KEY_VERSION: '2',
      PII_PREVIOUS_KEYS: `1:${old}`,
    }).pii;
    expect(rotated.current).toBe(2);
    expect(rotated.keys.get(1)).toEqual(Buffer.alloc(32, 1));
    expect(rotated.keys.get(2)).toEqual(Buffer.alloc(32, 7));
  });

  it('refuses a PII key that is not 32 bytes of base64, naming the variable but not the value', () => {
    const short = Buffer.alloc(16, 9).toString('base64');
    const message = errorOf({ ...REQUIRED, PII_ENCRYPTION_KEY: short });
    expect(message).toContain('PII_ENCRYPTION_KEY: must be 32 bytes in base64');
    expect(message).not.toContain(short);
    expect(errorOf({ ...REQUIRED, PII_ENCRYPTION_KEY: 'not base64 at all!' })).toContain(
      'PII_ENCRYPTION_KEY: must be 32 bytes in base64',
    );
    expect(errorOf({ ...REQUIRED, PII_ENCRYPTION_KEY_VERSION: '0' })).toContain(
      'PII_ENCRYPTION_KEY_VERSION: must be an integer from 1 to 255',
    );
    expect(errorOf({ ...REQUIRED, PII_PREVIOUS_KEYS: `x:${REQUIRED.PII_ENCRYPTION_KEY}` })).toContain(
      'PII_PREVIOUS_KEYS: must be an integer from 1 to 255',
    );
    expect(errorOf({ ...REQUIRED, PII_PREVIOUS_KEYS: `1:${REQUIRED.PII_ENCRYPTION_KEY}` })).toContain(
      'PII_PREVIOUS_KEYS: must not repeat PII_ENCRYPTION_KEY_VERSION',
    );
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ ...REQUIRED, MCP_PORT: '', PG_POOL_TIMEOUTS: '' });
    expect(config.mcpPort).toBe(3000);
  });

  it('refuses the removed PG_POOL_TIMEOUTS rather than ignore a negative control', () => {
    expect(errorOf({ ...REQUIRED, PG_POOL_TIMEOUTS: 'off' })).toContain('use DEFECT=pool-timeouts-off');
    expect(loadConfig({ ...REQUIRED, DEFECT: 'pool-timeouts-off' }).defect).toBe('pool-timeouts-off');
  });

  it('reads the cache settings, with a short fresh TTL and a long stale window by default', () => {
    expect(loadConfig(REQUIRED).cache).toEqual({ ttlMs: 1000, staleMs: 300_000, maxEntries: 10_000 });
    expect(
      loadConfig({ ...REQUIRED, CACHE_TTL_MS: '0', CACHE_STALE_MS: '0', CACHE_MAX_ENTRIES: '5' }).cache,
    ).toEqual({ ttlMs: 0, staleMs: 0, maxEntries: 5 });
  });

  it('names a bad cache setting', () => {
    expect(errorOf({ ...REQUIRED, CACHE_MAX_ENTRIES: '0' })).toContain(
      'CACHE_MAX_ENTRIES: must be an integer from 1 to 1000000',
    );
    expect(errorOf({ ...REQUIRED, CACHE_TTL_MS: '-1' })).toContain('CACHE_TTL_MS: must be an integer from 0');
    expect(errorOf({ ...REQUIRED, CACHE_STALE_MS: 'soon' })).toContain('CACHE_STALE_MS: must be an integer');
  });

  it('refuses a stale window shorter than the fresh TTL', () => {
    expect(errorOf({ ...REQUIRED, CACHE_TTL_MS: '5000', CACHE_STALE_MS: '1000' })).toContain(
      'CACHE_STALE_MS: must be at least CACHE_TTL_MS',
    );
  });

  it('reads DISABLED_TOOLS as a list of tool names and names the variable on an unknown one', () => {
    expect(loadConfig(REQUIRED).disabledTools).toEqual([]);
    expect(loadConfig({ ...REQUIRED, DISABLED_TOOLS: 'create_ticket, list_orders' }).disabledTools).toEqual([
      'create_ticket',
      'list_orders',
    ]);
    expect(errorOf({ ...REQUIRED, DISABLED_TOOLS: 'create_ticket,drop_tables' })).toContain(
      'DISABLED_TOOLS="create_ticket,drop_tables" is not allowed; allowed: lookup_customer | list_orders | create_ticket',
    );
  });

  it('reads SHUTDOWN_GRACE_MS (default 3000) and names it when out of range', () => {
    expect(loadConfig(REQUIRED).shutdownGraceMs).toBe(3000);
    expect(loadConfig({ ...REQUIRED, SHUTDOWN_GRACE_MS: '0' }).shutdownGraceMs).toBe(0);
    expect(errorOf({ ...REQUIRED, SHUTDOWN_GRACE_MS: '-1' })).toContain(
      'SHUTDOWN_GRACE_MS: must be an integer from 0 to 600000',
    );
  });

  it('limits overload by default: four times the pool in flight, 20 calls/s per caller, bursts of 40', () => {
    expect(loadConfig(REQUIRED).overload).toEqual({
      maxConcurrentCalls: 40,
      maxConcurrentPerPrincipal: 20,
      rate: { perSecond: 20, burst: 40, maxPrincipals: 10_000 },
      busyRetryAfterMs: 500,
    });
    expect(loadConfig({ ...REQUIRED, PG_POOL_MAX: '4' }).overload).toMatchObject({
      maxConcurrentCalls: 16,
      maxConcurrentPerPrincipal: 8,
    });
    expect(loadConfig({ ...REQUIRED, MAX_CONCURRENT_CALLS: '1' }).overload.maxConcurrentPerPrincipal).toBe(1);
    const set = loadConfig({
      ...REQUIRED,
      MAX_CONCURRENT_CALLS: '7',
      MAX_CONCURRENT_CALLS_PER_CALLER: '3',
      RATE_LIMIT_PER_SECOND: '5',
      RATE_LIMIT_BURST: '9',
      RATE_LIMIT_PRINCIPALS: '3',
      BUSY_RETRY_AFTER_MS: '250',
    });
    expect(set.overload).toEqual({
      maxConcurrentCalls: 7,
      maxConcurrentPerPrincipal: 3,
      rate: { perSecond: 5, burst: 9, maxPrincipals: 3 },
      busyRetryAfterMs: 250,
    });
  });

  it('names a bad overload setting', () => {
    expect(errorOf({ ...REQUIRED, MAX_CONCURRENT_CALLS: '0' })).toContain(
      'MAX_CONCURRENT_CALLS: must be an integer from 1 to 100000',
    );
    expect(errorOf({ ...REQUIRED, RATE_LIMIT_PER_SECOND: 'fast' })).toContain(
      'RATE_LIMIT_PER_SECOND: must be',
    );
    expect(errorOf({ ...REQUIRED, RATE_LIMIT_BURST: '-1' })).toContain('RATE_LIMIT_BURST: must be');
    expect(errorOf({ ...REQUIRED, BUSY_RETRY_AFTER_MS: '1.5' })).toContain('BUSY_RETRY_AFTER_MS: must be');
  });

  it('is stateless over HTTP by default; stateful mode with its bounds is chosen by config', () => {
    expect(loadConfig(REQUIRED)).toMatchObject({
      transport: 'http',
      sessions: { mode: 'stateless', max: 1000, idleMs: 600_000 },
    });
    expect(
      loadConfig({
        ...REQUIRED,
        MCP_SESSION_MODE: 'stateful',
        MCP_SESSION_MAX: '50',
        MCP_SESSION_IDLE_MS: '2000',
      }).sessions,
    ).toEqual({ mode: 'stateful', max: 50, idleMs: 2000 });
    expect(errorOf({ ...REQUIRED, MCP_SESSION_MODE: 'sticky' })).toContain(
      'MCP_SESSION_MODE="sticky" is not allowed; allowed: stateless | stateful',
    );
    expect(errorOf({ ...REQUIRED, MCP_SESSION_MAX: '0' })).toContain('MCP_SESSION_MAX: must be an integer');
  });

  it('stdio needs STDIO_PRINCIPAL, and neither JWKS_URL nor ADMIN_TOKEN', () => {
    const stdio = {
      DATABASE_URL: REQUIRED.DATABASE_URL,
      SHIPPING_URL: REQUIRED.SHIPPING_URL,
      PII_ENCRYPTION_KEY: REQUIRED.PII_ENCRYPTION_KEY,
      MCP_TRANSPORT: 'stdio',
    };
    expect(errorOf(stdio)).toContain('STDIO_PRINCIPAL is required with MCP_TRANSPORT=stdio');
    expect(loadConfig({ ...stdio, STDIO_PRINCIPAL: 't1/agent/a1' }).stdioPrincipal).toEqual({
      tenant: 't1',
      role: 'agent',
      subject: 'a1',
    });
    expect(loadConfig({ ...stdio, STDIO_PRINCIPAL: 't1/customer/u1/c-7' }).stdioPrincipal).toEqual({
      tenant: 't1',
      role: 'customer',
      subject: 'u1',
      customer: 'c-7',
    });
    for (const bad of ['t1/admin/a1', 't1/customer/u1', 't1/agent']) {
      expect(errorOf({ ...stdio, STDIO_PRINCIPAL: bad })).toContain(
        'STDIO_PRINCIPAL: must be tenant/role/subject',
      );
    }
  });
});
