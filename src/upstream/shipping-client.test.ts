import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamSettings } from './settings.ts';
import { ShippingClient, type UpstreamOutcome } from './shipping-client.ts';

// Real HTTP against a local server, and cockatiel's real policies (its real clocks too): the
// budgets here are small so the breaker's half-open wait and the timeouts run in real time.

type Behaviour = (orderId: string, response: ServerResponse) => void;

const ok: Behaviour = (orderId, response) =>
  response
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ orderId, carrier: 'DHL', status: 'in_transit', eta: '2026-03-01' }));
const failing: Behaviour = (_id, response) => response.writeHead(503).end();
const hang: Behaviour = () => {};

interface Upstream {
  url: string;
  requests: number;
  behave: Behaviour;
  server: Server;
}

const started: Upstream[] = [];

async function upstream(behave: Behaviour): Promise<Upstream> {
  const state = { requests: 0, behave } as Upstream;
  state.server = createServer((request: IncomingMessage, response: ServerResponse) => {
    state.requests++;
    const id = decodeURIComponent((request.url ?? '').replace('/shipments/', ''));
    state.behave(id, response);
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  const address = state.server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  started.push(state);
  return state;
}

const clients: ShippingClient[] = [];
function client(url: string, settings: Partial<UpstreamSettings> = {}, bare = false) {
  const outcomes: UpstreamOutcome[] = [];
  const c = new ShippingClient({
    settings: {
      shippingUrl: url,
      attemptTimeoutMs: 150,
      retries: 1,
      retryBaseMs: 10,
      totalTimeoutMs: 400,
      breakerFailures: 3,
      breakerHalfOpenMs: 300,
      bulkheadMax: 4,
      bulkheadQueue: 2,
      ...settings,
    },
    onOutcome: (o) => outcomes.push(o),
    ...(bare ? { chooseRunner: (_guarded, unguarded) => unguarded } : {}),
  });
  clients.push(c);
  return { c, outcomes };
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const u of started.splice(0)) {
    u.server.closeAllConnections();
    await new Promise((resolve) => u.server.close(resolve));
  }
});

const timed = async <T>(run: () => Promise<T>) => {
  const t = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t };
};

describe('ShippingClient', () => {
  it("answers the upstream's status for the order", async () => {
    const u = await upstream(ok);
    const { c, outcomes } = client(u.url);
    expect(await c.lookup('ord_1')).toEqual({
      outcome: 'ok',
      shipment: { orderId: 'ord_1', carrier: 'DHL', status: 'in_transit', eta: '2026-03-01' },
    });
    expect(outcomes).toEqual(['ok']);
    expect(c.breakerState).toBe(0);
  });

  it('says not_found on 404 without counting it as a failure', async () => {
    const u = await upstream((_id, response) => response.writeHead(404).end());
    const { c } = client(u.url);
    for (let i = 0; i < 5; i++) expect((await c.lookup('ord_x')).outcome).toBe('not_found');
    expect(c.breakerState).toBe(0);
  });

  it('retries a failed GET once, with backoff, and answers when the retry succeeds', async () => {
    let calls = 0;
    const u = await upstream((id, response) => (calls++ === 0 ? failing(id, response) : ok(id, response)));
    const { c } = client(u.url);
    expect((await c.lookup('ord_1')).outcome).toBe('ok');
    expect(u.requests).toBe(2);
  });

  it('gives up on a hung upstream within the total budget, degraded with a reason', async () => {
    const u = await upstream(hang);
    const { c } = client(u.url, { breakerFailures: 100 });
    const { value, ms } = await timed(() => c.lookup('ord_1'));
    expect(value).toMatchObject({ outcome: 'timeout', reason: expect.stringContaining('did not answer') });
    // Two attempts of 150 ms and a backoff: inside the 400 ms total, never the upstream's pace.
    expect(ms).toBeLessThan(700);
    expect(u.requests).toBe(2);
  });

  it('opens the breaker after consecutive failures, answers at once while open, and closes on a good trial', async () => {
    const u = await upstream(failing);
    const { c, outcomes } = client(u.url);
    expect((await c.lookup('ord_1')).outcome).toBe('failed'); // attempts 1 and 2
    const second = await c.lookup('ord_2'); // attempt 3 opens it; no retry through an open breaker
    expect(second.outcome).toBe('circuit_open');
    expect(c.breakerState).toBe(2);
    const before = u.requests;
    const { value, ms } = await timed(() => c.lookup('ord_3'));
    expect(value).toMatchObject({ outcome: 'circuit_open', retryAfterMs: expect.any(Number) });
    expect(u.requests).toBe(before); // not asked at all
    expect(ms).toBeLessThan(50);
    u.behave = ok;
    await new Promise((resolve) => setTimeout(resolve, 350)); // past halfOpenAfter
    expect((await c.lookup('ord_4')).outcome).toBe('ok');
    expect(c.breakerState).toBe(0);
    expect(outcomes).toEqual(['failed', 'circuit_open', 'circuit_open', 'ok']);
  });

  it('refuses calls beyond the bulkhead and its queue at once', async () => {
    const u = await upstream(hang);
    const { c } = client(u.url, {
      bulkheadMax: 1,
      bulkheadQueue: 1,
      breakerFailures: 100,
      totalTimeoutMs: 300,
      attemptTimeoutMs: 300,
      retries: 0,
    });
    const first = c.lookup('ord_1');
    const queued = c.lookup('ord_2');
    const { value, ms } = await timed(() => c.lookup('ord_3'));
    expect(value).toMatchObject({ outcome: 'bulkhead_full', retryAfterMs: 500 });
    expect(ms).toBeLessThan(50);
    expect((await first).outcome).toBe('timeout');
    expect((await queued).outcome).toBe('timeout');
  });

  it('without its guards (the defect) waits as long as the upstream takes', async () => {
    const u = await upstream((id, response) => setTimeout(() => ok(id, response), 600));
    const { c } = client(u.url, {}, true);
    const { value, ms } = await timed(() => c.lookup('ord_1'));
    expect(value.outcome).toBe('ok');
    expect(ms).toBeGreaterThanOrEqual(590);
  });

  it('treats an answer that is not this order’s status as a failure', async () => {
    const u = await upstream((_id, response) =>
      response.writeHead(200).end('{"orderId":"other","carrier":"x","status":"y","eta":"z"}'),
    );
    const { c } = client(u.url, { retries: 0 });
    expect((await c.lookup('ord_1')).outcome).toBe('failed');
  });
});
