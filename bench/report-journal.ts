// A 10-minute scenario's journal for `npm run bench:report`, written with the real JournalWriter:
// calls at 50/s (open model, seeded jitter), six probes sampled every second (readyz, metrics,
// postgres, process, toxiproxy, router with two instances), the driver's lag every second, four
// faults (one overlapping another, one never healed), phases and verdicts with evidence. Record
// shapes follow a real run's (reports of database-restart and canary-deploy); only the values
// are made up, shaped like what those faults do to a target.
import { createHash } from 'node:crypto';
import type { CallRecord, JournalRecord, Outcome } from '../harness/journal/index.ts';
import { JournalWriter } from '../harness/journal/index.ts';

export const DURATION_MS = 600_000;
const RATE = 50;
const TOOLS = ['lookup_customer', 'list_orders', 'create_ticket', 'search_kb'] as const;

/** Faults by offset (ms): a latency toxic, a PostgreSQL restart inside it, a dead upstream, one never healed. */
export const FAULTS = [
  { fault: 'latency(target→postgres, 200ms)', link: 'target→postgres', from: 90_000, to: 210_000 },
  { fault: 'restart(postgres)', from: 150_000, to: 175_000 },
  { fault: 'blackhole(target→upstream)', link: 'target→upstream', from: 300_000, to: 390_000 },
  { fault: 'connection-leak(20)', from: 540_000, to: null },
] as const;

const PHASES = [
  { name: 'baseline', from: 0, to: 60_000 },
  { name: 'chaos', from: 60_000, to: 480_000 },
  { name: 'recovery', from: 480_000, to: DURATION_MS },
];

/** mulberry32: the same journal for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const active = (offset: number, name: string) =>
  FAULTS.some((f) => f.fault.startsWith(name) && offset >= f.from && (f.to === null || offset < f.to));
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

export async function writeJournal(
  path: string,
  seed = 1,
  startedAt = Date.UTC(2026, 10, 25, 2, 0, 0),
): Promise<number> {
  const rnd = random(seed);
  const journal = await JournalWriter.open(path, { retain: false, validate: true });
  const runId = 'bench10m';
  let records = 0;
  const write = (r: JournalRecord) => {
    journal.append(r);
    records++;
  };
  write({
    type: 'header',
    runId,
    scenario: 'ten-minute-soak',
    seed,
    runtime: 'local',
    startedAt,
    versions: {
      harness: '0.1.0',
      node: process.version,
      target: 'reference-dev',
      toxiproxy: '2.12.0',
      postgres: '18.4',
    },
    host: { hostname: 'bench', platform: 'linux', arch: 'x64', cpus: 2, memoryMiB: 24106 },
    config: { target: 'reference', profile: 'nightly', workload: { rate: RATE }, timelineMs: DURATION_MS },
  });
  const evidence: { correlationId: string; message: string }[] = [];
  let seq = 0;
  for (let second = 0; second < DURATION_MS / 1000; second++) {
    const at0 = startedAt + second * 1000;
    for (const p of PHASES) {
      if (p.from === second * 1000) write({ type: 'phase', name: p.name, event: 'start', at: at0 });
      if (p.to === second * 1000) write({ type: 'phase', name: p.name, event: 'end', at: at0 });
    }
    for (const f of FAULTS) {
      const link = 'link' in f ? { link: f.link } : {};
      if (f.from === second * 1000)
        write({ type: 'fault', fault: f.fault, event: 'inject', at: at0 + 3, ...link });
      if (f.to === second * 1000)
        write({ type: 'fault', fault: f.fault, event: 'heal', at: at0 + 2, ...link });
    }
    const offset = second * 1000;
    const phase = PHASES.find((p) => offset >= p.from && offset < p.to)?.name;
    for (let i = 0; i < RATE; i++) {
      const intended = at0 + (i * 1000) / RATE + rnd() * 2;
      const tool = TOOLS[Math.floor(rnd() * TOOLS.length)] as string;
      let ms = 3 + -Math.log(1 - rnd()) * 6;
      let outcome: Outcome = 'ok';
      let code: string | undefined;
      if (active(offset, 'latency')) ms += 200 + rnd() * 40;
      if (active(offset, 'restart') && rnd() < 0.7) {
        outcome = rnd() < 0.8 ? 'error' : 'timeout';
        code = outcome === 'error' ? 'DEPENDENCY_UNAVAILABLE' : 'CALL_TIMEOUT';
        ms = outcome === 'timeout' ? 5000 : 1000 + rnd() * 1000;
      } else if (active(offset, 'blackhole') && tool === 'search_kb') {
        outcome = 'error';
        code = 'UPSTREAM_UNAVAILABLE';
        ms = 2000 + rnd() * 50;
      } else if (active(offset, 'connection-leak') && rnd() < 0.05) {
        outcome = 'transport-error';
        code = 'ECONNRESET';
      }
      const correlationId = `${runId}-${seq++}`;
      const args = { customerId: `cus_${Math.floor(rnd() * 1e6).toString(16)}` };
      const call: CallRecord = {
        type: 'call',
        correlationId,
        vu: i % 10,
        identity: { tenant: `ten_${i % 3}`, role: 'agent' },
        tool,
        args,
        argsDigest: hex(`${tool}${args.customerId}`),
        intendedStart: intended,
        actualStart: intended + rnd(),
        end: intended + ms,
        outcome,
        buildId: 'reference-dev',
        echoedCorrelationId: correlationId,
        resultDigest: hex(correlationId),
        ...(phase ? { phase } : {}),
        ...(code ? { code, message: `${tool} failed: ${code}` } : {}),
      };
      write(call);
      if (outcome !== 'ok' && evidence.length < 50)
        evidence.push({ correlationId, message: `${tool} ${outcome} ${code}` });
    }
    writeProbes(write, at0, offset, rnd);
    write({
      type: 'lag',
      from: at0,
      to: at0 + 1000,
      scheduled: RATE,
      maxLagMs: 1 + rnd() * 8,
      meanLagMs: rnd(),
      dropped: 0,
      eventLoopMaxMs: 5 + rnd() * 20,
    });
    await journal.pressure();
  }
  for (const [check, status] of [
    ['steadyState', 'pass'],
    ['noHangs', 'fail'],
    ['recoversWithin', 'fail'],
    ['gracefulErrors', 'pass'],
    ['driverHealthy', 'pass'],
  ] as const) {
    const shown = status === 'fail' ? evidence.slice(0, 20) : [];
    write({
      type: 'verdict',
      check,
      status,
      summary: `${check}: ${status}`,
      evidence: shown,
      evidenceTotal: status === 'fail' ? evidence.length : 0,
    });
  }
  write({ type: 'end', at: startedAt + DURATION_MS });
  await journal.close();
  return records;
}

function writeProbes(write: (r: JournalRecord) => void, at: number, offset: number, rnd: () => number): void {
  const down = active(offset, 'restart');
  const leaked = active(offset, 'connection-leak') ? Math.min(20, (offset - 540_000) / 2000) : 0;
  const rss = 130e6 + offset * 40 + rnd() * 4e6;
  const poolTotal = down ? 10 : Math.min(10, 2 + Math.round(rnd() * 3) + leaked);
  write({
    type: 'probe',
    name: 'readyz',
    at,
    ok: !down,
    latencyMs: 2 + rnd() * 5,
    ...(down ? { detail: '503' } : {}),
  });
  write({
    type: 'probe',
    name: 'metrics',
    at: at + 1,
    ok: true,
    latencyMs: 20 + rnd() * 10,
    values: {
      process_resident_memory_bytes: rss,
      process_open_fds: 60 + Math.round(rnd() * 10),
      nodejs_eventloop_lag_p99_seconds: 0.01 + rnd() * 0.02,
      nodejs_heap_size_total_bytes: 62e6 + offset * 10,
      nodejs_heap_size_used_bytes: 36e6 + offset * 8,
      db_pool_total: poolTotal,
      db_pool_idle: down ? 0 : Math.max(0, poolTotal - 2 - leaked),
      db_pool_waiting: down ? Math.round(rnd() * 30) : 0,
      db_pool_max: 10,
      mcp_sessions_open: 10,
    },
  });
  write({
    type: 'probe',
    name: 'postgres',
    at: at + 2,
    ok: !down,
    latencyMs: 30 + rnd() * 10,
    ...(down
      ? { detail: 'connection refused' }
      : {
          values: {
            pg_connections: poolTotal + 1,
            pg_max_connections: 200,
            'pg_connections{application_name="mcp-chaos-probe"}': 1,
            'pg_connections{application_name="mcp-reference-server/reference-dev"}': poolTotal,
          },
        }),
  });
  write({
    type: 'probe',
    name: 'process',
    at: at + 3,
    ok: true,
    latencyMs: 1,
    values: { rss_bytes: rss, cpu_seconds_total: offset / 2000 },
  });
  write({
    type: 'probe',
    name: 'toxiproxy',
    at: at + 4,
    ok: true,
    latencyMs: 3,
    values: {
      proxies: 4,
      toxics: FAULTS.filter((f) => 'link' in f && active(offset, f.fault.split('(')[0] as string)).length,
    },
  });
  const router: Record<string, number> = {};
  for (const instance of ['target-1', 'target-2']) {
    const labels = `{build="reference-dev",instance="${instance}"}`;
    router[`router_in_flight${labels}`] = Math.round(rnd() * 5);
    router[`router_weight${labels}`] = 1;
    router[`router_ejected${labels}`] = down && instance === 'target-2' ? 1 : 0;
  }
  write({ type: 'probe', name: 'router', at: at + 5, ok: true, latencyMs: 2, values: router });
}
