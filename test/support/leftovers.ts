import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../../harness/runtime/process-alive.ts';

/** What an environment owned by `ownerPid` still holds on this machine. */
export interface Leftovers {
  processes: number[];
  dirs: string[];
  stateFiles: string[];
  containers: string[];
  networks: string[];
}

const stateDir = join(tmpdir(), 'mcp-chaos-state');

/** Local runtime: read the owner's registry files (pids and temp dirs it recorded). */
function localLeftovers(
  ownerPid: number,
  remembered: { pids: number[]; dirs: string[] },
): Partial<Leftovers> {
  const stateFiles: string[] = [];
  const pids = new Set(remembered.pids);
  const dirs = new Set(remembered.dirs);
  if (existsSync(stateDir)) {
    for (const file of readdirSync(stateDir)) {
      const path = join(stateDir, file);
      try {
        const entry = JSON.parse(readFileSync(path, 'utf8')) as {
          ownerPid: number;
          pids: { pid: number }[];
          dirs: string[];
        };
        if (entry.ownerPid !== ownerPid) continue;
        stateFiles.push(path);
        for (const p of entry.pids) pids.add(p.pid);
        for (const d of entry.dirs) dirs.add(d);
      } catch {
        // a file being written right now: the next look sees it
      }
    }
  }
  remembered.pids.push(...[...pids].filter((p) => !remembered.pids.includes(p)));
  remembered.dirs.push(...[...dirs].filter((d) => !remembered.dirs.includes(d)));
  return {
    stateFiles,
    processes: [...pids].filter(isProcessAlive),
    dirs: [...dirs].filter((d) => existsSync(d)),
  };
}

function docker(args: string[]): string[] {
  return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/**
 * Everything an owner's environments still hold. `remembered` accumulates the pids and dirs
 * seen so far, so that a later look still checks them after the registry file is gone.
 */
export function leftovers(
  ownerPid: number,
  remembered: { pids: number[]; dirs: string[] },
  withDocker: boolean,
): Leftovers {
  const local = localLeftovers(ownerPid, remembered);
  const label = `label=mcp-chaos.owner-pid=${ownerPid}`;
  return {
    processes: local.processes ?? [],
    dirs: local.dirs ?? [],
    stateFiles: local.stateFiles ?? [],
    containers: withDocker ? docker(['ps', '-aq', '--filter', label]) : [],
    networks: withDocker ? docker(['network', 'ls', '-q', '--filter', label]) : [],
  };
}

export function total(l: Leftovers): number {
  return l.processes.length + l.dirs.length + l.stateFiles.length + l.containers.length + l.networks.length;
}
