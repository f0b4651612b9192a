import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { envOwnerAlive, listEnvStates } from '../../runtime/env-state.ts';
import { isProcessAlive } from '../../runtime/process-alive.ts';
import type { CheckResult } from '../schema.ts';
import { probe } from './exec.ts';

/** Local runtime registry files (harness/runtime/local/registry.ts) whose owner is dead. */
export async function deadRegistryOwners(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let dead = 0;
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const entry = JSON.parse(await readFile(join(dir, name), 'utf8')) as { ownerPid?: unknown };
      if (!isProcessAlive(Number(entry.ownerPid))) dead++;
    } catch {
      dead++; // unreadable: the next sweep removes it
    }
  }
  return dead;
}

/** `mcp-chaos env up` state files whose owner is dead (or that do not parse). */
export async function deadEnvStates(dir: string): Promise<number> {
  return (await listEnvStates(dir)).filter((f) => f.state === undefined || !envOwnerAlive(f.state)).length;
}

/**
 * Containers and networks labelled mcp-chaos=1 by an owner on this host that is dead, as
 * harness/runtime/sweep.ts judges them. "owner-pid|owner-host" lines from the docker CLI.
 */
export function deadLabelled(lines: string[], host = hostname()): number {
  return lines.filter((line) => {
    const [pid, owner] = line.split('|');
    if (owner && owner !== host) return false;
    return !isProcessAlive(Number(pid));
  }).length;
}

async function labelledLines(kind: 'container' | 'network'): Promise<string[]> {
  const args =
    kind === 'container'
      ? ['ps', '-a', '--filter', 'label=mcp-chaos=1']
      : ['network', 'ls', '--filter', 'label=mcp-chaos=1'];
  const out = await probe('docker', [
    ...args,
    '--format',
    '{{.Label "mcp-chaos.owner-pid"}}|{{.Label "mcp-chaos.owner-host"}}',
  ]);
  return out.ok ? out.stdout.split('\n').filter(Boolean) : [];
}

export function leftoversResult(input: {
  registryFiles: number;
  envFiles: number;
  /** undefined: not looked at (no Docker engine answers). */
  containers: number | undefined;
  networks: number | undefined;
}): CheckResult {
  const parts = [
    [input.registryFiles, 'local environment(s)'],
    [input.envFiles, 'env up state file(s)'],
    [input.containers ?? 0, 'container(s)'],
    [input.networks ?? 0, 'network(s)'],
  ] as const;
  const found = parts.filter(([n]) => n > 0);
  const dockerNote = input.containers === undefined ? ' (containers not checked: no Docker engine)' : '';
  if (found.length === 0) {
    return {
      id: 'leftovers',
      status: 'ok',
      detail: `none of dead owners${dockerNote}`,
      fix: null,
      blocks: [],
    };
  }
  return {
    id: 'leftovers',
    status: 'warn',
    detail: `${found.map(([n, what]) => `${n} ${what}`).join(', ')} of dead owners: the next run sweeps them${dockerNote}`,
    fix: 'mcp-chaos env down --sweep',
    blocks: [],
  };
}

export async function checkLeftovers(input: {
  registryDir: string;
  envStateDir: string;
  dockerAnswers: boolean;
}): Promise<CheckResult> {
  return leftoversResult({
    registryFiles: await deadRegistryOwners(input.registryDir),
    envFiles: await deadEnvStates(input.envStateDir),
    containers: input.dockerAnswers ? deadLabelled(await labelledLines('container')) : undefined,
    networks: input.dockerAnswers ? deadLabelled(await labelledLines('network')) : undefined,
  });
}
