// One load-driver run for the benchmark, in a process of its own so that its CPU time is its
// own: the scenario runner's code path (lean or SDK sessions, the executor, makeCall parsing and
// digesting every result, the journal on disk with backpressure, live checks folding every
// record), driven closed-loop by `vus` VUs against `url` until `duration` or `calls` is reached.
// Prints one JSON line: calls, seconds, peak RSS.
import { parseArgs } from 'node:util';
import { driverHealthy, LiveChecks, noHangs } from '../harness/checks/index.ts';
import { generateDataset } from '../harness/dataset/generate.ts';
import { JournalWriter } from '../harness/journal/index.ts';
import {
  type McpClientKind,
  McpSession,
  parseDuration,
  resolveWorkload,
  runWorkload,
} from '../harness/load/index.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    vus: { type: 'string', default: '16' },
    duration: { type: 'string', default: '10s' },
    calls: { type: 'string' },
    client: { type: 'string', default: 'http' },
    journal: { type: 'string', default: '/tmp/mcp-chaos-bench/journal.jsonl' },
    'trace-memory': { type: 'boolean', default: false },
  },
});
if (!values.url) throw new Error('give --url of an MCP endpoint');
const vus = Number(values.vus);
const maxCalls = values.calls ? Number(values.calls) : Number.POSITIVE_INFINITY;
const durationMs = Number.isFinite(maxCalls) ? 24 * 3_600_000 : parseDuration(values.duration);
const dataset = generateDataset(1);
const identities = dataset.tenants.map((t) => ({ tenant: t.id, role: 'agent' as const, token: 'bench' }));
const workload = resolveWorkload(
  { executor: 'constant-vus', vus, client: values.client as McpClientKind, callTimeout: '10s' },
  durationMs,
);
const perIdentity = workload.sessionsPerIdentity(identities.length);
const sessions = await Promise.all(
  identities.map((identity) =>
    Promise.all(
      Array.from({ length: perIdentity }, () =>
        McpSession.connect(values.url as string, identity, { client: workload.client }),
      ),
    ),
  ),
);
const journal = await JournalWriter.open(values.journal, { retain: false, validate: false });
const live = LiveChecks.attach([noHangs({ maxMs: 10_000 }), driverHealthy()], journal);
const stop = new AbortController();
let calls = 0;
let peakRss = 0;
let ticks = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  if (values['trace-memory'] && ++ticks % 20 === 0) {
    const m = process.memoryUsage();
    const mb = (n: number) => (n / 2 ** 20).toFixed(0);
    process.stderr.write(
      `${calls} calls: rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB\n`,
    );
  }
}, 250);
const t0 = performance.now();
await runWorkload(workload, durationMs, {
  runId: 'bench',
  seed: 1,
  dataset,
  sessions,
  append: (record) => {
    journal.append(record);
    if (record.type === 'call' && ++calls >= maxCalls) stop.abort();
  },
  pressure: () => journal.pressure(),
  phase: () => 'load',
  signal: stop.signal,
});
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
const verdicts = live.finish();
await journal.close();
await Promise.all(sessions.flat().map((s) => s.close()));
process.stdout.write(
  `${JSON.stringify({ calls, seconds, peakRssMb: peakRss / 2 ** 20, journalLines: journal.lines, verdicts: verdicts.map((v) => `${v.check}:${v.status}`) })}\n`,
);
process.exit(0);
