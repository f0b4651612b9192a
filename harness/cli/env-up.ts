import { envStateDir, removeEnvState, writeEnvState } from '../runtime/env-state.ts';
import { Environment } from '../runtime/environment.ts';
import type { RuntimeChoice } from '../runtime/select.ts';

/** `mcp-chaos env up`: an environment kept up until Ctrl-C (SIGINT/SIGTERM), then torn down. */
export async function envUp(options: {
  runtime: RuntimeChoice;
  seed: number;
  json: boolean;
  /** Target instances behind the router (more than one, or `router`, puts the router in). */
  instances?: number;
  router?: boolean;
  affinity?: boolean;
}): Promise<number> {
  // Listening from the start: a stop asked for while the environment is starting (`env down`)
  // waits for the start to finish and then tears it down, instead of killing the process
  // half-way and leaving its children for the next sweep.
  let stopRequested: () => void = () => undefined;
  const stop = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  process.once('SIGINT', stopRequested);
  process.once('SIGTERM', stopRequested);
  const startedAt = new Date().toISOString();
  // A state file for `mcp-chaos env down`; removed below once the environment is down.
  const stateFile = await writeEnvState(envStateDir(), {
    state: 'starting',
    runtime: null,
    mcpUrl: null,
    startedAt,
  });
  try {
    const env = await new Environment()
      .withRuntime(options.runtime)
      .withSeed(options.seed)
      .withInstances(options.instances ?? 1, {
        router: (options.router ?? false) || (options.instances ?? 1) > 1,
        affinity: options.affinity ?? false,
      })
      .withProgress((line) => process.stderr.write(`[mcp-chaos] ${line}\n`))
      .start();
    try {
      await writeEnvState(envStateDir(), {
        state: 'up',
        runtime: env.runtime,
        mcpUrl: env.mcpUrl,
        startedAt,
      });
      const description = {
        runtime: env.runtime,
        mcpUrl: env.mcpUrl,
        toxiproxyUrl: env.toxiproxyUrl,
        postgresUrl: env.postgresUrl,
        links: env.links.names().map((name) => ({
          name,
          listen: env.links.get(name).listen,
          upstream: env.links.get(name).upstream,
        })),
        identities: env.identities,
        router: env.router ? { address: env.router.address, affinity: options.affinity ?? false } : null,
        instances: env.instances.map((i) => ({
          id: i.id,
          build: i.build,
          mcpUrl: i.target.mcpUrl,
          adminUrl: i.target.adminUrl,
        })),
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(description)}\n`);
      } else {
        process.stdout.write(
          `environment up (${env.runtime})\n  MCP:       ${env.mcpUrl}\n  Toxiproxy: ${env.toxiproxyUrl}\n  Postgres:  ${env.postgresUrl}\n` +
            (env.router ? `  Router:    ${env.router.address}\n` : '') +
            `  instances: ${env.instances.map((i) => `${i.id} (${i.build}) ${i.target.mcpUrl}`).join(', ')}\n` +
            `  identities: ${env.identities.length} (use --json for tokens)\nCtrl-C (or mcp-chaos env down) to stop.\n`,
        );
      }
      await stop;
      process.stderr.write('[mcp-chaos] stopping the environment…\n');
      return 0;
    } finally {
      await env.stop();
    }
  } finally {
    await removeEnvState(stateFile);
    process.off('SIGINT', stopRequested);
    process.off('SIGTERM', stopRequested);
  }
}
