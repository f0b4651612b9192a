import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, type TokenVerifier } from '../auth/jwt.ts';
import type { DispatchDeps } from './dispatch.ts';
import { createMcpHttpServer } from './http.ts';

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function start(verifyToken: TokenVerifier): Promise<string> {
  // These paths end before any tool runs, so no dispatch dependencies are needed.
  const dispatch = {} as DispatchDeps;
  server = createMcpHttpServer({ dispatch, verifyToken, logger: pino({ level: 'silent' }), buildId: 'b-1' });
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
