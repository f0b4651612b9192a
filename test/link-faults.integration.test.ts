// Every link toxic of the fault catalog on a real link through a real toxiproxy-server, with the
// reference server behind it, measured from outside: MCP calls of a real session and raw HTTP
// exchanges on the client→target link, timed and counted. Each fault's inject() is checked
// against Toxiproxy's own API (the toxics it put on the link), and after each test no toxic is
// left on any link, whatever the test's outcome.
import { once } from 'node:events';
import { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Environment,
  Fault,
  type FaultSpec,
  type LinkName,
  McpSession,
  type StartedEnvironment,
} from '../harness/index.ts';
import { classifyResult, classifyThrown } from '../harness/load/index.ts';

const PG: LinkName = 'target→postgres';
const CLIENT: LinkName = 'client→target';

let env: StartedEnvironment;
let session: McpSession;
let customerId: string;
/** The agent's customer with the most orders: the largest list_orders answer. */
let busiestCustomerId: string;
/** Faults a test injected: healed after it on every path. */
const injected: FaultSpec[] = [];

beforeAll(async () => {
  env = await new Environment()
    .withRuntime('local')
    .withSeed(11)
    .withDataset({ maxOrdersPerCustomer: 50 })
    .start();
  const agent = env.identities.find((i) => i.role === 'agent');
  if (!agent) throw new Error('no agent identity');
  const customers = env.dataset.customers.filter((c) => c.tenantId === agent.tenant);
  const orders = (id: string) => env.dataset.orders.filter((o) => o.customerId === id).length;
  customerId = customers[0]?.id ?? '';
  busiestCustomerId = [...customers].sort((a, b) => orders(b.id) - orders(a.id))[0]?.id ?? '';
  session = await McpSession.connect(env.mcpUrl, agent);
}, 120_000);

afterEach(async () => {
  const errors: unknown[] = [];
  for (const fault of injected.splice(0)) await fault.heal(env).catch((e: unknown) => errors.push(e));
  const left = (await env.links.state()).flatMap((p) => p.toxics.map((t) => `${p.name}: ${t.name}`));
  // Whatever a failed test left behind must not leak into the next one.
  if (left.length > 0) await env.links.healAll();
  expect(errors).toEqual([]);
  expect(left, 'toxics left on the links after the test').toEqual([]);
});

afterAll(async () => {
  try {
    await session?.close();
  } finally {
    await env?.stop();
  }
});

async function inject(fault: FaultSpec): Promise<FaultSpec> {
  injected.push(fault);
  await fault.inject(env);
  return fault;
}

/** One MCP call, classified and timed (ms from the request to its answer or failure). */
async function call(tool: 'lookup_customer' | 'list_orders', timeoutMs = 5_000) {
  const args = tool === 'lookup_customer' ? { customerId } : { customerId: busiestCustomerId, limit: 100 };
  const start = performance.now();
  try {
    const result = await session.call(tool, args, `link-faults-${tool}`, timeoutMs);
    return { ...classifyResult(result), ms: performance.now() - start, result: result.structuredContent };
  } catch (error) {
    return { ...classifyThrown(error), ms: performance.now() - start, result: undefined };
  }
}

async function okCalls(tool: 'lookup_customer' | 'list_orders', n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const answer = await call(tool);
    expect(answer.outcome, JSON.stringify(answer)).toBe('ok');
    times.push(answer.ms);
  }
  return times;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** The toxics on a link as Toxiproxy reports them. */
async function toxicsOn(link: LinkName) {
  const proxy = (await env.links.state()).find((p) => p.link === link);
  return proxy?.toxics ?? [];
}

/** Polls until a call succeeds again: how long the link took to carry calls after heal. */
async function recoveryMs(tool: 'lookup_customer' | 'list_orders', budgetMs = 10_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    if ((await call(tool, 2_000)).outcome === 'ok') return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no successful ${tool} within ${budgetMs} ms of heal`);
}

interface Exchange {
  bytes: number;
  reads: number;
  firstMs: number;
  lastMs: number;
  closeMs: number;
  /** The socket error the connection ended with, if any (ECONNRESET: a TCP RST). */
  error: string | undefined;
}

/**
 * One raw HTTP/1.1 exchange through client→target on a new connection: every byte that
 * arrives, how many reads it took, and when the first and last byte and the close came (ms from
 * the request). The server closes after its answer unless `keepAlive`, when only the link can.
 */
async function rawExchange(keepAlive = false): Promise<Exchange> {
  const { hostname, port } = new URL(env.mcpUrl);
  const socket = new Socket();
  const timer = setTimeout(() => socket.destroy(new Error('raw exchange took over 5 s')), 5_000);
  try {
    socket.connect(Number(port), hostname);
    await once(socket, 'connect');
    const start = performance.now();
    let bytes = 0;
    let reads = 0;
    let firstMs = Number.NaN;
    let lastMs = Number.NaN;
    socket.on('data', (chunk: Buffer) => {
      lastMs = performance.now() - start;
      if (reads === 0) firstMs = lastMs;
      reads += 1;
      bytes += chunk.length;
    });
    // No token: the target answers 401 with a body, then closes as asked.
    let error: string | undefined;
    // 'close', not 'end': a reset connection never ends, it fails.
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.write(
      `GET /mcp HTTP/1.1\r\nHost: ${hostname}\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`,
    );
    // Not once(): it rejects on the 'error' that comes before a reset connection's close.
    await new Promise((resolve) => socket.once('close', resolve));
    return { bytes, reads, firstMs, lastMs, closeMs: performance.now() - start, error };
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

describe('link toxics on a real Toxiproxy, measured from outside', () => {
  it('latency adds its delay to every call, and heal takes it away', async () => {
    await okCalls('lookup_customer', 3); // warm-up: JIT, pool connections
    const base = median(await okCalls('lookup_customer', 5));
    const fault = await inject(Fault.latency(PG, { latencyMs: 200 }));
    expect((await toxicsOn(PG)).map((t) => [t.type, t.stream, t.attributes])).toEqual([
      ['latency', 'downstream', { latency: 200, jitter: 0 }],
    ]);
    const slow = await okCalls('lookup_customer', 5);
    await fault.heal(env);
    const healed = median(await okCalls('lookup_customer', 5));
    process.stderr.write(
      `latency 200 ms: call median ${base.toFixed(1)} ms → ${median(slow).toFixed(1)} ms (min ${Math.min(...slow).toFixed(1)}), healed ${healed.toFixed(1)} ms\n`,
    );
    // lookup_customer makes one round trip to PostgreSQL: each answer waits the full 200 ms.
    expect(Math.min(...slow)).toBeGreaterThanOrEqual(200);
    expect(median(slow)).toBeLessThan(base + 200 + 300);
    expect(healed).toBeLessThan(base + 100);
  });

  it("'both' puts one toxic each way (twice the delay), and heal removes exactly those", async () => {
    // Another party's toxic on the same link (0 ms: harmless) that heal must not touch.
    const foreign = await env.links
      .get(PG)
      .addToxic({ type: 'latency', attributes: { latency: 0 }, stream: 'upstream' });
    try {
      const fault = await inject(Fault.latency(PG, { latencyMs: 150, direction: 'both' }));
      const ours = (await toxicsOn(PG)).filter((t) => t.name !== foreign);
      expect(ours.map((t) => [t.type, t.stream, t.toxicity, t.attributes.latency]).sort()).toEqual([
        ['latency', 'downstream', 1, 150],
        ['latency', 'upstream', 1, 150],
      ]);
      const times = await okCalls('lookup_customer', 3);
      await fault.heal(env);
      await fault.heal(env); // idempotent
      process.stderr.write(
        `latency 150 ms both ways: calls ${times.map((t) => t.toFixed(1)).join(', ')} ms\n`,
      );
      // The query waits 150 ms on its way to PostgreSQL, the answer 150 ms on its way back.
      expect(Math.min(...times)).toBeGreaterThanOrEqual(300);
      expect((await toxicsOn(PG)).map((t) => t.name)).toEqual([foreign]);
    } finally {
      await env.links.get(PG).removeToxic(foreign);
    }
  });

  it('toxicity 0 leaves every connection alone', async () => {
    const base = median(await okCalls('lookup_customer', 3));
    await inject(Fault.latency(PG, { latencyMs: 500, toxicity: 0 }));
    expect((await toxicsOn(PG)).map((t) => [t.type, t.toxicity])).toEqual([['latency', 0]]);
    const times = await okCalls('lookup_customer', 5);
    process.stderr.write(
      `latency 500 ms at toxicity 0: calls ${times.map((t) => t.toFixed(1)).join(', ')} ms (base ${base.toFixed(1)})\n`,
    );
    expect(Math.max(...times)).toBeLessThan(base + 250);
  });

  it('bandwidth stretches a large answer to its size over the rate', async () => {
    const baseline = await call('list_orders');
    expect(baseline.outcome).toBe('ok');
    // The answer's JSON is a lower bound of what crosses the link (the HTTP response carries it,
    // plus headers and its text copy).
    const bytes = JSON.stringify(baseline.result).length;
    expect(bytes).toBeGreaterThan(3_000);
    const kbPerSecond = 4;
    const fault = await inject(Fault.bandwidth(CLIENT, { kbPerSecond }));
    expect((await toxicsOn(CLIENT)).map((t) => [t.type, t.stream, t.attributes])).toEqual([
      ['bandwidth', 'downstream', { rate: kbPerSecond }],
    ]);
    const slow = await call('list_orders', 20_000);
    await fault.heal(env);
    const healed = await call('list_orders');
    const floorMs = bytes / kbPerSecond; // KB are 1000 bytes: bytes / (KB/s) = ms
    process.stderr.write(
      `bandwidth ${kbPerSecond} KB/s: list_orders (≥ ${bytes} B) ${baseline.ms.toFixed(1)} ms → ${slow.ms.toFixed(1)} ms (floor ${floorMs.toFixed(0)} ms), healed ${healed.ms.toFixed(1)} ms\n`,
    );
    expect(slow.outcome).toBe('ok');
    expect(slow.result).toEqual(baseline.result);
    expect(slow.ms).toBeGreaterThanOrEqual(floorMs - 5);
    expect(healed.outcome).toBe('ok');
    expect(healed.ms).toBeLessThan(floorMs / 2);
  });

  it('timeout 0 blackholes the link until heal; calls go through again after it', async () => {
    const fault = await inject(Fault.timeout(CLIENT, { timeoutMs: 0 }));
    const held = await call('lookup_customer', 700);
    process.stderr.write(`timeout 0: call ${held.outcome} (${held.code}) after ${held.ms.toFixed(1)} ms\n`);
    expect(held).toMatchObject({ outcome: 'timeout', code: 'CLIENT_TIMEOUT' });
    expect(held.ms).toBeGreaterThanOrEqual(690);
    await fault.heal(env);
    const recovery = await recoveryMs('lookup_customer');
    process.stderr.write(`timeout 0: first ok call ${recovery.toFixed(1)} ms after heal\n`);
    expect(recovery).toBeLessThan(2_000);
  });

  it('timeout > 0 closes connections that long after the toxic reaches them', async () => {
    await inject(Fault.timeout(CLIENT, { timeoutMs: 300 }));
    // Kept alive, so that the server does not close it first (a close ends the toxic at once).
    const cut = await rawExchange(true);
    process.stderr.write(
      `timeout 300 ms: ${cut.bytes} B received, closed after ${cut.closeMs.toFixed(1)} ms\n`,
    );
    expect(cut.bytes).toBe(0);
    expect(cut.closeMs).toBeGreaterThanOrEqual(290);
    expect(cut.closeMs).toBeLessThan(2_000);
  });

  it('reset_peer makes calls fail with a transport error, and they succeed again after heal', async () => {
    const fault = await inject(Fault.resetPeer(CLIENT));
    const failed = await call('lookup_customer');
    process.stderr.write(
      `resetPeer: call ${failed.outcome} (${failed.code}) after ${failed.ms.toFixed(1)} ms\n`,
    );
    expect(failed.outcome).toBe('transport-error');
    // A connection opened after injection gets a real RST (Toxiproxy sets SO_LINGER 0 at connect).
    const raw = await rawExchange();
    process.stderr.write(`resetPeer: raw exchange ${raw.bytes} B, ended with ${raw.error}\n`);
    expect(raw.bytes).toBe(0);
    expect(raw.error).toBe('ECONNRESET');
    await fault.heal(env);
    const recovery = await recoveryMs('lookup_customer');
    process.stderr.write(`resetPeer: first ok call ${recovery.toFixed(1)} ms after heal\n`);
    expect(recovery).toBeLessThan(2_000);
  });

  it('limit_data cuts a connection after exactly its bytes', async () => {
    const whole = await rawExchange();
    expect(whole.bytes).toBeGreaterThan(200);
    const fault = await inject(Fault.limitData(CLIENT, { bytes: 100 }));
    const cut = await rawExchange();
    const failed = await call('list_orders');
    process.stderr.write(
      `limitData 100 B: raw answer ${whole.bytes} B → ${cut.bytes} B; list_orders ${failed.outcome} (${failed.code})\n`,
    );
    expect(cut.bytes).toBe(100);
    expect(failed.outcome).not.toBe('ok');
    await fault.heal(env);
    expect(await recoveryMs('list_orders')).toBeLessThan(2_000);
  });

  it('slicer delivers the answer in slices, unchanged', async () => {
    const baseline = await call('list_orders');
    const answerBytes = JSON.stringify(baseline.result).length;
    const whole = await rawExchange();
    await inject(Fault.slicer(CLIENT, { averageSize: 64, sizeVariation: 32, delayUs: 2_000 }));
    const sliced = await rawExchange();
    const answer = await call('list_orders');
    // Each piece is at most average + variation bytes, and a 2 ms pause follows each.
    const minSlices = Math.ceil(sliced.bytes / 96);
    const spreadMs = sliced.lastMs - sliced.firstMs;
    process.stderr.write(
      `slicer 64±32 B, 2 ms: raw ${whole.bytes} B in ${whole.reads} read(s) → ${sliced.bytes} B in ${sliced.reads} reads over ${spreadMs.toFixed(1)} ms (≥ ${minSlices} slices); list_orders (≥ ${answerBytes} B) ${answer.outcome} in ${baseline.ms.toFixed(1)} → ${answer.ms.toFixed(1)} ms\n`,
    );
    expect(sliced.bytes).toBe(whole.bytes);
    expect(sliced.reads).toBeGreaterThan(1);
    expect(spreadMs).toBeGreaterThanOrEqual((minSlices - 1) * 2 - 1);
    expect(answer.outcome).toBe('ok');
    expect(answer.result).toEqual(baseline.result);
    // The answer crossed in at least answerBytes / 96 slices, each followed by 2 ms.
    expect(answer.ms).toBeGreaterThanOrEqual((Math.ceil(answerBytes / 96) - 1) * 2);
  });

  it('slow_close holds back the close, not the data', async () => {
    const before = await rawExchange();
    await inject(Fault.slowClose(CLIENT, { delayMs: 400 }));
    const slow = await rawExchange();
    const answer = await call('lookup_customer');
    process.stderr.write(
      `slowClose 400 ms: close ${(before.closeMs - before.lastMs).toFixed(1)} ms → ${(slow.closeMs - slow.lastMs).toFixed(1)} ms after the last byte; lookup_customer ${answer.outcome}\n`,
    );
    expect(slow.bytes).toBe(before.bytes);
    expect(slow.closeMs - slow.lastMs).toBeGreaterThanOrEqual(390);
    expect(before.closeMs - before.lastMs).toBeLessThan(100);
    expect(answer.outcome).toBe('ok');
  });
});
