// The probes on a real environment (both runtimes): while real MCP calls run they journal
// /readyz, /metrics, pg_stat_activity, the target's memory and CPU and Toxiproxy's proxies with
// real values; when PostgreSQL is stopped the postgres probe says so (ok: false) without
// throwing, and reads again once it is back (in containers, on a new host port).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  Environment,
  type JournalRecord,
  McpSession,
  type ProbeRecord,
  type StartedEnvironment,
  seriesKey,
  startProbes,
} from '../harness/index.ts';
import { journalRecord } from '../harness/journal/index.ts';
import { testRuntimes } from './support/runtimes.ts';

// The reference server names its pool `mcp-reference-server/<build id>`; the default build id.
const TARGET_APP = 'mcp-reference-server/reference-dev';
const PROBE_APP = 'mcp-chaos-probe';
const MB = 1024 * 1024;

/** Polls the journaled records until one after index `from` matches, or fails naming what it saw. */
async function waitForSample(
  records: ProbeRecord[],
  name: string,
  from: number,
  match: (record: ProbeRecord) => boolean,
  timeoutMs = 20_000,
): Promise<ProbeRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = records.slice(from).find((r) => r.name === name && match(r));
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = records.slice(from).filter((r) => r.name === name);
      throw new Error(
        `no matching ${name} sample within ${timeoutMs} ms; last seen: ${JSON.stringify(seen.slice(-2))}`,
      );
    }
    await sleep(50);
  }
}

/** Real MCP calls for `ms`, so that the pool, the counters and the CPU move. */
async function callFor(env: StartedEnvironment, ms: number): Promise<number> {
  const identity = env.identities.find((i) => i.role === 'agent');
  if (!identity) throw new Error('the environment minted no agent identity');
  const customers = env.dataset.customers.filter((c) => c.tenantId === identity.tenant);
  const session = await McpSession.connect(env.mcpUrl, identity);
  let ok = 0;
  try {
    const end = Date.now() + ms;
    for (let i = 0; Date.now() < end; i++) {
      const customerId = customers[i % customers.length]?.id;
      const results = await Promise.all([
        session.call('lookup_customer', { customerId }, randomUUID(), 5000),
        session.call('list_orders', { customerId, limit: 20 }, randomUUID(), 5000),
      ]);
      ok += results.filter((r) => !r.isError).length;
    }
  } finally {
    await session.close();
  }
  return ok;
}

/**
 * The containers runtime reads the target's cgroup files when the engine is on this host, and
 * the engine's stats API where it is not: both ways, on the real target container, must agree.
 */
async function crossCheckContainerUsage(): Promise<void> {
  // Loaded here: a local-only run must not need testcontainers.
  const { ContainerHandle, dockerClient, LABEL_OWNER_PID } = await import(
    '../harness/runtime/containers/docker.ts'
  );
  const client = await dockerClient();
  const [info] = await client.container.dockerode.listContainers({
    filters: { label: [`${LABEL_OWNER_PID}=${process.pid}`, 'mcp-chaos.role=target'] },
  });
  if (!info) throw new Error('no running target container of this process');
  const handle = new ContainerHandle(client, info.Id, info.Names[0] ?? info.Id);
  await handle.refresh();
  const fromFiles = await handle.resourceUsage();
  const fromEngine = await handle.stats();
  const fromFilesAgain = await handle.resourceUsage();
  expect(fromFiles.rssBytes).toBeGreaterThan(10 * MB);
  expect(Math.abs(fromEngine.rssBytes - fromFiles.rssBytes)).toBeLessThan(0.2 * fromFiles.rssBytes);
  // One cumulative counter read three times in a row: never backwards.
  expect(fromEngine.cpuSeconds).toBeGreaterThanOrEqual(fromFiles.cpuSeconds);
  expect(fromFilesAgain.cpuSeconds).toBeGreaterThanOrEqual(fromEngine.cpuSeconds);
}

describe.each(testRuntimes())('probes on %s', (runtime) => {
  it('journal real readings while calls run, and survive PostgreSQL going away and coming back', async () => {
    await using env = await new Environment().withRuntime(runtime).start();
    const records: ProbeRecord[] = [];
    const append = (record: JournalRecord) => {
      // Through the journal's own schema, as the writer would: what is journaled must parse.
      const parsed = journalRecord.parse(JSON.parse(JSON.stringify(record)));
      if (parsed.type === 'probe') records.push(parsed);
    };
    await using probes = startProbes(env, append, { intervalMs: 250 });

    // ~3 s of real calls.
    expect(await callFor(env, 3000)).toBeGreaterThan(10);
    const of = (name: string) => records.filter((r) => r.name === name);
    for (const name of ['readyz', 'metrics', 'postgres', 'process', 'toxiproxy']) {
      expect(of(name).length, name).toBeGreaterThanOrEqual(6);
      expect(
        of(name)
          .filter((r) => !r.ok)
          .map((r) => r.detail),
        name,
      ).toEqual([]);
    }

    // /metrics: the pool gauges and Node's memory, parsed from the target's own exposition.
    // Readings taken after the calls ended, when the pool no longer grows.
    const quiet = records.length;
    const metrics = (await waitForSample(records, 'metrics', quiet, (r) => r.ok)).values ?? {};
    const pgValues = (await waitForSample(records, 'postgres', quiet, (r) => r.ok)).values ?? {};
    expect(metrics.db_pool_total).toBeGreaterThan(0);
    expect(metrics.db_pool_idle).toBeGreaterThanOrEqual(0);
    expect(metrics.db_pool_waiting).toBe(0);
    expect(metrics.process_resident_memory_bytes).toBeGreaterThan(10 * MB);
    expect(
      metrics[seriesKey('mcp_tool_calls_total', { tool: 'lookup_customer', code: 'OK' })],
    ).toBeGreaterThan(0);

    // pg_stat_activity: the target's connections under its own name, the probe's apart, exactly one.
    for (const sample of of('postgres')) {
      const values = sample.values ?? {};
      expect(values[seriesKey('pg_connections', { application_name: PROBE_APP })]).toBe(1);
      expect(values.pg_max_connections).toBeGreaterThan(0);
    }
    const targetConnections = pgValues[seriesKey('pg_connections', { application_name: TARGET_APP })] ?? 0;
    expect(targetConnections).toBeGreaterThan(0);
    // The same count read independently: the probe's own connection is not in the target's.
    const check = new pg.Client({ connectionString: env.postgresUrl, application_name: 'probes-test' });
    await check.connect();
    try {
      const { rows } = await check.query<{ app: string; n: number }>(
        "SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1",
      );
      const count = (app: string) => rows.find((r) => r.app === app)?.n ?? 0;
      expect(count(PROBE_APP)).toBe(1);
      expect(count(TARGET_APP)).toBe(metrics.db_pool_total); // the pool is idle now: nothing moves
      expect(targetConnections).toBe(count(TARGET_APP));
    } finally {
      await check.end();
    }

    // The target's process: real RSS, CPU time that grew while it served calls.
    const process_ = of('process').map((r) => r.values ?? {});
    expect(process_.every((v) => (v.rss_bytes ?? 0) > 10 * MB)).toBe(true);
    expect(process_.at(-1)?.cpu_seconds_total).toBeGreaterThan(process_[0]?.cpu_seconds_total ?? Infinity);
    expect(process_.some((v) => (v.cpu_percent ?? 0) > 0)).toBe(true);

    if (runtime === 'containers') await crossCheckContainerUsage();

    // Toxiproxy: every link, enabled, no toxic; then a toxic shows with its type and attributes.
    const proxies = of('toxiproxy').at(-1)?.proxies ?? [];
    expect(proxies.map((p) => p.link).sort()).toEqual([
      'client→target',
      'target→identity',
      'target→postgres',
      'target→upstream',
    ]);
    expect(proxies.find((p) => p.link === 'target→postgres')).toMatchObject({
      name: 'target-postgres',
      enabled: true,
      toxics: [],
    });
    const link = env.links.get('target→postgres');
    const toxic = await link.addToxic({
      type: 'latency',
      attributes: { latency: 5, jitter: 0 },
      name: 'probe-test',
    });
    const withToxic = await waitForSample(records, 'toxiproxy', records.length, (r) =>
      Boolean(r.proxies?.some((p) => p.toxics.length > 0)),
    );
    expect(withToxic.values?.[seriesKey('proxy_toxics', { link: 'target→postgres' })]).toBe(1);
    expect(withToxic.proxies?.find((p) => p.link === 'target→postgres')?.toxics).toEqual([
      {
        name: 'probe-test',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 5, jitter: 0 },
      },
    ]);
    await link.removeToxic(toxic);

    // PostgreSQL goes away: the postgres probe says so, and the others go on.
    await env.stopPostgres();
    const stoppedAt = records.length;
    const down = await waitForSample(records, 'postgres', stoppedAt, (r) => !r.ok);
    expect(down.detail).toMatch(/PostgreSQL at .+: cannot/);
    await waitForSample(records, 'readyz', stoppedAt, (r) => !r.ok);
    await waitForSample(records, 'process', stoppedAt, (r) => r.ok);
    await waitForSample(records, 'toxiproxy', stoppedAt, (r) => r.ok);

    // It comes back (in containers on another host port): the probe reconnects by itself.
    await env.startPostgres();
    const startedAt = records.length;
    const back = await waitForSample(records, 'postgres', startedAt, (r) => r.ok);
    expect(back.values?.[seriesKey('pg_connections', { application_name: PROBE_APP })]).toBe(1);
    await waitForSample(records, 'readyz', startedAt, (r) => r.ok);

    await probes.stop();
    const count = records.length;
    await sleep(600);
    expect(records.length).toBe(count); // nothing after stop()
  });
});
