// How much a call costs the statistics: the call-stats fold and a thresholds check, each updated
// with 1,000,000 synthetic calls, in ns per update, plus the memory the folds hold at the end.
// Run: node_modules/.bin/node --expose-gc bench/stats.ts [calls]
import { thresholds } from '../harness/checks/index.ts';
import type { CallRecord } from '../harness/journal/index.ts';
import { callStatsFold, footprint } from '../harness/stats/index.ts';

const CALLS = Number(process.argv[2] ?? 1_000_000);
const TOOLS = ['lookup_customer', 'list_orders', 'create_ticket', 'search_customers', 'get_order'];
const PHASES = ['baseline', 'fault', 'recovery'];
const OUTCOMES = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'error', 'transport-error', 'timeout'] as const;

/**
 * A pool of distinct records reused with fresh times, so that the benchmark measures the folds
 * and not the allocation of a million records (the journal reader allocates those anyway).
 */
const POOL = 4096;
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pool: CallRecord[] = Array.from({ length: POOL }, (_, i) => ({
  type: 'call',
  correlationId: `run-${i}`,
  vu: i % 16,
  identity: { tenant: `t${i % 3}`, role: 'agent' },
  tool: TOOLS[i % TOOLS.length] as string,
  args: {},
  argsDigest: `d${i}`,
  intendedStart: 0,
  actualStart: 0,
  end: 0,
  phase: PHASES[Math.floor((i / POOL) * PHASES.length)],
  outcome: OUTCOMES[i % OUTCOMES.length] as CallRecord['outcome'],
  code: i % OUTCOMES.length === 7 ? 'NOT_FOUND' : undefined,
}));
// Log-normal-ish durations from 0.2 ms to a few seconds, in fractional ms as the driver records them.
const durations = Float64Array.from({ length: POOL }, () => Math.exp(random() * 9 - 1.5));

function feed(update: (record: CallRecord) => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    const record = pool[i % POOL] as CallRecord;
    const at = i * 0.5;
    record.intendedStart = at;
    record.actualStart = at + (i % 7) * 0.01;
    record.end = at + (durations[i % POOL] as number);
    update(record);
  }
  return Number(process.hrtime.bigint() - started) / CALLS;
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  // Histogram counts live in typed arrays, outside the JS heap: count both.
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
}

const before = heapMb();
const stats = callStatsFold();
const statsState = stats.init();
const statsNs = feed((r) => stats.update(statsState, r));
const finishStarted = process.hrtime.bigint();
const snapshot = stats.finish(statsState);
const finishMs = Number(process.hrtime.bigint() - finishStarted) / 1e6;

const check = thresholds({
  call_duration: ['p(95)<500', 'p(99)<2000', 'avg<300'],
  'call_service{tool:lookup_customer}': ['p(90)<400'],
  call_failed: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '10s' }],
  calls: ['count>100'],
});
const thresholdState = check.init();
const thresholdsNs = feed((r) => check.update(thresholdState, r));
const verdict = check.finish(thresholdState);
const after = heapMb();

const f = footprint(statsState);
process.stdout.write(
  `${[
    `calls:                       ${CALLS.toLocaleString('en-US')}`,
    `callStatsFold.update:        ${statsNs.toFixed(0)} ns/call`,
    `callStatsFold.finish:        ${finishMs.toFixed(1)} ms (${snapshot.phases.length} phases, ${snapshot.tools.length} tools)`,
    `thresholds.update (6 exprs): ${thresholdsNs.toFixed(0)} ns/call (${verdict.status}: ${verdict.summary})`,
    `stats state:                 ${f.cells} cells, ${f.histograms} histograms, ${f.buckets.toLocaleString('en-US')} counts, ${(f.bytes / 1024).toFixed(0)} KiB`,
    `memory held by both folds:   ${(after - before).toFixed(1)} MiB${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for a steady figure)'}`,
    `total p95 latency:           ${snapshot.total.latencyMs?.p95.toFixed(3)} ms`,
  ].join('\n')}\n`,
);
