import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BUILD_KEY, type McpClientKind, McpSession } from '../load/index.ts';
import type { CallNotes } from '../load/mcp-contract.ts';
import { Router, type RouterEvent } from './index.ts';

// Real MCP SDK servers in stateful mode (a session per initialize, kept in memory: an instance
// that goes away takes its sessions with it) behind the router, driven by the harness's two real
// clients (the SDK's Client and the lean one). Proves affinity end to end: a session stays on the
// instance that opened it, and when that instance dies its clients meet the 404 and re-initialize
// on another one through the same router address.

interface Instance {
  readonly id: string;
  readonly build: string;
  readonly url: string;
  readonly server: Server;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startInstance(id: string, build: string): Promise<Instance> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/readyz') {
      res.writeHead(200).end('ready');
      return;
    }
    const session = req.headers['mcp-session-id'];
    if (typeof session === 'string') {
      const transport = sessions.get(session);
      if (!transport) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}');
        return;
      }
      await transport.handleRequest(req, res);
      return;
    }
    const server = new McpServer({ name: id, version: '1.0.0' }, { capabilities: { tools: {} } });
    server.registerTool('whoami', { inputSchema: { text: z.string() } }, ({ text }) => ({
      content: [{ type: 'text', text: JSON.stringify({ instance: id, text }) }],
      structuredContent: { instance: id, text },
      _meta: { [BUILD_KEY]: build },
    }));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, transport);
      },
      onsessionclosed: (sessionId) => {
        sessions.delete(sessionId);
      },
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let stopped: Promise<void> | undefined;
  const instance: Instance = {
    id,
    build,
    url: `http://127.0.0.1:${port}`,
    server,
    // As a killed process: every connection cut, the sessions gone, the port refusing.
    stop: () => {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([...sessions.values()].map((t) => t.close().catch(() => undefined)));
        sessions.clear();
        await closed;
      })();
      return stopped;
    },
  };
  cleanups.push(instance.stop);
  return instance;
}

async function connect(router: Router, client: McpClientKind): Promise<McpSession> {
  const session = await McpSession.connect(
    `http://${router.address}/mcp`,
    { tenant: 't1', role: 'agent', token: 'not-checked' },
    { client, timeoutMs: 5000 },
  );
  cleanups.push(() => session.close());
  return session;
}

async function whoami(session: McpSession, notes?: CallNotes): Promise<{ instance: string; build: unknown }> {
  const result = await session.call('whoami', { text: 'hi' }, randomUUID(), 5000, notes);
  expect(result.isError).not.toBe(true);
  return {
    instance: (result.structuredContent as { instance: string }).instance,
    build: result._meta?.[BUILD_KEY],
  };
}

describe('Router with real MCP sessions', () => {
  for (const client of ['sdk', 'http'] as const) {
    it(`keeps each ${client} session on its instance and re-initializes it on another when that one dies`, async () => {
      const [blue, green] = await Promise.all([
        startInstance('blue-1', 'blue'),
        startInstance('green-1', 'green'),
      ]);
      const events: RouterEvent[] = [];
      const router = await Router.start({
        host: '127.0.0.1',
        affinity: true,
        healthIntervalMs: 50,
        onEvent: (e) => events.push(e),
      });
      cleanups.push(() => router.stop());
      for (const instance of [blue, green]) {
        router.add(
          { id: instance.id, build: instance.build, url: instance.url, readyUrl: `${instance.url}/readyz` },
          1,
        );
      }

      // Four sessions: smooth round-robin at 1:1 opens them on both instances.
      const sessions = [];
      for (let i = 0; i < 4; i++) sessions.push(await connect(router, client));
      const homes: string[] = [];
      for (const session of sessions) {
        const first = await whoami(session);
        for (let i = 0; i < 5; i++) expect((await whoami(session)).instance).toBe(first.instance);
        expect(first.build).toBe(first.instance === 'blue-1' ? 'blue' : 'green');
        homes.push(first.instance);
      }
      expect(new Set(homes)).toEqual(new Set(['blue-1', 'green-1']));

      // New sessions follow the weights; the old ones stay where they are.
      router.setWeights({ 'blue-1': 0 });
      const late = await connect(router, client);
      expect((await whoami(late)).instance).toBe('green-1');
      for (const [i, session] of sessions.entries()) expect((await whoami(session)).instance).toBe(homes[i]);

      // blue-1 dies: its sessions meet a refused connection (retried on green-1, which does not
      // know them: 404) and re-initialize there; green-1's sessions never notice.
      await blue.stop();
      for (const [i, session] of sessions.entries()) {
        const notes: CallNotes = {};
        const answer = await whoami(session, notes);
        expect(answer).toEqual({ instance: 'green-1', build: 'green' });
        expect(notes.reinitialized === true).toBe(homes[i] === 'blue-1');
      }
      await expect.poll(() => router.counts().find((c) => c.id === 'blue-1')?.ejected).toBe(true);
      expect(events.some((e) => e.type === 'ejected' && e.instance === 'blue-1')).toBe(true);
      expect(router.counts().find((c) => c.id === 'green-1')?.failed).toBe(0);
    });
  }

  it("drains an instance whose sessions are closed, and times out on the SDK client's open stream otherwise", async () => {
    const [blue, green] = await Promise.all([
      startInstance('blue-1', 'blue'),
      startInstance('green-1', 'green'),
    ]);
    const router = await Router.start({ host: '127.0.0.1', affinity: true });
    cleanups.push(() => router.stop());
    router.add({ id: blue.id, build: blue.build, url: blue.url }, 1);
    router.add({ id: green.id, build: green.build, url: green.url });
    const session = await connect(router, 'sdk');
    expect((await whoami(session)).instance).toBe('blue-1');
    router.setWeights({ 'green-1': 1 });
    const drained = await router.drain('blue-1', { timeoutMs: 300 });
    // The SDK client holds its standalone GET stream open on its session's instance: a drain
    // cannot finish while the session lives, which is why drain has a timeout.
    expect(drained).toMatchObject({ leftInFlight: 1 });
    await session.close();
    await expect.poll(() => router.counts().find((c) => c.id === 'blue-1')?.inFlight).toBe(0);
    expect(await router.drain('blue-1', { timeoutMs: 300 })).toMatchObject({ leftInFlight: 0 });
  });
});
