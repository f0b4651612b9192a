/**
 * The `containers` runtime: PostgreSQL, Toxiproxy and the target as containers (images built
 * locally by docker/build-images.sh) on one labelled user-defined network. Containers reach
 * each other by alias (`postgres`, `toxiproxy`, `target`); the harness reaches them through
 * host-mapped ports, re-read after every restart.
 */
import { randomBytes } from 'node:crypto';
import { GenericContainer, Wait } from 'testcontainers';
import type { ProgressFn, RuntimeBackend, StartedInfra, StartedTarget } from '../backend.ts';
import { sweepOrphans } from '../sweep.ts';
import {
  ContainerHandle,
  createNetwork,
  type DockerNetwork,
  dockerClient,
  ownerLabels,
  requireImages,
} from './docker.ts';
import { PROXY_PORTS, proxyAddress, waitForPostgres } from './services.ts';
import { startTargetContainer, TARGET_MCP_PORT } from './target.ts';

export { PROXY_PORTS } from './services.ts';

export const DEFAULT_IMAGES = {
  postgres: 'mcp-chaos/postgres:18',
  toxiproxy: 'mcp-chaos/toxiproxy:2.12.0',
  target: 'mcp-chaos/target:latest',
};

export interface ContainersRuntimeOptions {
  images?: { postgres?: string; toxiproxy?: string; target?: string };
  startupTimeoutMs?: number;
}

export interface StartedContainersInfra extends StartedInfra, AsyncDisposable {
  /** Random id in every resource's `mcp-chaos.env-id` label and name. */
  readonly envId: string;
  readonly networkName: string;
}

const TOXIPROXY_API_PORT = 8474;
const POSTGRES_PORT = 5432;

export function containersRuntime(options: ContainersRuntimeOptions = {}): RuntimeBackend {
  const images = { ...DEFAULT_IMAGES, ...options.images };
  const startupTimeoutMs = options.startupTimeoutMs ?? 60_000;
  return {
    name: 'containers',
    startInfra: (progress) => startInfra(images, startupTimeoutMs, progress),
  };
}

async function startInfra(
  images: typeof DEFAULT_IMAGES,
  startupTimeoutMs: number,
  progress: ProgressFn,
): Promise<StartedContainersInfra> {
  const t0 = Date.now();
  const client = await dockerClient();
  await sweepOrphans(progress, client);
  await requireImages(client, [images.postgres, images.toxiproxy, images.target]);
  const envId = randomBytes(4).toString('hex');
  const labels = ownerLabels(envId);
  const handles: ContainerHandle[] = [];
  const targets = new Set<StartedTarget>();
  let network: DockerNetwork | undefined;
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // A paused container is thawed first: stopping one frozen is left to the engine's version.
      await Promise.allSettled(handles.map((handle) => handle.unpause()));
      await Promise.allSettled([...targets].map((target) => target.stop()));
      await Promise.allSettled(handles.map((handle) => handle.remove()));
      await network?.remove();
    })();
    return stopping;
  };

  try {
    network = await createNetwork(client, envId);
    progress(`network ${network.name} (gateway ${network.gateway})`);
    const start = async (role: string, container: GenericContainer): Promise<ContainerHandle> => {
      const name = `mcp-chaos-${envId}-${role}`;
      const t = Date.now();
      const started = await container
        .withName(name)
        .withLabels({ ...labels, 'mcp-chaos.role': role })
        .withNetworkMode(network?.name ?? '')
        .withNetworkAliases(role)
        .withStartupTimeout(startupTimeoutMs)
        .start();
      const handle = new ContainerHandle(client, started.getId(), name);
      handles.push(handle);
      await handle.refresh();
      progress(`${role} container ${name} started in ${Date.now() - t}ms`);
      return handle;
    };
    const [postgres, toxiproxy] = await Promise.all([
      start(
        'postgres',
        new GenericContainer(images.postgres)
          .withExposedPorts(POSTGRES_PORT)
          .withWaitStrategy(Wait.forListeningPorts()),
      ),
      start(
        'toxiproxy',
        new GenericContainer(images.toxiproxy)
          .withExposedPorts(TOXIPROXY_API_PORT, ...Object.values(PROXY_PORTS))
          .withWaitStrategy(Wait.forHttp('/version', TOXIPROXY_API_PORT).forStatusCode(200)),
      ),
    ]);
    const postgresUrl = () =>
      `postgres://postgres:mcp-chaos@${postgres.host}:${postgres.mappedPort(POSTGRES_PORT)}/reference`;
    await waitForPostgres(postgresUrl, startupTimeoutMs, () => postgres.logs(30));
    progress(`containers runtime ready in ${Date.now() - t0}ms (environment ${envId})`);
    let targetIndex = 0;
    const gateway = network.gateway;
    const networkName = network.name;

    return {
      runtime: 'containers',
      envId,
      networkName,
      toxiproxyUrl: `http://${toxiproxy.host}:${toxiproxy.mappedPort(TOXIPROXY_API_PORT)}`,
      get postgresUrl() {
        return postgresUrl();
      },
      postgresUpstream: `postgres:${POSTGRES_PORT}`,
      hostAddress: gateway,
      targetUpstream: `target:${TARGET_MCP_PORT}`,
      proxyAddress: async (link) => proxyAddress(link, toxiproxy),
      async startTarget(env, options = {}) {
        const index = options.instance ?? targetIndex;
        targetIndex = Math.max(targetIndex, index) + 1;
        const target = await startTargetContainer({
          client,
          image: options.image ?? images.target,
          network: networkName,
          envId,
          index,
          env,
          startupTimeoutMs,
        });
        targets.add(target);
        return target;
      },
      async stopPostgres() {
        await postgres.unpause();
        await postgres.stop(10);
      },
      async startPostgres() {
        await postgres.start();
        await waitForPostgres(postgresUrl, startupTimeoutMs, () => postgres.logs(30));
      },
      async pausePostgres() {
        await postgres.pause();
      },
      async resumePostgres() {
        await postgres.unpause();
      },
      stop,
      [Symbol.asyncDispose]: stop,
    } satisfies StartedContainersInfra;
  } catch (error) {
    await stop();
    throw error;
  }
}
