// `npm run bench:server`: how many calls per second the reference server answers, beside a
// minimal one-tool echo server on the same SDK and transport, measured in one run.
//
// Both servers run as processes of their own on loopback; the reference server with its real
// dependencies through the harness's local runtime (embedded PostgreSQL with the dataset loaded,
// the identity issuer, the production defaults except the per-caller rate limit, which would
// otherwise cap the benchmark at 20 calls/s per identity). Calls go to each server's own port,
// past Toxiproxy: its hop would add the same cost to both and blur the ratio.
//
// For each case, the project's load driver (harness/load's open-model executor, the lean MCP
// client and makeCall, as in every scenario) runs fixed arrival rates in steps: the rate grows
// by half until a step is not sustained, then halves the gap between the last sustained and the
// first unsustained rate a few times. A step is sustained when its ok calls per second reach 97%
// of the rate, at most 1% of its calls are dropped at the in-flight cap or fail, and the p99
// stays under a second (a queue that grows through the step shows there first). A step not
// sustained is measured once more and the second measurement decides: on a shared machine
// another process can stall one step. Only ok calls count. Then the case runs
// at 80% of its maximum and reports p50/p99, latency measured from each call's intended start
// (no coordinated omission).
//
// Lines: lookup_customer with a cache hit reaches >= 0.7x the echo server's calls/s, with p99
// <= 20 ms at 80% of that rate (issue 5, acceptance 3). The other cases are reported. Beside the
// rates, each server process's CPU time per call over a case's steps (read from /proc): on a
// machine shared with other work it is the steadier figure, and echo's over a case's is the
// ratio a CPU-bound server would reach. It is reported, the lines judge the measured rates.
//
// Options: --step 2500ms (each step), --hold 4s (the run at 80%), --cases echo,lookup-hit,...
// --json FILE (the figures), --no-fail (report only), --log-level info (the reference server's),
// --profile DIR (the reference server runs under `node --cpu-prof`, its profile written there).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Dataset } from '../harness/dataset/generate.ts';
import { Environment, type Identity, type StartedEnvironment } from '../harness/index.ts';
import type { IdentityClaims } from '../harness/journal/records.ts';
import {
  constantArrivals,
  McpSession,
  parseDuration,
  runArrivals,
  type ToolResult,
} from '../harness/load/index.ts';
import { procUsage } from '../harness/runtime/local/proc.ts';
import { referenceTarget } from '../harness/target/definition.ts';

const { values } = parseArgs({
  options: {
    step: { type: 'string', default: '2500ms' },
    hold: { type: 'string', default: '4s' },
    cases: { type: 'string' },
    json: { type: 'string' },
    'no-fail': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'info' },
    profile: { type: 'string' },
  },
});
const STEP_MS = parseDuration(values.step);
const HOLD_MS = parseDuration(values.hold);
const say = (line: string) => process.stdout.write(`${line}\n`);
// The driver runs as scenario runs do (see vitest.config.ts).
process.env.UV_USE_IO_URING ??= '0';

/** The lines of the acceptance. */
const RATIO_LINE = 0.7;
const P99_LINE_MS = 20;
/** What makes a step sustained. */
const SUSTAINED_SHARE = 0.97;
const SUSTAINED_P99_MS = 1000;
/** Calls dropped at the in-flight cap or failed (a shed is a failure), as a share of the step's. */
const SUSTAINED_LOSS = 0.01;
/** The search: first rate, growth while sustained, halvings of the last gap, steps at most. */
const START_RATE = 300;
const GROWTH = 1.5;
const HALVINGS = 3;
const MAX_STEPS = 11;
/**
 * Agents per tenant (each its own principal) and sessions each: the in-flight cap (a call due
 * while all are busy is dropped). 16 stays under the reference server's default per-caller
 * concurrency limit (half its global one, 40), so what it sheds is its global overload only.
 */
const AGENTS_PER_TENANT = 2;
const SESSIONS_PER_IDENTITY = 16;
/** 1,000 customers per tenant: cold ids come back after 3,000 calls, well past CACHE_TTL_MS (1 s). */
const CUSTOMERS_PER_TENANT = 1000;
/** Hot ids: a few customers per tenant, each asked for many times a second. */
const HOT_PER_TENANT = 4;

type Ids = 'hot' | 'cold';
interface BenchCase {
  /** The name in the table and the JSON. */
  name: string;
  /** What --cases names it. */
  key: string;
  server: 'echo' | 'reference';
  tool: string;
  /** Customers asked for: a few again and again (cache hits) or each in turn (misses). */
  ids?: Ids;
  /** The tool's arguments for the n-th call of an identity on `customerId`. */
  args: (customerId: string, n: number, schema: ToolSchema | undefined) => Record<string, unknown>;
  /** The case the acceptance's lines are about. */
  lines?: boolean;
  /** The server's cache counter this case reads (for the hit ratio it reports). */
  cacheQuery?: 'customer' | 'orders';
}

interface ToolSchema {
  properties?: Record<string, { type?: string }>;
  required?: string[];
}

const CASES: BenchCase[] = [
  {
    name: 'echo (minimal SDK server)',
    key: 'echo',
    server: 'echo',
    tool: 'echo',
    args: (id) => ({ text: id }),
  },
  {
    name: 'lookup_customer, cache hit',
    key: 'lookup-hit',
    server: 'reference',
    tool: 'lookup_customer',
    ids: 'hot',
    args: (customerId) => ({ customerId }),
    lines: true,
    cacheQuery: 'customer',
  },
  {
    name: 'lookup_customer, cache miss',
    key: 'lookup-miss',
    server: 'reference',
    tool: 'lookup_customer',
    ids: 'cold',
    args: (customerId) => ({ customerId }),
    cacheQuery: 'customer',
  },
  {
    name: 'list_orders, cache miss',
    key: 'list-orders',
    server: 'reference',
    tool: 'list_orders',
    ids: 'cold',
    args: (customerId) => ({ customerId, limit: 20 }),
    cacheQuery: 'orders',
  },
  {
    name: 'search_knowledge_base',
    key: 'search-kb',
    server: 'reference',
    tool: 'search_knowledge_base',
    // Its first required string argument is the query, whatever the tool calls it.
    args: (_id, n, schema) => ({ [queryField(schema)]: QUERIES[n % QUERIES.length] }),
  },
];
const QUERIES = ['refund policy', 'where is my order', 'change billing address', 'cancel subscription'];

function queryField(schema: ToolSchema | undefined): string {
  const required = schema?.required ?? [];
  return required.find((name) => schema?.properties?.[name]?.type === 'string') ?? 'query';
}

interface Step {
  rate: number;
  okPerSecond: number;
  scheduled: number;
  ok: number;
  failed: number;
  dropped: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * The driver's own event-loop delay over the step (p99 and max): a call's latency runs from its
   * intended start, so a stalled driver shows in every case's tail alike.
   */
  driverLagP99Ms: number;
  driverLagMaxMs: number;
  /** The reference server's event-loop delay max and GC time over the step (from /metrics). */
  serverLagMaxMs?: number;
  serverGcMs?: Record<string, number>;
  sustained: boolean;
  codes: Record<string, number>;
}

interface CaseResult {
  case: string;
  tool: string;
  skipped?: string;
  maxOkPerSecond?: number;
  ratioToEcho?: number;
  at80?: Step;
  steps: Step[];
  /** Steps not sustained the first time, measured again (the second decided). */
  retriedSteps?: Step[];
  cacheHitRatio?: number;
  /**
   * The server process's CPU time per call answered, over all the case's steps (PostgreSQL's
   * own processes not counted). Steadier than calls/s on a shared machine: a stall of another
   * process lowers the rate a step sustains but not what a call costs.
   */
  cpuMsPerCall?: number;
  /** Echo's CPU per call over this case's: the calls/s ratio a CPU-bound server would reach. */
  cpuRatioToEcho?: number;
  lines?: { ratio: boolean; p99: boolean };
}

const quantile = (sorted: Float64Array, q: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);

/**
 * The case's calls on the driver's sessions: the executor plans which identity calls (its seeded
 * stream) and this wrapper says what that identity asks, so the driver's scheduling, in-flight
 * cap, timing and classification are the ones every scenario uses.
 */
function caseSession(
  inner: McpSession,
  c: BenchCase,
  customers: readonly string[],
  schema: ToolSchema | undefined,
  counter: { n: number },
): McpSession {
  return {
    identity: inner.identity,
    close: () => inner.close(),
    call: (_tool, _args, correlationId, timeoutMs): Promise<ToolResult> => {
      const n = counter.n++;
      const customerId = customers[n % customers.length] as string;
      return inner.call(c.tool, c.args(customerId, n, schema), correlationId, timeoutMs);
    },
  };
}

/** One fixed arrival rate for `durationMs` on the case's sessions. */
async function step(
  sessions: McpSession[][],
  dataset: Dataset,
  rate: number,
  durationMs: number,
  seed: number,
): Promise<Step> {
  const durations: number[] = [];
  const codes: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const summary = await runArrivals(
    {
      arrivals: constantArrivals(rate, durationMs),
      endMs: durationMs,
      maxInFlightPerIdentity: SESSIONS_PER_IDENTITY,
      callTimeoutMs: 5_000,
      mix: { lookup_customer: 1 },
    },
    {
      runId: `bench-${seed}`,
      seed,
      dataset,
      sessions,
      phase: () => 'load',
      append: (record) => {
        if (record.type !== 'call') return;
        if (record.outcome === 'ok') {
          ok++;
          durations.push(record.end - record.intendedStart);
        } else {
          failed++;
          const code = record.code ?? record.outcome;
          codes[code] = (codes[code] ?? 0) + 1;
        }
      },
    },
  );
  lag.disable();
  const sorted = Float64Array.from(durations).sort();
  const okPerSecond = ok / (durationMs / 1000);
  const p99Ms = quantile(sorted, 0.99);
  return {
    rate,
    okPerSecond,
    scheduled: summary.scheduled,
    ok,
    failed,
    dropped: summary.dropped,
    p50Ms: quantile(sorted, 0.5),
    p99Ms,
    driverLagP99Ms: lag.percentile(99) / 1e6,
    driverLagMaxMs: lag.max / 1e6,
    sustained:
      okPerSecond >= SUSTAINED_SHARE * rate &&
      summary.dropped + failed <= SUSTAINED_LOSS * summary.scheduled &&
      p99Ms <= SUSTAINED_P99_MS,
    codes,
  };
}

const fmtStep = (s: Step) =>
  `${String(Math.round(s.rate)).padStart(6)}/s: ${s.okPerSecond.toFixed(0).padStart(6)} ok/s, ` +
  `p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms` +
  `, driver lag p99/max ${s.driverLagP99Ms.toFixed(0)}/${s.driverLagMaxMs.toFixed(0)} ms` +
  (s.serverLagMaxMs !== undefined
    ? `, server lag max ${s.serverLagMaxMs.toFixed(0)} ms, GC ${Object.entries(s.serverGcMs ?? {})
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${v}`)
        .join(' ')} ms`
    : '') +
  (s.dropped > 0 ? `, ${s.dropped} dropped` : '') +
  (s.failed > 0
    ? `, ${s.failed} failed (${Object.entries(s.codes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`
    : '') +
  (s.sustained ? '' : '  — not sustained');

/**
 * The stepped search for the highest sustained rate of one case: the rate grows by half while
 * steps are sustained, then the gap between the highest sustained and the lowest unsustained
 * rate is halved HALVINGS times.
 */
class RateSearch {
  readonly steps: Step[] = [];
  best: Step | undefined;
  rate = START_RATE;
  done = false;
  #low = 0;
  #high: number | undefined;
  #halvings = 0;

  record(s: Step): void {
    this.steps.push(s);
    if (s.sustained) {
      this.#low = Math.max(this.#low, s.rate);
      if (!this.best || s.okPerSecond > this.best.okPerSecond) this.best = s;
    } else {
      this.#high = Math.min(this.#high ?? s.rate, s.rate);
    }
    if (this.steps.length >= MAX_STEPS) {
      this.done = true;
    } else if (this.#high === undefined) {
      this.rate = Math.round(this.rate * GROWTH);
    } else if (this.#halvings++ >= HALVINGS) {
      this.done = true;
    } else {
      this.rate = Math.round((this.#low + this.#high) / 2);
    }
  }
}

async function startEcho(): Promise<{ url: string; pid: number; stop(): void }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'echo-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: line.toString().trim(), pid: child.pid ?? 0, stop: () => child.kill('SIGTERM') };
}

/** The tools a server lists, with their input schemas (a plain SDK client: one call). */
async function listTools(url: string, token: string): Promise<Map<string, ToolSchema>> {
  const client = new Client({ name: 'bench-server', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  try {
    const { tools } = await client.listTools();
    return new Map(tools.map((t) => [t.name, t.inputSchema as ToolSchema]));
  } finally {
    await client.close();
  }
}

/** The server's event-loop delay max since the last scrape, and its GC seconds by kind. */
function runtimeStats(text: string): { lagMaxMs: number; gcSeconds: Record<string, number> } {
  let lagMaxMs = Number.NaN;
  const gcSeconds: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const value = Number(line.trim().split(/\s+/).at(-1));
    if (line.startsWith('nodejs_eventloop_lag_max_seconds')) lagMaxMs = value * 1000;
    if (line.startsWith('nodejs_gc_duration_seconds_sum{')) {
      const kind = /kind="([^"]+)"/.exec(line)?.[1] ?? '?';
      gcSeconds[kind] = value;
    }
  }
  return { lagMaxMs, gcSeconds };
}

/** The server's cache reads by outcome, from /metrics (for the hit ratio of a case). */
async function cacheReads(env: StartedEnvironment, query: string): Promise<Record<string, number>> {
  const text = await env.admin.metrics();
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('cache_reads_total{') || !line.includes(`query="${query}"`)) continue;
    const outcome = /outcome="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.trim().split(/\s+/).at(-1));
    if (outcome && Number.isFinite(value)) counts[outcome] = (counts[outcome] ?? 0) + value;
  }
  return counts;
}

async function connectAll(
  url: string,
  identities: readonly (IdentityClaims & { token: string })[],
): Promise<McpSession[][]> {
  return await Promise.all(
    identities.map((identity) =>
      Promise.all(Array.from({ length: SESSIONS_PER_IDENTITY }, () => McpSession.connect(url, identity))),
    ),
  );
}

function table(results: CaseResult[]): void {
  const cols: [string, number][] = [
    ['case', 30],
    ['max ok/s', 9],
    ['x echo', 8],
    ['p50@80%', 10],
    ['p99@80%', 10],
    ['cache hits', 11],
    ['CPU ms/call', 12],
    ['x echo (CPU)', 13],
  ];
  const row = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(cols[0]?.[1] ?? 0) : c.padStart(cols[i]?.[1] ?? 0))).join('')}`;
  const header = `${row(cols.map(([name]) => name))}  lines`;
  say(header);
  say(`  ${'-'.repeat(header.length - 2)}`);
  const ms = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(1)} ms`);
  for (const r of results) {
    if (r.skipped) {
      say(`  ${r.case.padEnd(30)}  ${r.skipped}`);
      continue;
    }
    const lines = r.lines
      ? `${r.lines.ratio ? 'pass' : 'FAIL'} >= ${RATIO_LINE}x echo; ${r.lines.p99 ? 'pass' : 'FAIL'} p99 <= ${P99_LINE_MS} ms`
      : '';
    const cells = [
      r.case,
      r.maxOkPerSecond?.toFixed(0) ?? '—',
      r.ratioToEcho?.toFixed(2) ?? '—',
      ms(r.at80?.p50Ms),
      ms(r.at80?.p99Ms),
      r.cacheHitRatio === undefined ? '' : `${(r.cacheHitRatio * 100).toFixed(0)}%`,
      r.cpuMsPerCall?.toFixed(3) ?? '—',
      r.cpuRatioToEcho?.toFixed(2) ?? '—',
    ];
    say(`${row(cells)}  ${lines}`);
  }
}

const chosen = values.cases ? new Set(values.cases.split(',').map((s) => s.trim())) : undefined;
const cases = CASES.filter((c) => !chosen || chosen.has(c.key) || c.key === 'echo');
const started = Date.now();
say('bench:server — starting the echo server and the reference server (local runtime)');
const echo = await startEcho();
let env: StartedEnvironment | undefined;
const results: CaseResult[] = [];
try {
  const profileDir = values.profile ? resolve(values.profile) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  env = await new Environment()
    .withRuntime('local')
    .withDataset({ customersPerTenant: CUSTOMERS_PER_TENANT })
    .withTarget(
      referenceTarget({
        buildId: 'bench',
        env: {
          LOG_LEVEL: values['log-level'],
          // One agent may make 20 calls/s by default: the benchmark's few identities need more.
          // The limiter still runs on every call; only its bucket is deeper.
          RATE_LIMIT_PER_SECOND: '1000000',
          RATE_LIMIT_BURST: '1000000',
          ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
        },
      }),
    )
    .start();
  const dataset = env.dataset;
  const env_ = env;
  const agents: Identity[] = await Promise.all(
    dataset.tenants.flatMap((t) =>
      Array.from({ length: AGENTS_PER_TENANT }, async () => {
        const claims = { tenant: t.id, role: 'agent' as const };
        return { ...claims, token: await env_.token(claims) };
      }),
    ),
  );
  const customersOf = (tenant: string, ids: Ids | undefined) => {
    const all = dataset.customers.filter((c) => c.tenantId === tenant).map((c) => c.id);
    return ids === 'hot' ? all.slice(0, HOT_PER_TENANT) : all;
  };
  const referenceUrl = env.directMcpUrl;
  const referenceTools = await listTools(referenceUrl, agents[0]?.token ?? '');
  const echoTools = await listTools(echo.url, 'bench');
  say(
    `  ${agents.length} agents, ${SESSIONS_PER_IDENTITY} sessions each; ${dataset.customers.length} customers; ` +
      `steps of ${STEP_MS} ms, ${HOLD_MS} ms at 80%; reference tools: ${[...referenceTools.keys()].join(', ')}`,
  );
  const connected = {
    echo: await connectAll(echo.url, agents),
    reference: await connectAll(referenceUrl, agents),
  };
  interface Running {
    c: BenchCase;
    sessions: McpSession[][];
    search: RateSearch;
    result: CaseResult;
    cache: Record<string, number>;
    /** Steps measured again (not sustained the first time). */
    retried: Step[];
    /** The server process's CPU time over the case's steps, and the calls it answered. */
    cpuSeconds: number;
    calls: number;
  }
  const running: Running[] = [];
  for (const c of cases) {
    const tools = c.server === 'echo' ? echoTools : referenceTools;
    const schema = tools.get(c.tool);
    if (!schema) {
      say(`- ${c.name}: not available on this build (the server does not list ${c.tool})`);
      results.push({ case: c.name, tool: c.tool, skipped: 'not available on this build', steps: [] });
      continue;
    }
    // One counter per tenant: its agents take turns through its customers, so a cold id comes
    // back only after all of them.
    const counters = new Map<string, { n: number }>();
    const sessions = connected[c.server].map((group) => {
      const tenant = group[0]?.identity.tenant ?? '';
      const counter = counters.get(tenant) ?? { n: 0 };
      counters.set(tenant, counter);
      const customers = customersOf(tenant, c.ids);
      return group.map((s) => caseSession(s, c, customers, schema, counter));
    });
    const result: CaseResult = { case: c.name, tool: c.tool, steps: [] };
    results.push(result);
    running.push({
      c,
      sessions,
      search: new RateSearch(),
      result,
      cache: {},
      retried: [],
      cpuSeconds: 0,
      calls: 0,
    });
  }
  let seed = 1000;
  /** One step of a case, its cache reads counted from /metrics around it. */
  const cpuSeconds = async (server: BenchCase['server']): Promise<number> =>
    server === 'echo'
      ? (await procUsage(echo.pid)).cpuSeconds
      : (await (env as StartedEnvironment).target.resourceUsage()).cpuSeconds;
  const timed = async (r: Running, rate: number, durationMs: number): Promise<Step> => {
    const query = r.c.cacheQuery;
    const env_ = env as StartedEnvironment;
    const before = query ? await cacheReads(env_, query) : {};
    const statsBefore = r.c.server === 'reference' ? runtimeStats(await env_.admin.metrics()) : undefined;
    const cpuBefore = await cpuSeconds(r.c.server);
    const s = await step(r.sessions, dataset, rate, durationMs, seed++);
    if (statsBefore) {
      const after = runtimeStats(await env_.admin.metrics());
      s.serverLagMaxMs = after.lagMaxMs;
      s.serverGcMs = Object.fromEntries(
        Object.entries(after.gcSeconds).map(([k, v]) => [
          k,
          Math.round((v - (statsBefore.gcSeconds[k] ?? 0)) * 1000),
        ]),
      );
    }
    r.cpuSeconds += (await cpuSeconds(r.c.server)) - cpuBefore;
    r.calls += s.ok + s.failed;
    if (query) {
      const after = await cacheReads(env_, query);
      for (const k of Object.keys(after)) r.cache[k] = (r.cache[k] ?? 0) + (after[k] ?? 0) - (before[k] ?? 0);
    }
    return s;
  };
  // A short warm-up of each case: JIT, connections, the JWKS fetch; not counted.
  for (const r of running) await step(r.sessions, dataset, START_RATE, 1500, seed++);
  // The cases' searches take turns, step by step: the load the other helpers of this machine
  // put on it then weighs on every case alike, and the ratios stay side by side.
  for (let round = 1; running.some((r) => !r.search.done); round++) {
    say(`- round ${round}`);
    for (const r of running.filter((x) => !x.search.done)) {
      let s = await timed(r, r.search.rate, STEP_MS);
      say(`    ${r.c.name.padEnd(30)} ${fmtStep(s)}`);
      if (!s.sustained) {
        // A rate not sustained leaves a queue behind: let it drain. Then, as another process of
        // this shared machine may have stalled the step, measure the rate once more and let the
        // second measurement decide.
        await new Promise((resolve) => setTimeout(resolve, 500));
        r.retried.push(s);
        s = await timed(r, r.search.rate, STEP_MS);
        say(`    ${'  (again)'.padEnd(30)} ${fmtStep(s)}`);
        if (!s.sustained) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      r.search.record(s);
    }
  }
  say('- at 80% of each maximum');
  for (const r of running) {
    r.result.steps = r.search.steps;
    r.result.retriedSteps = r.retried;
    const best = r.search.best;
    if (!best) continue;
    r.result.maxOkPerSecond = best.okPerSecond;
    r.result.at80 = await timed(r, 0.8 * best.rate, HOLD_MS);
    say(`    ${r.c.name.padEnd(30)} ${fmtStep(r.result.at80)}`);
    const total = Object.values(r.cache).reduce((sum, n) => sum + n, 0);
    if (total > 0) r.result.cacheHitRatio = (r.cache.hit ?? 0) / total;
    if (r.calls > 0) r.result.cpuMsPerCall = (r.cpuSeconds * 1000) / r.calls;
  }
} finally {
  echo.stop();
  await env?.stop();
}

const echoRate = results.find((r) => r.tool === 'echo')?.maxOkPerSecond;
const echoCpu = results.find((r) => r.tool === 'echo')?.cpuMsPerCall;
for (const r of results) {
  if (r.maxOkPerSecond !== undefined && echoRate) r.ratioToEcho = r.maxOkPerSecond / echoRate;
  if (r.cpuMsPerCall !== undefined && echoCpu !== undefined) r.cpuRatioToEcho = echoCpu / r.cpuMsPerCall;
  const c = CASES.find((x) => x.name === r.case);
  if (c?.lines && !r.skipped) {
    r.lines = {
      ratio: (r.ratioToEcho ?? 0) >= RATIO_LINE,
      p99: r.at80 !== undefined && r.at80.p99Ms <= P99_LINE_MS,
    };
  }
}
say('');
say(
  `bench:server — ${((Date.now() - started) / 1000).toFixed(0)} s, max ok calls/s of sustained fixed arrival rates; p50/p99 at 80% of it`,
);
table(results);
if (values.json) {
  await writeFile(
    values.json,
    `${JSON.stringify({ at: new Date().toISOString(), stepMs: STEP_MS, holdMs: HOLD_MS, lines: { ratio: RATIO_LINE, p99Ms: P99_LINE_MS }, results }, null, 2)}\n`,
  );
  say(`figures written to ${values.json}`);
}
const failedLines = results.filter((r) => r.lines && (!r.lines.ratio || !r.lines.p99));
if (failedLines.length > 0 && !values['no-fail']) {
  say(`a line failed: ${failedLines.map((r) => r.case).join(', ')} (--no-fail only reports)`);
  process.exit(1);
}
process.exit(0);
