// `npm run bench:router`: what the router's hop costs, measured in one run on this machine.
//
// The router runs in the harness process, beside the load driver, on a machine of two cores: its
// CPU per forwarded call is what it takes from the driver, and the latency it adds is what every
// call in a multi-instance scenario carries. So the same requests go (1) straight to a null MCP
// responder and (2) through a Router (in this process, nothing else running in it) to the same
// responder, with autocannon as the client in a process of its own:
// - saturated (`--connections`, as fast as it can): calls/s each way, and the router's CPU
//   microseconds per call (this process's CPU time over the run divided by the calls);
//   Beside it, the floor: a bare node:http proxy (request piped, answer piped, nothing else) in
//   this process, measured the same way: what any proxy on Node's HTTP stack costs here.
// - at a fixed rate (`--rate`, well under saturation): p50 and p99 each way, so the difference is
//   the hop's latency when no queue hides it.
// Each is run `--rounds` times, interleaved, and the medians compared: one run on a shared
// machine proves little.
//
// Options: --duration 5s, --connections 16, --rate 1000, --rounds 3.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../harness/load/index.ts';
import { Router } from '../harness/router/index.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5s' },
    connections: { type: 'string', default: '16' },
    rate: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
  },
});
const seconds = parseDuration(values.duration) / 1000;
const connections = Number(values.connections);
const rate = Number(values.rate);
const rounds = Number(values.rounds);
const node = process.execPath;
const root = join(import.meta.dirname, '..');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

// The request the load driver sends for a lookup_customer call.
const BODY = JSON.stringify({
  method: 'tools/call',
  params: {
    name: 'lookup_customer',
    arguments: { customerId: 'c-1' },
    _meta: { 'mcp-chaos/correlation-id': 'b-1' },
  },
  jsonrpc: '2.0',
  id: 1,
});

interface Measured {
  calls: number;
  seconds: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function autocannon(url: string, fixedRate?: number): Promise<Measured> {
  const args = [
    join(root, 'node_modules/autocannon/autocannon.js'),
    '--json',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    ...(fixedRate ? ['-R', String(fixedRate)] : []),
    '-m',
    'POST',
    '-H',
    'authorization=Bearer bench',
    '-H',
    'content-type=application/json',
    '-H',
    'accept=application/json, text/event-stream',
    '-H',
    'mcp-protocol-version=2025-11-25',
    '-b',
    BODY,
    url,
  ];
  const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`autocannon exited with ${code}: ${stdout.slice(-1000)}`);
  const result = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
    requests: { total: number };
    duration: number;
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    calls: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Runs `measure` while counting this process's CPU time (the router's, nothing else runs here). */
async function withCpu(measure: () => Promise<Measured>): Promise<Measured & { cpuMicros: number }> {
  const before = process.cpuUsage();
  const measured = await measure();
  const used = process.cpuUsage(before);
  return { ...measured, cpuMicros: used.user + used.system };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const responder = spawn(node, [join(root, 'bench/null-responder.ts'), '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stopResponder = () => responder.kill('SIGTERM');
process.once('exit', stopResponder);
const [firstLine] = (await once(responder.stdout, 'data')) as [Buffer];
const direct = firstLine.toString().trim();
const responderUrl = new URL(direct);

/** The floor: the least a proxy on node:http does. */
async function bareProxy(target: URL): Promise<{ url: string; server: Server; agent: Agent }> {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const upstream = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}${target.pathname}`, server, agent };
}

const router = await Router.start({ host: '127.0.0.1' });
const bare = await bareProxy(responderUrl);
try {
  router.add({ id: 'null-1', build: 'null', url: responderUrl.origin }, 1);
  const viaRouter = `http://${router.address}${responderUrl.pathname}`;
  say(
    `router hop: autocannon, ${connections} connections, ${seconds} s a run, ${rounds} rounds (medians); the responder and autocannon in processes of their own`,
  );
  const saturated = {
    direct: [] as Measured[],
    router: [] as (Measured & { cpuMicros: number })[],
    bare: [] as (Measured & { cpuMicros: number })[],
  };
  const paced = { direct: [] as Measured[], router: [] as Measured[] };
  for (let round = 0; round < rounds; round++) {
    saturated.direct.push(await autocannon(direct));
    saturated.router.push(await withCpu(() => autocannon(viaRouter)));
    saturated.bare.push(await withCpu(() => autocannon(bare.url)));
    paced.direct.push(await autocannon(direct, rate));
    paced.router.push(await autocannon(viaRouter, rate));
  }
  const bad = [
    ...saturated.direct,
    ...saturated.router,
    ...saturated.bare,
    ...paced.direct,
    ...paced.router,
  ].reduce((sum, m) => sum + m.non2xx + m.errors, 0);
  const perSecond = (runs: Measured[]) => median(runs.map((m) => m.calls / m.seconds));
  const directRate = perSecond(saturated.direct);
  const routerRate = perSecond(saturated.router);
  const cpuPerCall = (runs: (Measured & { cpuMicros: number })[]) =>
    median(runs.map((m) => m.cpuMicros / m.calls));
  const routerCpu = cpuPerCall(saturated.router);
  const bareCpu = cpuPerCall(saturated.bare);
  say(
    `  saturated   direct ${directRate.toFixed(0)} calls/s   via router ${routerRate.toFixed(0)} calls/s (${(routerRate / directRate).toFixed(2)}x)   via a bare node:http proxy ${perSecond(saturated.bare).toFixed(0)} calls/s`,
  );
  say(
    `              router CPU ${routerCpu.toFixed(1)} µs per call (${((routerCpu * routerRate) / 1e6).toFixed(2)} of a core at that rate); the bare proxy's ${bareCpu.toFixed(1)} µs (router ${(routerCpu / bareCpu).toFixed(2)}x)`,
  );
  const p = (runs: Measured[], key: 'p50' | 'p99') => median(runs.map((m) => m[key]));
  say(
    `  ${String(rate).padStart(5)} calls/s  direct p50 ${p(paced.direct, 'p50')} ms p99 ${p(paced.direct, 'p99')} ms   via router p50 ${p(paced.router, 'p50')} ms p99 ${p(paced.router, 'p99')} ms`,
  );
  const counts = router.counts()[0];
  say(
    `  router counts: served ${counts?.served}, failed ${counts?.failed}; non-2xx or errors seen by autocannon: ${bad}`,
  );
} finally {
  await router.stop();
  bare.server.closeAllConnections();
  bare.server.close();
  bare.agent.destroy();
  stopResponder();
}
