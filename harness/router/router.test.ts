import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { Router, type RouterEvent, type RouterOptions } from './index.ts';

// Real sockets only: the instances are node:http servers on loopback, the clients real HTTP
// clients, the router the one the harness runs.

interface Backend {
  readonly id: string;
  readonly url: string;
  readonly server: Server;
  /** Requests to /mcp received, in order, with their bodies. */
  readonly bodies: string[];
  /** What GET /readyz answers. */
  ready: number;
  /** GET /readyz received. */
  readyChecks: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, backend: Backend) => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const defaultHandler: Handler = (_req, res, body, backend) => {
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ instance: backend.id, body }));
};

/** GET: an SSE stream that stays open; POST: the default answer. */
const streamOnGet: Handler = (req, res, body, self) => {
  if (req.method !== 'GET') {
    defaultHandler(req, res, body, self);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(': open\n\n');
};

async function backend(id: string, handler: Handler = defaultHandler): Promise<Backend> {
  const server = createServer();
  // Idle connections stay open: a router that leaked one would not be rescued by this side.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const self: Backend = {
    id,
    url: `http://127.0.0.1:${port}`,
    server,
    bodies: [],
    ready: 200,
    readyChecks: 0,
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/readyz') {
      self.readyChecks++;
      res.writeHead(self.ready).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      self.bodies.push(body);
      handler(req, res, body, self);
    });
  });
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return self;
}

async function startRouter(options: Partial<RouterOptions> = {}): Promise<Router> {
  const router = await Router.start({ host: '127.0.0.1', ...options });
  cleanups.push(() => router.stop());
  return router;
}

/** A port nothing listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

const clientAgent = new Agent({ keepAlive: true });
afterEach(() => {
  for (const sockets of Object.values(clientAgent.freeSockets)) for (const s of sockets ?? []) s.destroy();
});

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function send(
  router: Router,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const {
    method = 'POST',
    path = '/mcp',
    headers = {},
    body = method === 'POST' ? '{"jsonrpc":"2.0"}' : undefined,
  } = options;
  return new Promise((resolve, reject) => {
    const req = request(`http://${router.address}${path}`, { method, headers, agent: clientAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function servedBy(router: Router, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const answer = await send(router, { headers });
    expect(answer.status).toBe(200);
    ids.push(String(answer.headers['x-mcp-chaos-instance']));
  }
  return ids;
}

function tally(ids: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

/** Events as they come, and a way to wait for the next one matching. */
function recorder() {
  const events: RouterEvent[] = [];
  const waiters: { match: (e: RouterEvent) => boolean; resolve: (e: RouterEvent) => void }[] = [];
  return {
    events,
    onEvent: (event: RouterEvent) => {
      events.push(event);
      for (const waiter of [...waiters]) {
        if (!waiter.match(event)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    },
    next: (match: (e: RouterEvent) => boolean) =>
      new Promise<RouterEvent>((resolve) => {
        waiters.push({ match, resolve });
      }),
  };
}

describe('Router', () => {
  it('splits 1:3 exactly over 400 requests, in a reproducible order', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);
    router.add({ id: 'b', build: 'v1', url: b.url }, 3);
    const ids = await servedBy(router, 400);
    expect(tally(ids)).toEqual({ a: 100, b: 300 });
    expect(a.bodies.length).toBe(100);
    expect(b.bodies.length).toBe(300);
    expect(ids.slice(0, 8).join('')).toBe('babbbabb');
    expect(
      router.counts().map(({ id, served, failed, inFlight }) => ({ id, served, failed, inFlight })),
    ).toEqual([
      { id: 'a', served: 100, failed: 0, inFlight: 0 },
      { id: 'b', served: 300, failed: 0, inFlight: 0 },
    ]);
  });

  it('switches atomically: after setWeights every request goes to the new instance, the one in flight finishes', async () => {
    let releaseSlow: () => void = () => undefined;
    const slowReleased = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const blue = await backend('blue', (req, res, body, self) => {
      if (req.url === '/mcp?slow') void slowReleased.then(() => defaultHandler(req, res, body, self));
      else defaultHandler(req, res, body, self);
    });
    const green = await backend('green');
    const events = recorder();
    const router = await startRouter({ onEvent: events.onEvent });
    router.add({ id: 'blue', build: 'v1', url: blue.url }, 1);
    router.add({ id: 'green', build: 'v2', url: green.url });
    expect(await servedBy(router, 20)).toEqual(Array(20).fill('blue'));

    const slow = send(router, { path: '/mcp?slow' });
    await expect.poll(() => router.counts().find((c) => c.id === 'blue')?.inFlight).toBe(1);
    router.setWeights({ blue: 0, green: 1 });
    expect(await servedBy(router, 50)).toEqual(Array(50).fill('green'));
    releaseSlow();
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.headers['x-mcp-chaos-instance']).toBe('blue');
    expect(blue.bodies.length).toBe(21);
    expect(events.events.filter((e) => e.type === 'weights').at(-1)).toMatchObject({
      weights: { blue: 0, green: 1 },
    });
  });

  it('drains: no new request to the draining instance, resolves when its slow call finished', async () => {
    const a = await backend('a', (req, res, body, self) => {
      if (req.url === '/mcp?slow') setTimeout(() => defaultHandler(req, res, body, self), 400);
      else defaultHandler(req, res, body, self);
    });
    const b = await backend('b');
    const events = recorder();
    const router = await startRouter({ onEvent: events.onEvent });
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);
    router.add({ id: 'b', build: 'v1', url: b.url }, 1);
    // Smooth round-robin at 1:1 starts with a.
    const slow = send(router, { path: '/mcp?slow' });
    await expect.poll(() => router.counts().find((c) => c.id === 'a')?.inFlight).toBe(1);
    const drained = router.drain('a');
    let drainedYet = false;
    void drained.then(() => {
      drainedYet = true;
    });
    expect(await servedBy(router, 10)).toEqual(Array(10).fill('b'));
    expect(drainedYet).toBe(false);
    expect(router.counts().find((c) => c.id === 'a')).toMatchObject({
      weight: 0,
      draining: true,
      inFlight: 1,
    });
    const result = await drained;
    expect((await slow).status).toBe(200);
    expect(result.leftInFlight).toBe(0);
    expect(result.waitedMs).toBeGreaterThanOrEqual(150);
    expect(a.bodies.length).toBe(1);
    expect(events.events.at(-1)).toMatchObject({ type: 'drained', instance: 'a', leftInFlight: 0 });
    expect(await servedBy(router, 4)).toEqual(Array(4).fill('b'));
    // A rollback: a weight brings the drained instance back.
    router.setWeights({ a: 1, b: 0 });
    expect(router.counts().find((c) => c.id === 'a')).toMatchObject({ weight: 1, draining: false });
    expect(await servedBy(router, 3)).toEqual(Array(3).fill('a'));
  });

  it('gives up draining after its timeout while an SSE stream stays open', async () => {
    const a = await backend('a', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    });
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);
    const stream = await openStream(router);
    await expect.poll(() => router.counts()[0]?.inFlight).toBe(1);
    const result = await router.drain('a', { timeoutMs: 200 });
    expect(result.leftInFlight).toBe(1);
    expect(result.waitedMs).toBeGreaterThanOrEqual(190);
    stream.destroy();
    await expect.poll(() => router.counts()[0]?.inFlight).toBe(0);
  });

  it('ejects an instance whose /readyz fails twice and readmits it after one success', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    const events = recorder();
    const router = await startRouter({ healthIntervalMs: 20, ejectAfter: 2, onEvent: events.onEvent });
    router.add({ id: 'a', build: 'v1', url: a.url, readyUrl: `${a.url}/readyz` }, 1);
    router.add({ id: 'b', build: 'v1', url: b.url }, 1);
    expect(tally(await servedBy(router, 4))).toEqual({ a: 2, b: 2 });

    const ejected = events.next((e) => e.type === 'ejected');
    a.ready = 503;
    expect(await ejected).toMatchObject({ instance: 'a', reason: expect.stringContaining('answered 503') });
    expect(router.counts().find((c) => c.id === 'a')?.ejected).toBe(true);
    expect(await servedBy(router, 6)).toEqual(Array(6).fill('b'));

    const readmitted = events.next((e) => e.type === 'readmitted');
    a.ready = 200;
    expect(await readmitted).toMatchObject({ instance: 'a' });
    expect(tally(await servedBy(router, 4))).toEqual({ a: 2, b: 2 });
  });

  it('fails open when every instance fails its health check but still accepts connections', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    const events = recorder();
    const router = await startRouter({ healthIntervalMs: 20, onEvent: events.onEvent });
    const strict = await startRouter({ healthIntervalMs: 20, failOpen: false });
    for (const r of [router, strict]) {
      r.add({ id: 'a', build: 'v1', url: a.url, readyUrl: `${a.url}/readyz` }, 1);
      r.add({ id: 'b', build: 'v1', url: b.url, readyUrl: `${b.url}/readyz` }, 1);
    }
    a.ready = 503;
    b.ready = 503;
    await expect
      .poll(() => router.counts().every((c) => c.ejected) && strict.counts().every((c) => c.ejected))
      .toBe(true);
    expect(
      events.events
        .filter((e) => e.type === 'ejected')
        .map((e) => 'instance' in e && e.instance)
        .sort(),
    ).toEqual(['a', 'b']);

    // The instances answer (as a server whose database is down would, gracefully): better than a 503 of the router's.
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send(router));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(answers.every((r) => r.headers['x-mcp-chaos-router'] === 'fail-open')).toBe(true);
    expect(tally(answers.map((r) => String(r.headers['x-mcp-chaos-instance'])))).toEqual({ a: 2, b: 2 });
    expect((await send(strict)).status).toBe(503);

    // One of them refusing connections is left out even then.
    a.server.closeAllConnections();
    await new Promise<void>((resolve) => a.server.close(() => resolve()));
    const after = [];
    for (let i = 0; i < 4; i++) after.push(await send(router));
    expect(after.map((r) => `${r.status} ${r.headers['x-mcp-chaos-instance']}`)).toEqual(
      Array(4).fill('200 b'),
    );

    // Healthy again: out of fail-open.
    b.ready = 200;
    await expect.poll(() => router.counts().find((c) => c.id === 'b')?.ejected).toBe(false);
    const healed = await send(router);
    expect(healed.headers['x-mcp-chaos-router']).toBeUndefined();
  });

  it('retries a request refused at connect on another instance and ejects the dead one', async () => {
    const live = await backend('live');
    const events = recorder();
    const router = await startRouter({ healthIntervalMs: 20, onEvent: events.onEvent });
    router.add({ id: 'dead', build: 'v1', url: `http://127.0.0.1:${await deadPort()}` }, 1);
    router.add({ id: 'live', build: 'v1', url: live.url }, 1);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { text: 'x'.repeat(50_000) },
    });
    const answer = await send(router, { body });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-mcp-chaos-instance']).toBe('live');
    expect(JSON.parse(answer.body)).toEqual({ instance: 'live', body });
    expect(events.events.find((e) => e.type === 'ejected')).toMatchObject({
      instance: 'dead',
      reason: expect.stringContaining('ECONNREFUSED'),
    });
    expect(await servedBy(router, 5)).toEqual(Array(5).fill('live'));
    expect(router.counts().find((c) => c.id === 'dead')).toMatchObject({
      ejected: true,
      failed: 0,
      inFlight: 0,
    });
  });

  it('readmits an instance without readyUrl once it accepts connections again', async () => {
    const port = await deadPort();
    const events = recorder();
    const router = await startRouter({ healthIntervalMs: 20, onEvent: events.onEvent });
    router.add({ id: 'a', build: 'v1', url: `http://127.0.0.1:${port}` }, 1);
    expect((await send(router)).status).toBe(503);
    const readmitted = events.next((e) => e.type === 'readmitted');
    const server = createServer((_req, res) => res.end('back'));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    await readmitted;
    expect(await send(router)).toMatchObject({ status: 200, body: 'back' });
  });

  it('answers 503 with a JSON-RPC error when no instance can take the request', async () => {
    const a = await backend('a');
    const router = await startRouter();
    let answer = await send(router);
    expect(answer.status).toBe(503);
    expect(answer.headers['x-mcp-chaos-router']).toBe('no-instance');
    expect(JSON.parse(answer.body)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: expect.stringMatching(/^mcp-chaos router: no healthy instance/) },
      id: null,
    });
    router.add({ id: 'a', build: 'v1', url: a.url });
    answer = await send(router);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body).error.message).toContain('a: weight 0');
    expect(a.bodies.length).toBe(0);
  });

  it('answers 502 when the instance fails before answering, and cuts a response it breaks off', async () => {
    const a = await backend('a', (req, res) => {
      if (req.url === '/mcp?half') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 20);
      } else res.socket?.destroy();
    });
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);
    const answer = await send(router);
    expect(answer.status).toBe(502);
    expect(answer.headers['x-mcp-chaos-router']).toBe('upstream-error');
    expect(JSON.parse(answer.body).error.message).toMatch(/^mcp-chaos router: instance a failed/);
    await expect(send(router, { path: '/mcp?half' })).rejects.toThrow();
    expect(router.counts()[0]).toMatchObject({ served: 0, failed: 2, inFlight: 0, ejected: false });
  });

  it('forwards an SSE stream as it comes: the first event arrives before the instance ends the stream', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const a = await backend('a', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('event: message\ndata: {"n":1}\n\n');
      void released.then(() => res.end('event: message\ndata: {"n":2}\n\n'));
    });
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);
    const stream = await openStream(router);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(stream.headers['x-mcp-chaos-instance']).toBe('a');
    // Only released once the first event has come through: a router that buffered would hang here.
    expect(await stream.nextChunk()).toContain('data: {"n":1}');
    release();
    expect(await stream.rest()).toContain('data: {"n":2}');
    await expect.poll(() => router.counts()[0]).toMatchObject({ served: 1, inFlight: 0 });
  });

  it('aborts the upstream request when the client goes away', async () => {
    let upstreamClosed = false;
    const a = await backend('a', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      res.on('close', () => {
        upstreamClosed = true;
      });
    });
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);
    const stream = await openStream(router);
    await stream.nextChunk();
    expect(upstreamClosed).toBe(false);
    stream.destroy();
    await expect.poll(() => upstreamClosed).toBe(true);
    await expect.poll(() => router.counts()[0]).toMatchObject({ served: 0, failed: 0, inFlight: 0 });
  });

  it('survives clients that go away mid-body and mid-stream, and frees the instance each time', async () => {
    const closed: string[] = [];
    // Streams as fast as it can until the client side is gone: writes race the router's cleanup.
    const a = await backend('a', (req, res, body, self) => {
      if (req.method !== 'GET') {
        defaultHandler(req, res, body, self);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: {"tick":true}\n\n'), 2);
      res.on('close', () => clearInterval(timer));
    });
    a.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      res.on('close', () => closed.push(req.method ?? ''));
    });
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);

    // A POST announcing 10,000 bytes that sends 10 and leaves.
    const partial = request(`http://${router.address}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '10000' },
      agent: false,
    });
    partial.on('error', () => undefined);
    partial.write('{"jsonrpc"');
    await expect.poll(() => router.counts()[0]?.inFlight).toBe(1);
    partial.destroy();
    await expect.poll(() => closed.includes('POST')).toBe(true);

    const stream = await openStream(router);
    await stream.nextChunk();
    await new Promise((resolve) => setTimeout(resolve, 30));
    stream.destroy();
    await expect.poll(() => closed.includes('GET')).toBe(true);
    await expect.poll(() => router.counts()[0]).toMatchObject({ inFlight: 0, served: 0, failed: 0 });
    expect((await send(router)).status).toBe(200);
  });

  it('with affinity, keeps a session on its instance (weight 0 and draining included) and lets it re-initialize elsewhere once its instance is gone', async () => {
    const sessionsOf = new Map<string, Set<string>>();
    const mcp: Handler = (req, res, body, self) => {
      const known = sessionsOf.get(self.id) ?? new Set<string>();
      sessionsOf.set(self.id, known);
      const session = req.headers['mcp-session-id'];
      if (typeof session !== 'string') {
        const issued = `${self.id}-${known.size + 1}`;
        known.add(issued);
        res.writeHead(200, { 'mcp-session-id': issued }).end(JSON.stringify({ instance: self.id, body }));
      } else if (known.has(session)) defaultHandler(req, res, body, self);
      else
        res
          .writeHead(404)
          .end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}');
    };
    const [a, b] = await Promise.all([backend('a', mcp), backend('b', mcp)]);
    const router = await startRouter({ affinity: true });
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);
    router.add({ id: 'b', build: 'v1', url: b.url }, 1);

    const init = await send(router);
    const session = String(init.headers['mcp-session-id']);
    const home = String(init.headers['x-mcp-chaos-instance']);
    const other = home === 'a' ? 'b' : 'a';
    expect(session).toBe(`${home}-1`);
    const withSession = { 'mcp-session-id': session };
    expect(await servedBy(router, 6, withSession)).toEqual(Array(6).fill(home));
    // Requests without a session still alternate.
    expect(tally(await servedBy(router, 2))).toEqual({ a: 1, b: 1 });

    router.setWeights({ [home]: 0 });
    expect(await servedBy(router, 3, withSession)).toEqual(Array(3).fill(home));
    await router.drain(home, { timeoutMs: 1000 });
    expect(await servedBy(router, 3, withSession)).toEqual(Array(3).fill(home));

    router.remove(home);
    const lost = await send(router, { headers: withSession });
    expect(lost.status).toBe(404);
    expect(lost.headers['x-mcp-chaos-instance']).toBe(other);
    const again = await send(router);
    expect(again.headers['x-mcp-chaos-instance']).toBe(other);
    const moved = { 'mcp-session-id': String(again.headers['mcp-session-id']) };
    expect(await servedBy(router, 3, moved)).toEqual(Array(3).fill(other));
  });

  it('stops polling an instance once it is removed', async () => {
    const a = await backend('a');
    const router = await startRouter({ healthIntervalMs: 20 });
    router.add({ id: 'a', build: 'v1', url: a.url, readyUrl: `${a.url}/readyz` }, 1);
    await expect.poll(() => a.readyChecks).toBeGreaterThanOrEqual(2);
    router.remove('a');
    const checks = a.readyChecks;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.readyChecks).toBeLessThanOrEqual(checks + 1); // one may have been under way
    expect(router.counts()).toEqual([]);
    expect((await send(router)).status).toBe(503);
  });

  it("closes an idle connection to an instance before the instance's keep-alive timeout would", async () => {
    const a = await backend('a');
    a.server.keepAliveTimeout = 2000; // announced as `Keep-Alive: timeout=2`
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: a.url }, 1);
    expect((await send(router)).status).toBe(200);
    expect(await connections(a.server)).toBe(1);
    // Before 2 s, so that the instance has not closed it itself: the router did.
    await expect.poll(() => connections(a.server), { timeout: 1800, interval: 50 }).toBe(0);
  });

  it('follows an instance to its new address (setUrl)', async () => {
    const old = await backend('old');
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: old.url }, 1);
    expect(JSON.parse((await send(router)).body).instance).toBe('old');
    const moved = await backend('new');
    router.setUrl('a', moved.url);
    expect(JSON.parse((await send(router)).body).instance).toBe('new');
    expect(old.bodies.length).toBe(1);
  });

  it('refuses wrong arguments with a typed error and leaves the weights as they were', async () => {
    const a = await backend('a');
    const router = await startRouter();
    router.add({ id: 'a', build: 'v1', url: a.url }, 2);
    expect(() => router.add({ id: 'a', build: 'v1', url: a.url })).toThrow(/already there/);
    expect(() => router.add({ id: 'b', build: 'v1', url: 'ftp://x' })).toThrow(HarnessError);
    expect(() => router.setWeights({ a: 5, nope: 1 })).toThrow(/no instance nope/);
    expect(() => router.setWeights({ a: -1 })).toThrow(HarnessError);
    expect(router.counts()[0]?.weight).toBe(2);
    await expect(Router.start({ host: '127.0.0.1', port: 70_000 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('stop() closes an open stream, refuses new connections, and is idempotent', async () => {
    const a = await backend('a', streamOnGet);
    const router = await startRouter({ healthIntervalMs: 20 });
    router.add({ id: 'a', build: 'v1', url: a.url, readyUrl: `${a.url}/readyz` }, 1);
    const stream = await openStream(router);
    await stream.nextChunk();
    expect((await send(router, { method: 'POST' })).status).toBe(200); // leaves an idle keep-alive connection
    expect(await connections(a.server)).toBeGreaterThanOrEqual(2);
    const rest = stream.rest();
    await Promise.all([router.stop(), router.stop()]);
    await expect(rest).rejects.toThrow();
    // Its connections to the instance, idle ones included, are closed (the instance would keep them 60 s).
    await expect.poll(() => connections(a.server)).toBe(0);
    const checks = a.readyChecks;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.readyChecks).toBe(checks);
    await expect(send(router)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(() => router.setWeights({ a: 1 })).toThrow(/stopped/);
  });

  it('leaves nothing running after stop(): a process that used it exits by itself', async () => {
    // The instance lives in this process, with an SSE stream it never ends and idle keep-alive
    // connections it never closes: only the router's own stop() can let the child exit.
    const a = await backend('a', streamOnGet);
    const dir = await mkdtemp(join(tmpdir(), 'router-exit-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, 'child.ts');
    await writeFile(
      script,
      `
import { request } from 'node:http';
import { Router } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'index.ts')).href)};
const router = await Router.start({ host: '127.0.0.1', healthIntervalMs: 20 });
router.add({ id: 'a', build: 'v1', url: ${JSON.stringify(a.url)}, readyUrl: ${JSON.stringify(`${a.url}/readyz`)} }, 1);
const call = (method) => new Promise((resolve, reject) => {
  const req = request('http://' + router.address + '/mcp', { method, agent: false }, (res) => {
    if (method === 'GET') res.once('data', () => resolve(res)); else { res.resume(); res.on('end', resolve); }
  });
  req.on('error', reject);
  req.end(method === 'POST' ? '{}' : undefined);
});
for (let i = 0; i < 5; i++) await call('POST');
const stream = await call('GET');
stream.on('error', () => {});
await new Promise((resolve) => setTimeout(resolve, 100));
await router.stop();
console.log('stopped');
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const [code, signal] = await once(child, 'exit');
    clearTimeout(timer);
    expect(output).toContain('stopped');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});

function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, n) => (error ? reject(error) : resolve(n))),
  );
}

/** Opens a GET stream through the router; reads it chunk by chunk. */
async function openStream(router: Router) {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`http://${router.address}/mcp`, {
      method: 'GET',
      headers: { accept: 'text/event-stream' },
      agent: false,
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
  res.setEncoding('utf8');
  return {
    headers: res.headers,
    nextChunk: async () => String((await once(res, 'data'))[0]),
    rest: () =>
      new Promise<string>((resolve, reject) => {
        let text = '';
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve(text));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error('stream cut'));
        });
      }),
    destroy: () => res.destroy(),
  };
}
