import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../errors.ts';
import { freePort } from '../ports.ts';
import { httpOk, waitFor } from '../wait.ts';
import { Child } from './child.ts';
import type { Registry } from './registry.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where the toxiproxy-server binary is: $TOXIPROXY_SERVER, else the one `npm run setup` builds. */
export function toxiproxyBinary(): string {
  const path = process.env.TOXIPROXY_SERVER ?? join(projectRoot, '.cache', 'bin', 'toxiproxy-server');
  if (!existsSync(path)) {
    throw new HarnessError(
      'TOXIPROXY_MISSING',
      `toxiproxy-server not found at ${path}. Build it once with: bash scripts/setup.sh toxiproxy ` +
        '(needs Go 1.23+), or point TOXIPROXY_SERVER at a toxiproxy-server binary.',
    );
  }
  return path;
}

export async function startToxiproxy(registry: Registry): Promise<{ url: string; child: Child }> {
  const binary = toxiproxyBinary();
  const port = await freePort();
  const child = new Child('toxiproxy', binary, ['-host', '127.0.0.1', '-port', String(port)], {});
  await registry.addPid(child.pid, 'toxiproxy');
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'toxiproxy-server',
    async () => {
      if (child.exited)
        throw new HarnessError('DEPENDENCY_START', `toxiproxy-server exited:\n${child.logs()}`);
      return await httpOk(`${url}/version`);
    },
    {
      timeoutMs: 10_000,
      code: 'DEPENDENCY_START',
      details: () => child.logs(),
    },
  );
  return { url, child };
}
