// `npm run bench:load`: how fast the load driver is, measured in one run on this machine.
//
// (a) Against a null MCP responder (so the client is the bottleneck), with the same number of
//     connections for each: this driver (the scenario runner's code path: every call parsed,
//     digested, journaled, folded by live checks), the same driver on the MCP SDK's Client,
//     mcp-stress (a peer MCP load tool) and autocannon posting the identical request (the raw
//     HTTP limit). Calls/s and client CPU-seconds per 10,000 calls; goals: >= 2x mcp-stress and
//     >= 0.8x autocannon. A last, diagnostic row times the lean client alone (no journal,
//     digests or checks): the part of the driver's cost that is HTTP.
// (b) Against the reference server (local runtime): the built-in suite's peak arrival rate x3
//     and x10 through runScenario itself, with the driver's own lag judged by driverHealthy.
//
// On a noisy machine one run of each proves little: (a) runs every client `--rounds` times,
// interleaved, and compares medians.
//
// Options: --duration 10s (each client in (a)), --connections 16, --rounds 3, --skip-reference.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defineScenario, driverHealthy, runScenario } from '../harness/index.ts';
import { parseDuration, resolveWorkload } from '../harness/load/index.ts';
import { timelineMs } from '../harness/scenario/define.ts';
import { builtInScenarios } from '../scenarios/definitions/index.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10s' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    'skip-reference': { type: 'boolean', default: false },
  },
});
const seconds = parseDuration(values.duration) / 1000;
const connections = Number(values.connections);
const work = join(tmpdir(), `mcp-chaos-bench-${process.pid}`);
const node = process.execPath;
const bin = (name: string) => join(import.meta.dirname, '..', 'node_modules', '.bin', name);
// The driver runs as scenario runs do: journal writes off its event loop (see vitest.config.ts).
process.env.UV_USE_IO_URING ??= '0';
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Measured {
  client: string;
  calls: number;
  seconds: number;
  cpuSeconds: number;
  note?: string;
}

/**
 * Runs a command and measures the CPU time (user + system, every thread) it and its children
 * used, with bash's `times` after it exits: the same yardstick for every client.
 */
async function timed(command: string[]): Promise<{ stdout: string; cpuSeconds: number }> {
  const out = join(work, `out-${Date.now()}`);
  const child = spawn('bash', ['-c', '"$@" > "$OUT" 2>&1; code=$?; times; exit $code', 'bench', ...command], {
    env: { ...process.env, OUT: out },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let times = '';
  child.stdout.on('data', (chunk: Buffer) => {
    times += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  const stdout = await readFile(out, 'utf8').catch(() => '');
  if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}:\n${stdout.slice(-2000)}`);
  // `times` prints the shell's own times, then its children's: "0m2.603s 0m0.367s".
  const children = times.trim().split('\n').at(-1) ?? '';
  const cpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (sum, m) => sum + Number(m[1]) * 60 + Number(m[2]),
    0,
  );
  return { stdout, cpuSeconds };
}

async function startResponder(): Promise<{ url: string; stop(): void }> {
  const child = spawn(node, [join(import.meta.dirname, 'null-responder.ts'), '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: line.toString().trim(), stop: () => child.kill() };
}

/** Runs one of our bench scripts for `--duration` with `--vus` sessions; parses its JSON line. */
async function script<T>(
  name: string,
  url: string,
  extra: string[] = [],
): Promise<T & { cpuSeconds: number }> {
  const { stdout, cpuSeconds } = await timed([
    node,
    join(import.meta.dirname, name),
    '--url',
    url,
    '--vus',
    String(connections),
    '--duration',
    values.duration,
    ...extra,
  ]);
  return { ...(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T), cpuSeconds };
}

async function ours(url: string, client: 'http' | 'sdk'): Promise<Measured> {
  const result = await script<{ calls: number; seconds: number; peakRssMb: number; verdicts: string[] }>(
    'drive.ts',
    url,
    ['--client', client, '--journal', join(work, `journal-${client}.jsonl`)],
  );
  return {
    client: client === 'http' ? 'mcp-chaos' : 'mcp-chaos (SDK client)',
    calls: result.calls,
    seconds: result.seconds,
    cpuSeconds: result.cpuSeconds,
    note: `peak RSS ${result.peakRssMb.toFixed(0)} MB; ${result.verdicts.join(', ')}`,
  };
}

/** The lean client alone (bench/client-floor.ts): a diagnostic row, not the driver. */
async function clientFloor(url: string): Promise<Measured> {
  const result = await script<{ calls: number; seconds: number }>('client-floor.ts', url);
  return { client: 'lean client alone', ...result, note: 'diagnostic: no journal, digests or checks' };
}

const MCP_STRESS = join(
  import.meta.dirname,
  '..',
  'node_modules',
  '@mcp-stress',
  'linux-x64',
  'bin',
  'mcp-stress',
);

async function mcpStress(url: string): Promise<Measured> {
  const output = join(work, 'mcp-stress.ndjson');
  const { cpuSeconds } = await timed([
    MCP_STRESS,
    'run',
    '--url',
    url,
    '-c',
    String(connections),
    '-d',
    String(seconds),
    '--tool',
    'lookup_customer',
    '-o',
    output,
  ]);
  const lines = (await readFile(output, 'utf8')).trim().split('\n');
  const summary = JSON.parse(lines.at(-1) ?? '{}') as { totalRequests: number; durationMs: number };
  return {
    client: 'mcp-stress',
    calls: summary.totalRequests,
    seconds: summary.durationMs / 1000,
    cpuSeconds,
  };
}

async function autocannon(url: string): Promise<Measured> {
  // The request our driver sends for a lookup_customer call, byte for byte in its headers.
  const body = JSON.stringify({
    method: 'tools/call',
    params: {
      name: 'lookup_customer',
      arguments: { customerId: 'c-1' },
      _meta: { 'mcp-chaos/correlation-id': 'bench-1' },
    },
    jsonrpc: '2.0',
    id: 1,
  });
  const { stdout, cpuSeconds } = await timed([
    node,
    bin('autocannon'),
    '--json',
    '-c',
    String(connections),
    '-d',
    String(seconds),
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
    body,
    url,
  ]);
  const json = stdout.slice(stdout.indexOf('{'));
  const result = JSON.parse(json) as { requests: { total: number }; duration: number; non2xx: number };
  return {
    client: 'autocannon (raw HTTP)',
    calls: result.requests.total,
    seconds: result.duration,
    cpuSeconds,
    note: result.non2xx > 0 ? `${result.non2xx} non-2xx` : undefined,
  };
}

function table(rows: Measured[]): void {
  say(`  ${'client'.padEnd(26)}${'calls/s'.padStart(10)}${'CPU-s/10k calls'.padStart(18)}  notes`);
  for (const r of rows) {
    const rate = r.calls / r.seconds;
    say(
      `  ${r.client.padEnd(26)}${rate.toFixed(0).padStart(10)}${((r.cpuSeconds / r.calls) * 10_000).toFixed(2).padStart(18)}  ${r.note ?? ''}`,
    );
  }
}

async function againstNullResponder(): Promise<void> {
  const rounds = Number(values.rounds);
  say(`(a) null MCP responder, ${connections} connections, ${seconds} s each, ${rounds} rounds (medians)`);
  const clients: [string, (url: string) => Promise<Measured>][] = [
    ['autocannon (raw HTTP)', (url) => autocannon(url)],
    // mcp-stress ships a linux-x64 binary only (an optional dependency): elsewhere it is left out.
    ...(existsSync(MCP_STRESS)
      ? [
          ['mcp-stress', (url: string) => mcpStress(url)] satisfies [
            string,
            (url: string) => Promise<Measured>,
          ],
        ]
      : []),
    ['mcp-chaos (SDK client)', (url) => ours(url, 'sdk')],
    ['mcp-chaos', (url) => ours(url, 'http')],
    ['lean client alone', (url) => clientFloor(url)],
  ];
  const runs = new Map<string, Measured[]>(clients.map(([name]) => [name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const [name, run] of clients) {
      // A fresh responder for each run: one client's leftovers (open connections, a grown
      // heap) must not slow the next one down.
      const responder = await startResponder();
      try {
        const measured = await run(responder.url);
        runs.get(name)?.push(measured);
        const rate = measured.calls / measured.seconds;
        say(`  round ${round}: ${name.padEnd(24)} ${rate.toFixed(0).padStart(7)} calls/s`);
      } finally {
        responder.stop();
      }
    }
  }
  const median = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
  const rows: Measured[] = clients.map(([name]) => {
    const measured = runs.get(name) ?? [];
    const rate = median(measured.map((m) => m.calls / m.seconds));
    const cpu = median(measured.map((m) => m.cpuSeconds / m.calls));
    return {
      client: name,
      calls: rate * 10_000,
      seconds: 10_000,
      cpuSeconds: cpu * rate * 10_000,
      note: measured.at(-1)?.note,
    };
  });
  table(rows);
  const rate = (name: string) => {
    const r = rows.find((x) => x.client === name);
    return r ? r.calls / r.seconds : Number.NaN;
  };
  const vsStress = rate('mcp-chaos') / rate('mcp-stress');
  const vsCannon = rate('mcp-chaos') / rate('autocannon (raw HTTP)');
  say(
    Number.isNaN(vsStress)
      ? '  ratio vs mcp-stress: not measured (its binary is for linux-x64 only)'
      : `  ratio vs mcp-stress: ${vsStress.toFixed(2)}x (goal >= 2x: ${vsStress >= 2 ? 'met' : 'NOT met'})`,
  );
  say(
    `  ratio vs autocannon: ${vsCannon.toFixed(2)}x (goal >= 0.8x: ${vsCannon >= 0.8 ? 'met' : 'NOT met'})`,
  );
}

async function againstReferenceServer(): Promise<void> {
  const peak = Math.max(
    ...builtInScenarios.map((s) => resolveWorkload(s.workload, timelineMs(s)).peakRate ?? 0),
  );
  say(`(b) reference server (local runtime): the built-in suite's peak arrival rate is ${peak} calls/s`);
  for (const multiple of [3, 10]) {
    const rate = peak * multiple;
    const definition = defineScenario({
      name: `bench-${multiple}x`,
      description: `${rate} calls/s against the reference server`,
      workload: { rate, callTimeout: '10s', maxInFlightPerIdentity: 64 },
      timeline: [{ name: 'load', durationMs: 10_000 }],
      expect: [driverHealthy()],
    });
    const result = await runScenario(definition, { runtime: 'local', reportDir: join(work, 'reports') });
    const lag = result.verdicts.find((v) => v.check === 'driverHealthy');
    say(
      `  ${multiple}x = ${rate} calls/s: ${result.workload.started} calls started in 10 s ` +
        `(${(result.workload.started / 10).toFixed(0)}/s), ${result.workload.dropped} dropped; ` +
        `driver lag ${lag?.status === 'pass' ? 'inside' : 'OUTSIDE'} budget (${lag?.summary ?? 'no verdict'})`,
    );
  }
}

await mkdir(work, { recursive: true });
try {
  await againstNullResponder();
  if (!values['skip-reference']) await againstReferenceServer();
} finally {
  await rm(work, { recursive: true, force: true });
}
