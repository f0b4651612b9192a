/**
 * One target instance as a container on the environment's network (alias `target`), its admin
 * port mapped to the host. kill/restart act on the same container, so its in-network name stays.
 */

import type { ContainerRuntimeClient } from 'testcontainers';
import { GenericContainer, Wait } from 'testcontainers';
import { HarnessError } from '../../errors.ts';
import type { StartedTarget, TargetExit } from '../backend.ts';
import { ExitReports, epochNow, finishedAt, logTail } from '../exit-reports.ts';
import { ContainerHandle, ownerLabels } from './docker.ts';
import { LogTail } from './log-tail.ts';

export const TARGET_MCP_PORT = 3000;
export const TARGET_ADMIN_PORT = 3001;

export interface TargetSpec {
  client: ContainerRuntimeClient;
  image: string;
  network: string;
  envId: string;
  index: number;
  env: Record<string, string>;
  startupTimeoutMs?: number;
}

/** One run of the container, from a start to its exit. */
interface Incarnation {
  /** The harness is ending this run (kill, restart, stop): its exit is expected. */
  ending: boolean;
  /** Settles once its exit has been reported (or the watch was given up). */
  reported: Promise<void>;
}

export async function startTargetContainer(spec: TargetSpec): Promise<StartedTarget> {
  const { client, envId, index } = spec;
  const name = `mcp-chaos-${envId}-target-${index}`;
  const startupTimeoutMs = spec.startupTimeoutMs ?? 60_000;
  try {
    await new GenericContainer(spec.image)
      .withName(name)
      .withLabels({ ...ownerLabels(envId), 'mcp-chaos.role': 'target' })
      .withNetworkMode(spec.network)
      // Only instance 0 answers to `target` (where Toxiproxy's client→target link points when
      // there is no router): one alias on several containers would make the engine's DNS pick one.
      .withNetworkAliases(...(index === 0 ? ['target'] : []), `target-${index}`)
      .withEnvironment({
        ...spec.env,
        MCP_HOST: '0.0.0.0',
        MCP_PORT: String(TARGET_MCP_PORT),
        ADMIN_PORT: String(TARGET_ADMIN_PORT),
      })
      .withExposedPorts(TARGET_ADMIN_PORT, TARGET_MCP_PORT)
      .withWaitStrategy(
        Wait.forHttp('/healthz', TARGET_ADMIN_PORT, { abortOnContainerExit: true }).forStatusCode(200),
      )
      .withStartupTimeout(startupTimeoutMs)
      .start();
  } catch (error) {
    const handle = new ContainerHandle(client, name, name);
    const logs = await handle.logs(50); // testcontainers may have removed it: its error has the logs
    await handle.remove();
    throw new HarnessError(
      'TARGET_START',
      `Target ${name} (${spec.image}) not healthy (GET /healthz on ${TARGET_ADMIN_PORT}, budget ` +
        `${startupTimeoutMs}ms): ${String(error)}${logs ? `\n--- last log lines ---\n${logs}` : ''}`,
      { cause: error },
    );
  }
  const handle = new ContainerHandle(client, name, name);
  await handle.refresh();
  const tail = new LogTail(client, name);
  await tail.attach(0);

  const adminUrl = () => `http://${handle.host}:${handle.mappedPort(TARGET_ADMIN_PORT)}`;
  let stopped = false;
  // Bumped on every start of the same container: its cgroup's CPU time starts again from zero.
  let incarnation = 0;
  // How it last exited, read from the engine once it had stopped.
  let exit: TargetExit | undefined;
  const recordExit = async (): Promise<TargetExit | undefined> => {
    const state = await handle.state();
    if (state.running) return exit;
    const logs = await handle.logs(5);
    exit = {
      code: state.exitCode,
      signal: null, // the engine reports a signal death as 128 + n only
      logTail: logs.split('\n').filter((line) => line.trim() !== ''),
    };
    return exit;
  };

  // Each run of the container between a start and its exit, watched by one long-held wait
  // request to the engine: its exit is reported the moment the engine sees it, whoever caused it.
  const exits = new ExitReports();
  const watching = new AbortController();
  const watch = (n: number): Incarnation => {
    const run: Incarnation = { ending: false, reported: Promise.resolve() };
    run.reported = (async () => {
      let status: number | undefined;
      while (status === undefined) {
        try {
          status = await handle.waitNotRunning(watching.signal);
        } catch (error) {
          // Stopped, or removed behind the harness's back: no exit left to wait for.
          if (watching.signal.aborted || (error as { statusCode?: number }).statusCode === 404) return;
          // The engine dropped the request (restarted, timed out): ask again, the exit is still ahead or just behind.
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
      const seen = epochNow();
      const code = status;
      const expected = run.ending; // as it stood at the exit, not once its logs are in
      await exits.report(async () => {
        const state = await handle.state().catch(() => undefined);
        // Only this run's lines: the engine keeps the output of every run of the container.
        const started = state ? Date.parse(state.startedAt) : Number.NaN;
        const logs = await handle.logs(300, Number.isFinite(started) ? started / 1000 : undefined);
        return {
          at: finishedAt(state?.finishedAt, seen),
          instance: `${name} start ${n}`,
          expected,
          code,
          signal: null, // the engine reports a signal death as 128 + n only
          logTail: logTail(logs),
          ...(state?.oomKilled ? { oomKilled: true } : {}),
        };
      });
    })();
    return run;
  };
  let current = watch(incarnation);
  /** Waits (bounded) until the current run's exit has reached the listeners. */
  const reported = async (timeoutMs = 5_000) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      current.reported,
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  };

  return {
    get adminUrl() {
      return adminUrl();
    },
    get mcpUrl() {
      return `http://${handle.host}:${handle.mappedPort(TARGET_MCP_PORT)}`;
    },
    logs: () => tail.text(),
    onLog: (listener) => tail.onLine(listener),
    async resourceUsage() {
      return { ...(await handle.resourceUsage()), instance: `${name} start ${incarnation}` };
    },
    async kill(signal?: NodeJS.Signals) {
      current.ending = true;
      await handle.kill(signal ?? 'SIGKILL');
      // Wait for it to exit; one that outlives its signal by 10 s is killed for good.
      const deadline = Date.now() + 10_000;
      while ((await handle.state()).running) {
        if (Date.now() > deadline) {
          await handle.kill('SIGKILL');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await handle.stop(1); // returns once the engine says it is stopped (a no-op if it already is)
      await recordExit();
      // Listeners hear of the exit before the caller goes on (a kill fault journals it after).
      await reported();
    },
    onExit(listener) {
      return exits.subscribe(listener);
    },
    async lastExit() {
      return await recordExit();
    },
    async restart() {
      current.ending = true;
      await handle.stop(10);
      await recordExit();
      // Before the next start: the engine's state and logs then still describe this exit.
      await reported();
      const sinceS = Math.floor(Date.now() / 1000);
      incarnation++;
      await handle.start();
      current = watch(incarnation);
      await tail.attach(sinceS);
      await waitHealthy(adminUrl(), startupTimeoutMs, handle, () => tail.text());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await exits.close();
      current.ending = true;
      watching.abort();
      tail.detach();
      await handle.remove();
    },
  };
}

async function waitHealthy(
  adminUrl: string,
  timeoutMs: number,
  handle: ContainerHandle,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!(await handle.running())) {
      last = 'the container exited';
      break;
    }
    try {
      const response = await fetch(`${adminUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new HarnessError(
    'TARGET_START',
    `Target ${handle.name} not healthy at ${adminUrl}/healthz (budget ${timeoutMs}ms): ${last}\n` +
      `--- last log lines ---\n${logs()}`,
  );
}
