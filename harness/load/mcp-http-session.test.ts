import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyThrown } from './classify.ts';
import { McpHttpSession } from './mcp-http-session.ts';

// How the lean client reads what a server sends back: JSON or an SSE stream, and what it makes
// of answers that are not MCP. A loopback HTTP server plays each answer.
type Reply = (request: { id?: number; method: string }, res: ServerResponse) => void;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(onCall: Reply): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const request = JSON.parse(body) as {
        id?: number;
        method: string;
        params?: { protocolVersion?: string };
      };
      if (request.method === 'initialize') {
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'sess-1' });
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            id: request.id,
            result: {
              protocolVersion: request.params?.protocolVersion,
              capabilities: {},
              serverInfo: { name: 's', version: '1' },
            },
          }),
        );
      } else if (request.id === undefined) {
        res.writeHead(202).end();
      } else {
        onCall(request, res);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

const identity = { tenant: 't', role: 'agent' as const, token: 'x' };

async function callWith(reply: Reply, timeoutMs = 2000) {
  const session = await McpHttpSession.connect(await serve(reply), identity);
  try {
    return { result: await session.call('lookup_customer', {}, 'c-1', timeoutMs) };
  } catch (error) {
    return { error: classifyThrown(error) };
  }
}

describe('McpHttpSession', () => {
  it('reads the response to its request out of an SSE stream', async () => {
    const { result } = await callWith((request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n');
      res.end(
        `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { content: [] } })}\n\n`,
      );
    });
    expect(result).toEqual({ content: [] });
  });

  it('classifies a body that is not JSON-RPC, an answer to another request and a bad result as malformed', async () => {
    const cases: Reply[] = [
      (_r, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>'),
      (r, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: (r.id ?? 0) + 7, result: {} })),
      (r, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: r.id, result: { content: 'text' } })),
    ];
    for (const reply of cases) {
      expect((await callWith(reply)).error).toMatchObject({
        outcome: 'protocol-error',
        code: 'MALFORMED_RESPONSE',
      });
    }
  });

  it('classifies an HTTP error, a JSON-RPC error and a missed budget as the SDK does', async () => {
    expect((await callWith((_r, res) => res.writeHead(503).end('busy'))).error).toMatchObject({
      outcome: 'transport-error',
      code: 'HTTP_503',
    });
    const rpcError: Reply = (r, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: r.id, error: { code: -32602, message: 'bad params' } }));
    expect((await callWith(rpcError)).error).toMatchObject({
      outcome: 'protocol-error',
      code: 'JSONRPC_-32602',
    });
    expect((await callWith(() => undefined, 200)).error).toMatchObject({
      outcome: 'timeout',
      code: 'CLIENT_TIMEOUT',
    });
  });
});

/**
 * A stateful server: initialize opens session `s<N>`; a request on a session it does not know
 * (after `forget()`) is answered 404, as the MCP spec says; with `never`, every call is (a server
 * that forgets each session at once).
 */
async function statefulServer(options: { never?: boolean } = {}) {
  const known = new Set<string>();
  const seen: { method: string; session: string | undefined }[] = [];
  let opened = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const request = JSON.parse(body) as {
        id?: number;
        method: string;
        params?: { protocolVersion?: string };
      };
      const session = req.headers['mcp-session-id'] as string | undefined;
      seen.push({ method: request.method, session });
      const json = (status: number, message: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(message));
      };
      if (request.method === 'initialize') {
        const id = `s${++opened}`;
        known.add(id);
        json(
          200,
          {
            jsonrpc: '2.0',
            id: request.id,
            result: {
              protocolVersion: request.params?.protocolVersion,
              capabilities: {},
              serverInfo: { name: 's', version: '1' },
            },
          },
          { 'mcp-session-id': id },
        );
      } else if (
        session === undefined ||
        !known.has(session) ||
        (options.never && request.id !== undefined)
      ) {
        json(404, { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
      } else if (request.id === undefined) {
        res.writeHead(202).end();
      } else {
        json(200, {
          jsonrpc: '2.0',
          id: request.id,
          result: { content: [], structuredContent: { session } },
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    forget: () => known.clear(),
    seen,
  };
}

describe('McpHttpSession on a stateful server', () => {
  it('re-initializes once on a 404 for its session and sends the call again, noting it', async () => {
    const server = await statefulServer();
    const session = await McpHttpSession.connect(server.url, identity);
    const notes: { reinitialized?: boolean } = {};
    expect((await session.call('t', {}, 'c1', 2000, notes)).structuredContent).toEqual({ session: 's1' });
    expect(notes.reinitialized).toBeUndefined();
    server.forget(); // a restart: every session gone
    expect((await session.call('t', {}, 'c2', 2000, notes)).structuredContent).toEqual({ session: 's2' });
    expect(notes.reinitialized).toBe(true);
  });

  it('concurrent calls that meet the same 404 share one new session', async () => {
    const server = await statefulServer();
    const session = await McpHttpSession.connect(server.url, identity);
    server.forget();
    const results = await Promise.all([1, 2, 3].map((i) => session.call('t', {}, `c${i}`, 2000)));
    expect(results.map((r) => r.structuredContent)).toEqual([
      { session: 's2' },
      { session: 's2' },
      { session: 's2' },
    ]);
    expect(server.seen.filter((r) => r.method === 'initialize')).toHaveLength(2);
  });

  it('a server that answers 404 forever fails the call (one re-initialization, no loop)', async () => {
    const server = await statefulServer({ never: true });
    const session = await McpHttpSession.connect(server.url, identity);
    const error = await session.call('t', {}, 'c1', 2000).catch((e: unknown) => e);
    expect(classifyThrown(error).code).toBe('HTTP_404');
    expect(server.seen.filter((r) => r.method === 'initialize')).toHaveLength(2);
    expect(server.seen.filter((r) => r.method === 'tools/call')).toHaveLength(2);
  });

  it('churn opens a new session for every call and never closes one', async () => {
    const server = await statefulServer();
    const session = await McpHttpSession.connect(server.url, identity, 2000, true);
    await session.call('t', {}, 'c1', 2000);
    await session.call('t', {}, 'c2', 2000);
    expect(server.seen.filter((r) => r.method === 'initialize')).toHaveLength(3);
    expect(server.seen.filter((r) => r.method === 'tools/call').map((r) => r.session)).toEqual(['s2', 's3']);
  });
});
