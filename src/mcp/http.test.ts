import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, type TokenVerifier } from '../auth/jwt.ts';
import type { DispatchDeps } from './dispatch.ts';
import { createMcpHttpServer } from './http.ts';
import { boundedSessionTable, type SessionEndReason, type SessionTable } from './sessions.ts';

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function start(
  verifyToken: TokenVerifier,
  sessions?: { table: SessionTable; unknownSessionStatus?: number },
): Promise<string> {
  // These paths end before any tool runs, so no dispatch dependencies are needed.
  const dispatch = { buildId: 'b-1' } as DispatchDeps;
  server = createMcpHttpServer({
    dispatch,
    verifyToken,
    logger: pino({ level: 'silent' }),
    buildId: 'b-1',
    ...(sessions ? { sessions } : {}),
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, authorization?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });

describe('MCP HTTP edge', () => {
  it('answers 401 -32001 without a token and with a rejected one', async () => {
    const base = await start(async () => {
      throw new AuthError('unauthenticated', 'invalid token');
    });
    for (const response of [await post(`${base}/mcp`), await post(`${base}/mcp`, 'Bearer x.y.z')]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('x-build-id')).toBe('b-1');
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        error: { code: -32001, message: expect.stringMatching(/^UNAUTHENTICATED: /) },
        id: null,
      });
    }
  });

  it('answers 503 -32002 when the identity provider is unreachable', async () => {
    const base = await start(async () => {
      throw new AuthError('unavailable', 'identity provider unreachable');
    });
    const response = await post(`${base}/mcp`, 'Bearer x.y.z');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32002, message: 'DEPENDENCY_UNAVAILABLE: identity provider unreachable' },
      id: null,
    });
  });

  it('refuses other methods and paths, still with x-build-id', async () => {
    const base = await start(async () => ({ subject: 's', tenant: 't', role: 'agent' }));
    const get = await fetch(`${base}/mcp`);
    expect([get.status, get.headers.get('x-build-id')]).toEqual([405, 'b-1']);
    const other = await post(`${base}/elsewhere`, 'Bearer x');
    expect([other.status, other.headers.get('x-build-id')]).toEqual([404, 'b-1']);
  });
});

/** The token is the subject: each test's verifier turns `Bearer <subject>` into an agent of tenant t. */
const bySubject: TokenVerifier = async (token) => ({ subject: token, tenant: 't', role: 'agent' });

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function rpc(base: string, subject: string, method: string, sessionId?: string) {
  const response = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      ...HEADERS,
      authorization: `Bearer ${subject}`,
      ...(sessionId ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' } : {}),
    },
    body: JSON.stringify(
      method === 'initialize'
        ? {
            jsonrpc: '2.0',
            id: 0,
            method,
            params: {
              protocolVersion: '2025-06-18',
              capabilities: {},
              clientInfo: { name: 't', version: '1' },
            },
          }
        : { jsonrpc: '2.0', id: 1, method },
    ),
  });
  return {
    status: response.status,
    sessionId: response.headers.get('mcp-session-id'),
    body: (await response.json()) as { result: { tools: { name: string }[] } },
  };
}

describe('MCP HTTP edge, stateful mode', () => {
  const ended: SessionEndReason[] = [];
  const table = (max: number, idleMs: number) => {
    ended.length = 0;
    return boundedSessionTable({ max, idleMs }, (reason) => ended.push(reason));
  };

  it('opens a session on initialize and serves it by id; an unknown id is 404 with a JSON-RPC error', async () => {
    const base = await start(bySubject, { table: table(10, 60_000) });
    const init = await rpc(base, 'a', 'initialize');
    expect(init.status).toBe(200);
    expect(init.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const list = await rpc(base, 'a', 'tools/list', init.sessionId ?? '');
    expect(list.status).toBe(200);
    expect(list.body.result.tools.map((t: { name: string }) => t.name)).toContain('lookup_customer');
    const unknown = await rpc(base, 'a', 'tools/list', 'no-such-session');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      jsonrpc: '2.0',
      error: { code: -32001, message: expect.stringMatching(/^SESSION_NOT_FOUND: .*initialize/) },
      id: null,
    });
  });

  it('never serves a session to another principal: 404, as if unknown', async () => {
    const base = await start(bySubject, { table: table(10, 60_000) });
    const init = await rpc(base, 'a', 'initialize');
    const other = await rpc(base, 'b', 'tools/list', init.sessionId ?? '');
    expect(other.status).toBe(404);
    expect((await rpc(base, 'a', 'tools/list', init.sessionId ?? '')).status).toBe(200);
  });

  it('DELETE closes a session (then 404); GET stays 405', async () => {
    const base = await start(bySubject, { table: table(10, 60_000) });
    const init = await rpc(base, 'a', 'initialize');
    const del = await fetch(`${base}/mcp`, {
      method: 'DELETE',
      headers: {
        authorization: 'Bearer a',
        'mcp-session-id': init.sessionId ?? '',
        'mcp-protocol-version': '2025-06-18',
      },
    });
    expect(del.status).toBe(200);
    expect((await rpc(base, 'a', 'tools/list', init.sessionId ?? '')).status).toBe(404);
    expect(ended).toEqual(['closed']);
    expect((await fetch(`${base}/mcp`, { headers: { authorization: 'Bearer a' } })).status).toBe(405);
  });

  it('evicts the least recently used session beyond the cap, and idle ones after the TTL', async () => {
    const base = await start(bySubject, { table: table(2, 300) });
    const first = await rpc(base, 'a', 'initialize');
    const second = await rpc(base, 'a', 'initialize');
    await rpc(base, 'a', 'tools/list', first.sessionId ?? ''); // first is now the most recent
    await rpc(base, 'a', 'initialize');
    expect((await rpc(base, 'a', 'tools/list', second.sessionId ?? '')).status).toBe(404);
    expect((await rpc(base, 'a', 'tools/list', first.sessionId ?? '')).status).toBe(200);
    expect(ended).toEqual(['capacity']);
    await rpc(base, 'a', 'tools/list', first.sessionId ?? ''); // used again, then abandoned
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Evicted on time by the sweep, not only when next asked for.
    expect(ended.filter((r) => r === 'idle')).toHaveLength(2);
    expect((await rpc(base, 'a', 'tools/list', first.sessionId ?? '')).status).toBe(404);
  });

  it('a request without a session id that is not initialize opens nothing', async () => {
    const t = table(10, 60_000);
    const base = await start(bySubject, { table: t });
    expect((await rpc(base, 'a', 'tools/list')).status).toBe(400);
    expect(t.size).toBe(0);
  });

  it('answers an unknown session with the status it is given (the session-404-as-500 defect)', async () => {
    const base = await start(bySubject, { table: table(10, 60_000), unknownSessionStatus: 500 });
    expect((await rpc(base, 'a', 'tools/list', 'gone')).status).toBe(500);
  });
});
