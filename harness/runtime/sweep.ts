/**
 * Crash cleanup from outside the dying process (the job Ryuk does where a registry is
 * reachable): remove containers and networks labelled `mcp-chaos=1` whose owner process, on
 * this host, is no longer alive. A live owner's resources are never touched.
 */
import { hostname } from 'node:os';
import type { ContainerRuntimeClient } from 'testcontainers';
import type { ProgressFn } from './backend.ts';
import { isProcessAlive } from './process-alive.ts';

export { isProcessAlive } from './process-alive.ts';

import { dockerClient, LABEL, LABEL_ENV_ID, LABEL_OWNER_HOST, LABEL_OWNER_PID } from './containers/docker.ts';

export interface SweepResult {
  containers: number;
  networks: number;
}

function isOrphan(labels: Record<string, string> | undefined): boolean {
  if (!labels) return false;
  const host = labels[LABEL_OWNER_HOST];
  if (host !== undefined && host !== hostname()) return false; // another host's: not ours to judge
  return !isProcessAlive(Number(labels[LABEL_OWNER_PID]));
}

export async function sweepOrphans(
  progress: ProgressFn,
  client?: ContainerRuntimeClient,
): Promise<SweepResult> {
  const docker = (client ?? (await dockerClient())).container.dockerode;
  const filters = JSON.stringify({ label: [`${LABEL}=1`] });
  const result: SweepResult = { containers: 0, networks: 0 };
  const envs = new Set<string>();

  for (const info of await docker.listContainers({ all: true, filters })) {
    if (!isOrphan(info.Labels)) continue;
    envs.add(info.Labels[LABEL_ENV_ID] ?? '?');
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      result.containers++;
    } catch (error) {
      // 409: another process is removing it right now (two runs sweeping at once): gone either way.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) throw error;
    }
  }
  for (const info of await docker.listNetworks({ filters })) {
    if (!isOrphan(info.Labels)) continue;
    envs.add(info.Labels?.[LABEL_ENV_ID] ?? '?');
    try {
      await docker.getNetwork(info.Id).remove();
      result.networks++;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404) throw error;
    }
  }
  if (result.containers + result.networks > 0) {
    progress(
      `swept ${result.containers} container(s) and ${result.networks} network(s) of dead owners ` +
        `(environment ${[...envs].join(', ')})`,
    );
  }
  return result;
}
