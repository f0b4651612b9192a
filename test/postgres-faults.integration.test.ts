// The PostgreSQL faults on a real environment (both runtimes), each proved from outside:
// terminateBackends kills the target's connections (pg_stat_activity) and is journaled with the
// count; exhaustConnections leaves exactly N ordinary slots (the next non-superuser connection
// is refused, the reserved slots stay free for a superuser) and gives them back on heal; pause
// freezes every process of PostgreSQL (local: /proc states; containers: the container's state)
// so that a real query hangs, then completes after heal; stop/start. After each, the target
// serves a real MCP call again.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { EXHAUST_APPLICATION_NAME } from '../harness/faults/postgres-connections.ts';
import {
  Environment,
  Fault,
  type JournalRecord,
  McpSession,
  type StartedEnvironment,
} from '../harness/index.ts';
import { descendants, processState } from '../harness/runtime/local/process-tree.ts';
import { TimelinePlayer } from '../harness/scenario/timeline.ts';
import { testRuntimes } from './support/runtimes.ts';

// The reference server names its pool `mcp-reference-server/<build id>`; the default build id.
const TARGET_APP = 'mcp-reference-server/reference-dev';
const TEST_APP = 'pg-faults-test';
const TESTER_ROLE = 'faults_tester'; // pg_ names are reserved
const TOO_MANY = /too many clients|remaining connection slots are reserved/;

/** A direct connection (not through Toxiproxy) that never crashes the test when the server drops it. */
async function connect(url: string, timeoutMs = 5_000): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: TEST_APP,
    connectionTimeoutMillis: timeoutMs,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** end(), or drop the socket when the server does not answer. */
async function close(client: pg.Client): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), sleep(2_000)]);
  client.connection.stream.destroy();
}

/** The same server as `url`, as another role, on the maintenance database. */
function asRole(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  parsed.pathname = '/postgres';
  parsed.searchParams.set('application_name', TEST_APP);
  return parsed.toString();
}

async function countByApp(client: pg.Client, app: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND backend_type = 'client backend'",
    [app],
  );
  return rows[0]?.n ?? 0;
}

/** Slots a non-superuser could still take now: max_connections less reserved less client backends. */
async function freeOrdinarySlots(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ free: number }>(`
    SELECT current_setting('max_connections')::int
           - current_setting('superuser_reserved_connections')::int
           - coalesce(current_setting('reserved_connections', true)::int, 0)
           - (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS free`);
  return rows[0]?.free ?? -1;
}

/** One real MCP call through the target, retried for up to `withinMs` (the pool reconnects). */
async function callSucceeds(env: StartedEnvironment, withinMs = 20_000): Promise<number> {
  const identity = env.identities.find((i) => i.role === 'agent');
  if (!identity) throw new Error('the environment minted no agent identity');
  const customerId = env.dataset.customers.find((c) => c.tenantId === identity.tenant)?.id;
  const deadline = Date.now() + withinMs;
  let last = '';
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      const session = await McpSession.connect(env.mcpUrl, identity);
      try {
        const result = await session.call('lookup_customer', { customerId }, randomUUID(), 5_000);
        if (!result.isError) return attempt;
        last = JSON.stringify(result.structuredContent ?? result.content);
      } finally {
        await session.close();
      }
    } catch (error) {
      last = String(error);
    }
    await sleep(250);
  }
  throw new Error(`no successful MCP call within ${withinMs} ms; last: ${last}`);
}

/** A promise's outcome, readable without awaiting it (and never an unhandled rejection). */
function track<T>(promise: Promise<T>): {
  settled: boolean;
  value?: T;
  error?: unknown;
  done: Promise<void>;
} {
  const state: { settled: boolean; value?: T; error?: unknown; done: Promise<void> } = {
    settled: false,
    done: Promise.resolve(),
  };
  state.done = promise.then(
    (value) => {
      Object.assign(state, { settled: true, value });
    },
    (error: unknown) => {
      Object.assign(state, { settled: true, error });
    },
  );
  return state;
}

/** local: the postmaster (a backend's parent) and every process under it, with their states. */
async function postgresTree(backendPid: number): Promise<Map<number, string | undefined>> {
  const stat = await readFile(`/proc/${backendPid}/stat`, 'utf8');
  const postmaster = Number(
    stat
      .slice(stat.lastIndexOf(')') + 1)
      .trim()
      .split(/\s+/)[1],
  );
  const pids = [postmaster, ...(await descendants(postmaster))];
  return new Map(await Promise.all(pids.map(async (pid) => [pid, await processState(pid)] as const)));
}

/** containers: the engine's view of this process's PostgreSQL container. */
async function postgresContainerState(): Promise<{ Status: string; Paused: boolean }> {
  const { dockerClient, LABEL_OWNER_PID } = await import('../harness/runtime/containers/docker.ts');
  const client = await dockerClient();
  const [info] = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [`${LABEL_OWNER_PID}=${process.pid}`, 'mcp-chaos.role=postgres'] },
  });
  if (!info) throw new Error('no PostgreSQL container of this process');
  return (await client.container.dockerode.getContainer(info.Id).inspect()).State;
}

async function terminateBackends(env: StartedEnvironment): Promise<void> {
  await callSucceeds(env); // the pool holds at least one connection now
  const admin = await connect(env.postgresUrl);
  try {
    const before = await countByApp(admin, TARGET_APP);
    expect(before).toBeGreaterThan(0);
    // Through the timeline player, which journals the instant fault's inject and (no-op) heal.
    const records: JournalRecord[] = [];
    const fault = Fault.terminateBackends('postgres');
    await new TimelinePlayer(env, (r) => records.push(r)).play([
      { name: 'terminate', durationMs: 100, faults: [fault] },
    ]);
    const faults = records.filter((r) => r.type === 'fault');
    expect(faults.map((r) => [r.fault, r.event])).toEqual([
      ['terminateBackends(postgres)', 'injecting'],
      ['terminateBackends(postgres)', 'inject'],
      ['terminateBackends(postgres)', 'healing'],
      ['terminateBackends(postgres)', 'heal'],
    ]);
    expect(fault.terminated).toBe(before);
    // The journal says what the instant fault did.
    expect(faults[1]?.detail).toBe(`terminated ${before} backend${before === 1 ? '' : 's'} of ${TARGET_APP}`);
    // pg_terminate_backend waited for them: gone at once.
    expect(await countByApp(admin, TARGET_APP)).toBe(0);
  } finally {
    await close(admin);
  }
  await callSucceeds(env); // the target reconnects by itself
}

async function exhaustConnections(env: StartedEnvironment): Promise<void> {
  const leave = 2;
  const admin = await connect(env.postgresUrl);
  const password = randomBytes(12).toString('hex');
  await admin.query(`DROP ROLE IF EXISTS ${TESTER_ROLE}`);
  await admin.query(`CREATE ROLE ${TESTER_ROLE} LOGIN NOSUPERUSER PASSWORD '${password}'`);
  const testerUrl = asRole(env.postgresUrl, TESTER_ROLE, password);
  const testers: pg.Client[] = [];
  const fault = Fault.exhaustConnections('postgres', { leave });
  try {
    // The target then holds no connection, and opens none while nobody calls it: the slot
    // counts below do not move under the test (its pool closes idle ones after 30 s).
    await Fault.terminateBackends('postgres').inject(env);
    await fault.inject(env);
    const held = await countByApp(admin, EXHAUST_APPLICATION_NAME);
    expect(held).toBeGreaterThan(50); // the runtimes allow 100 (containers) and 200 (local)
    expect(await freeOrdinarySlots(admin)).toBe(leave);
    // Exactly `leave` more non-superuser connections, and not one more.
    for (let i = 0; i < leave; i++) testers.push(await connect(testerUrl));
    await expect(connect(testerUrl)).rejects.toThrow(TOO_MANY);
    // The reserved slots stayed free: a superuser (the probe, an operator) still gets in.
    const superuser = await connect(env.postgresUrl);
    await close(superuser);

    await fault.heal(env);
    await fault.heal(env); // idempotent
    for (let i = 0; i < 50 && (await countByApp(admin, EXHAUST_APPLICATION_NAME)) > 0; i++) await sleep(100);
    expect(await countByApp(admin, EXHAUST_APPLICATION_NAME)).toBe(0);
    testers.push(await connect(testerUrl)); // the one refused before
  } finally {
    await fault.heal(env);
    await Promise.all(testers.map(close));
    await admin.query(`DROP ROLE IF EXISTS ${TESTER_ROLE}`).catch(() => undefined);
    await close(admin);
  }
  await callSucceeds(env);
}

async function pause(env: StartedEnvironment): Promise<void> {
  const direct = await connect(env.postgresUrl);
  const fault = Fault.pause('postgres');
  try {
    const { rows } = await direct.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backendPid = rows[0]?.pid ?? 0;
    await fault.inject(env);
    // A real query on an open connection hangs, and a new connection does not get through.
    const query = track(direct.query<{ answer: number }>('SELECT 42 AS answer'));
    await expect(connect(env.postgresUrl, 1_000)).rejects.toThrow(/timeout/i);
    await sleep(1_500);
    expect(query.settled).toBe(false);
    if (env.runtime === 'local') {
      const tree = await postgresTree(backendPid);
      // postmaster, checkpointer, background writer, walwriter, autovacuum launcher, … and backends
      expect(tree.size).toBeGreaterThanOrEqual(5);
      expect(tree.has(backendPid)).toBe(true);
      expect([...tree].filter(([, state]) => state !== 'T')).toEqual([]);
    } else {
      expect(await postgresContainerState()).toMatchObject({ Status: 'paused', Paused: true });
    }

    await fault.heal(env);
    await Promise.race([query.done, sleep(10_000)]);
    expect(query.error).toBeUndefined();
    expect(query.value?.rows).toEqual([{ answer: 42 }]);
    if (env.runtime === 'local') {
      const tree = await postgresTree(backendPid);
      expect([...tree].filter(([, state]) => state === 'T')).toEqual([]);
    } else {
      expect(await postgresContainerState()).toMatchObject({ Status: 'running', Paused: false });
    }
  } finally {
    await fault.heal(env);
    await close(direct);
  }
  await callSucceeds(env);
}

async function stop(env: StartedEnvironment): Promise<void> {
  const fault = Fault.stop('postgres');
  try {
    await fault.inject(env);
    await expect(connect(env.postgresUrl, 2_000)).rejects.toThrow();
    if (env.runtime === 'containers') {
      expect(await postgresContainerState()).toMatchObject({ Status: 'exited' });
    }
    await fault.heal(env);
    const direct = await connect(env.postgresUrl); // in containers, on a new host port
    await close(direct);
  } finally {
    await fault.heal(env);
  }
  await callSucceeds(env);
}

/** Left paused, the environment's stop() thaws PostgreSQL and stops everything, in bounded time. */
async function stopWhilePaused(env: StartedEnvironment): Promise<void> {
  const direct = await connect(env.postgresUrl);
  const { rows } = await direct.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const tree = env.runtime === 'local' ? [...(await postgresTree(rows[0]?.pid ?? 0)).keys()] : [];
  await close(direct);
  await Fault.pause('postgres').inject(env); // and never healed by the fault
  const started = Date.now();
  await env.stop();
  expect(Date.now() - started).toBeLessThan(30_000);
  if (env.runtime === 'local') {
    expect(tree.length).toBeGreaterThanOrEqual(5);
    const states = await Promise.all(tree.map((pid) => processState(pid)));
    expect(states.filter((state) => state !== undefined)).toEqual([]);
  } else {
    await expect(postgresContainerState()).rejects.toThrow('no PostgreSQL container');
  }
}

describe.each(testRuntimes())('PostgreSQL faults on %s', (runtime) => {
  it('terminate backends, exhaust connections, pause the whole tree, stop; each healed', async () => {
    await using env = await new Environment().withRuntime(runtime).start();
    await terminateBackends(env);
    await exhaustConnections(env);
    await pause(env);
    await stop(env);
    await stopWhilePaused(env);
  });
});
