import { once } from 'node:events';
import { Environment } from '../runtime/environment.ts';
import type { RuntimeChoice } from '../runtime/select.ts';

/** `mcp-chaos env up`: an environment kept up until Ctrl-C (SIGINT/SIGTERM), then torn down. */
export async function envUp(options: {
  runtime: RuntimeChoice;
  seed: number;
  json: boolean;
}): Promise<number> {
  const env = await new Environment()
    .withRuntime(options.runtime)
    .withSeed(options.seed)
    .withProgress((line) => process.stderr.write(`[mcp-chaos] ${line}\n`))
    .start();
  try {
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
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(description)}\n`);
    } else {
      process.stdout.write(
        `environment up (${env.runtime})\n  MCP:       ${env.mcpUrl}\n  Toxiproxy: ${env.toxiproxyUrl}\n  Postgres:  ${env.postgresUrl}\n` +
          `  identities: ${env.identities.length} (use --json for tokens)\nCtrl-C to stop.\n`,
      );
    }
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    process.stderr.write('[mcp-chaos] stopping the environment…\n');
    return 0;
  } finally {
    await env.stop();
  }
}
