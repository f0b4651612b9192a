import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../process-alive.ts';
import { thawTree } from './process-tree.ts';

/**
 * Crash safety for the local runtime: every process and temp dir an environment starts is
 * recorded in a state file with the owner's pid, so that a later run can sweep what a killed
 * run left behind. Signal handlers alone cannot do this (SIGKILL runs no handler).
 */
export const stateDir = join(tmpdir(), 'mcp-chaos-state');

interface Entry {
  ownerPid: number;
  pids: { pid: number; name: string }[];
  dirs: string[];
}

export class Registry {
  readonly envId: string;
  readonly #file: string;
  readonly #entry: Entry = { ownerPid: process.pid, pids: [], dirs: [] };

  constructor(envId: string) {
    this.envId = envId;
    this.#file = join(stateDir, `${envId}.json`);
  }

  async addPid(pid: number | undefined, name: string): Promise<void> {
    if (pid === undefined) return;
    this.#entry.pids.push({ pid, name });
    await this.#save();
  }

  async addDir(dir: string): Promise<void> {
    this.#entry.dirs.push(dir);
    await this.#save();
  }

  async remove(): Promise<void> {
    await rm(this.#file, { force: true });
  }

  async #save(): Promise<void> {
    await mkdir(stateDir, { recursive: true });
    await writeFile(this.#file, JSON.stringify(this.#entry));
  }
}

/** Each child was started as its own process group: kill the group (PostgreSQL's backends too). */
function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      return;
    } catch {
      // Not a group leader (or gone already): try the process itself.
    }
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Kill the processes and remove the dirs of environments whose owner is dead. Never a live owner's. */
export async function sweepLocalOrphans(): Promise<{ processes: number; dirs: number }> {
  const swept = { processes: 0, dirs: 0 };
  let files: string[];
  try {
    files = await readdir(stateDir);
  } catch {
    return swept;
  }
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const path = join(stateDir, file);
    let entry: Entry;
    try {
      entry = JSON.parse(await readFile(path, 'utf8')) as Entry;
    } catch {
      await rm(path, { force: true });
      continue;
    }
    if (isProcessAlive(entry.ownerPid)) continue;
    const killed: number[] = [];
    for (const { pid, name } of entry.pids) {
      // The pid may have been reused by an unrelated process: only kill what still looks like ours.
      if (isProcessAlive(pid) && commandLine(pid).includes(name)) {
        // A run killed while PostgreSQL was paused left its tree stopped, and PostgreSQL's backends
        // (each in a session of its own, out of reach of the group kill) would stay stopped
        // forever: continued, they notice the postmaster's death and exit.
        await thawTree(pid).catch(() => undefined);
        killGroup(pid);
        killed.push(pid);
      }
    }
    swept.processes += killed.length;
    // Dead before their dirs go: a dying PostgreSQL backend could still write into its data dir.
    for (let i = 0; i < 50 && killed.some(isProcessAlive); i++) await sleep(100);
    for (const dir of entry.dirs) {
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      swept.dirs++;
    }
    await rm(path, { force: true });
  }
  return swept;
}
