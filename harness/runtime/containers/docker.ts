/**
 * Thin helpers over testcontainers' runtime client (dockerode underneath): engine and image
 * checks, labelled networks, and a handle on one container whose host-mapped ports are
 * re-read after every start (a restart changes them).
 */
import { hostname } from 'node:os';
import { type ContainerRuntimeClient, getContainerRuntimeClient } from 'testcontainers';
import { HarnessError } from '../../errors.ts';
import { cgroupUsage } from './cgroup.ts';
import { type ContainerUsage, usageFromDockerStats } from './stats.ts';

export const LABEL = 'mcp-chaos';
export const LABEL_OWNER_PID = 'mcp-chaos.owner-pid';
export const LABEL_OWNER_HOST = 'mcp-chaos.owner-host';
export const LABEL_ENV_ID = 'mcp-chaos.env-id';

export function ownerLabels(envId: string): Record<string, string> {
  return {
    [LABEL]: '1',
    [LABEL_OWNER_PID]: String(process.pid),
    [LABEL_OWNER_HOST]: hostname(),
    [LABEL_ENV_ID]: envId,
  };
}

/** The engine's client, or DOCKER_UNAVAILABLE naming the fix. */
export async function dockerClient(): Promise<ContainerRuntimeClient> {
  // Ryuk (testcontainers' reaper) needs an image from a registry; sweep.ts does its job here.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  try {
    const client = await getContainerRuntimeClient();
    await client.container.dockerode.ping();
    return client;
  } catch (error) {
    throw new HarnessError(
      'DOCKER_UNAVAILABLE',
      'No Docker engine answers: run `bash scripts/setup.sh docker` (installs/starts one as root), ' +
        'or use the local runtime (--runtime local).',
      { cause: error },
    );
  }
}

export async function requireImages(client: ContainerRuntimeClient, images: string[]): Promise<void> {
  const missing: string[] = [];
  for (const image of images) {
    try {
      await client.container.dockerode.getImage(image).inspect();
    } catch {
      missing.push(image);
    }
  }
  if (missing.length > 0) {
    throw new HarnessError(
      'IMAGE_MISSING',
      `Image(s) ${missing.join(', ')} not found: run bash scripts/setup.sh images (builds them locally).`,
    );
  }
}

export interface DockerNetwork {
  readonly name: string;
  /** Where containers on this network reach a server the harness runs on the host. */
  readonly gateway: string;
  remove(): Promise<void>;
}

export async function createNetwork(client: ContainerRuntimeClient, envId: string): Promise<DockerNetwork> {
  const name = `mcp-chaos-${envId}`;
  const network = await client.network.create({
    Name: name,
    CheckDuplicate: true,
    Driver: 'bridge',
    Labels: ownerLabels(envId),
  });
  const info = (await network.inspect()) as { IPAM?: { Config?: { Gateway?: string }[] } };
  const gateway = info.IPAM?.Config?.[0]?.Gateway;
  if (!gateway) {
    await network.remove().catch(() => undefined);
    throw new HarnessError('DEPENDENCY_START', `Network ${name} has no IPAM gateway: cannot reach the host.`);
  }
  return { name, gateway, remove: () => network.remove().then(() => undefined, ignoreGone) };
}

function ignoreGone(error: unknown): void {
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== 404) throw error;
}

/** One container by id: lifecycle through the engine, mapped ports re-read after each start. */
export class ContainerHandle {
  readonly #client: ContainerRuntimeClient;
  readonly id: string;
  readonly name: string;
  readonly host: string;
  #ports = new Map<number, number>();
  // From the last refresh: the full id and the main process's pid on the engine's host (0 when stopped).
  #containerId = '';
  #pid = 0;

  constructor(client: ContainerRuntimeClient, id: string, name: string) {
    this.#client = client;
    this.id = id;
    this.name = name;
    this.host = client.info.containerRuntime.host;
  }

  get #container() {
    return this.#client.container.dockerode.getContainer(this.id);
  }

  /** Host port mapped to `port` at the last refresh (start). */
  mappedPort(port: number): number {
    const mapped = this.#ports.get(port);
    if (mapped === undefined)
      throw new HarnessError('DEPENDENCY_START', `${this.name}: port ${port} is not mapped`);
    return mapped;
  }

  async refresh(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const info = await this.#container.inspect();
      const ports = new Map<number, number>();
      for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
        const hostPort = bindings?.[0]?.HostPort;
        if (hostPort) ports.set(Number.parseInt(key, 10), Number(hostPort));
      }
      const published = Object.keys(info.HostConfig.PortBindings ?? {}).length;
      if (ports.size >= published || !info.State.Running || Date.now() > deadline) {
        this.#ports = ports;
        this.#containerId = info.Id;
        this.#pid = info.State.Pid;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async running(): Promise<boolean> {
    return (await this.#container.inspect()).State.Running;
  }

  /**
   * Whether it runs, when it last started, and of its last exit (meaningful once it has exited):
   * the exit code, when (times in RFC 3339, the engine's clock) and whether the OOM killer ended it.
   */
  async state(): Promise<{
    running: boolean;
    exitCode: number;
    startedAt: string;
    finishedAt: string;
    oomKilled: boolean;
  }> {
    const state = (await this.#container.inspect()).State;
    return {
      running: state.Running,
      exitCode: state.ExitCode,
      startedAt: state.StartedAt,
      finishedAt: state.FinishedAt,
      oomKilled: state.OOMKilled,
    };
  }

  /**
   * Resolves with the exit code once the container is not running (at once if it is not now):
   * one long-held request to the engine, ended early by `signal` (then it rejects).
   */
  async waitNotRunning(signal: AbortSignal): Promise<number> {
    const result = (await this.#container.wait({ condition: 'not-running', abortSignal: signal })) as {
      StatusCode: number;
    };
    return result.StatusCode;
  }

  async start(): Promise<void> {
    await this.#container.start().catch(ignoreNotModified);
    await this.refresh();
  }

  async stop(timeoutS = 10): Promise<void> {
    await this.#container.stop({ t: timeoutS }).catch(ignoreNotModified);
  }

  /** Whether the engine has the container paused (its cgroup frozen) now. */
  async paused(): Promise<boolean> {
    return (await this.#container.inspect()).State.Paused;
  }

  /**
   * Freezes every process of the container at once through the engine (the cgroup freezer):
   * no fork can slip past it, and it works where the engine runs on another host. Idempotent.
   */
  async pause(): Promise<void> {
    const state = (await this.#container.inspect()).State;
    if (!state.Running) {
      throw new HarnessError('DEPENDENCY_START', `${this.name} is not running: nothing to pause`);
    }
    if (!state.Paused) await this.#container.pause();
  }

  /** Thaws a paused container. Idempotent; a no-op on one that is not paused or not running. */
  async unpause(): Promise<void> {
    if (await this.paused()) await this.#container.unpause();
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.#container.kill({ signal }).catch(ignoreNotRunning);
  }

  /**
   * Memory and CPU now: from the cgroup files when the engine runs on this host (cheap), else
   * from the engine's stats API. Rejects while the container is not running.
   */
  async resourceUsage(): Promise<ContainerUsage> {
    return (await cgroupUsage(this.#pid, this.#containerId)) ?? (await this.stats());
  }

  /** One reading from the engine's stats API (see stats.ts). */
  async stats(timeoutMs = 5_000): Promise<ContainerUsage> {
    // dockerode passes abortSignal through to the request; its typings do not list it.
    const options = { stream: false, 'one-shot': true, abortSignal: AbortSignal.timeout(timeoutMs) };
    return usageFromDockerStats(await this.#container.stats(options as { stream: false; 'one-shot': true }));
  }

  async remove(): Promise<void> {
    await this.#container.remove({ force: true, v: true }).catch(ignoreGone);
  }

  /**
   * The last `tail` lines of stdout and stderr, demultiplexed ('' if the container is gone); only
   * those printed from `sinceS` on (unix seconds, fractional) when given.
   */
  async logs(tail = 50, sinceS?: number): Promise<string> {
    try {
      const raw = await this.#container.logs({
        stdout: true,
        stderr: true,
        tail,
        follow: false,
        ...(sinceS === undefined ? {} : { since: sinceS }),
      });
      return demux(Buffer.from(raw as unknown as Uint8Array));
    } catch {
      return '';
    }
  }
}

function ignoreNotModified(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 304) throw error;
}

function ignoreNotRunning(error: unknown): void {
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== 409 && status !== 304) throw error;
}

/** Docker's log stream frames each chunk with an 8-byte header (stream, 0, 0, 0, size32be). */
function demux(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length && buffer[offset + 1] === 0 && (buffer[offset] ?? 9) <= 2) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return offset === 0 ? buffer.toString('utf8') : parts.join('');
}
