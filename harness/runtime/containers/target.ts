/**
 * One target instance as a container on the environment's network (alias `target`), its admin
 * port mapped to the host. kill/restart act on the same container, so its in-network name stays.
 */

import type { ContainerRuntimeClient } from 'testcontainers';
import { GenericContainer, Wait } from 'testcontainers';
import { HarnessError } from '../../errors.ts';
import type { StartedTarget, TargetExit } from '../backend.ts';
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

export async function startTargetContainer(spec: TargetSpec): Promise<StartedTarget> {
  const { client, envId, index } = spec;
  const name = `mcp-chaos-${envId}-target-${index}`;
  const startupTimeoutMs = spec.startupTimeoutMs ?? 60_000;
  try {
    await new GenericContainer(spec.image)
      .withName(name)
      .withLabels({ ...ownerLabels(envId), 'mcp-chaos.role': 'target' })
      .withNetworkMode(spec.network)
      .withNetworkAliases('target', `target-${index}`)
      .withEnvironment({
        ...spec.env,
        MCP_HOST: '0.0.0.0',
        MCP_PORT: String(TARGET_MCP_PORT),
        ADMIN_PORT: String(TARGET_ADMIN_PORT),
      })
      .withExposedPorts(TARGET_ADMIN_PORT)
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
  return {
    get adminUrl() {
      return adminUrl();
    },
    logs: () => tail.text(),
    async resourceUsage() {
      return { ...(await handle.resourceUsage()), instance: `${name} start ${incarnation}` };
    },
    async kill(signal?: NodeJS.Signals) {
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
    },
    async lastExit() {
      return await recordExit();
    },
    async restart() {
      await handle.stop(10);
      await recordExit();
      const sinceS = Math.floor(Date.now() / 1000);
      incarnation++;
      await handle.start();
      await tail.attach(sinceS);
      await waitHealthy(adminUrl(), startupTimeoutMs, handle, () => tail.text());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
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
