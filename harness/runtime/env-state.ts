import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isProcessAlive } from './process-alive.ts';

/**
 * One small file per `mcp-chaos env up` process, so that `mcp-chaos env down` (another process,
 * maybe another terminal) can find environments kept up and ask their owners to stop. A separate
 * dir from the local runtime's registry: that one records what to kill, this one who to ask.
 * MCP_CHAOS_ENV_STATE_DIR moves it (tests use their own, so as not to stop a colleague's env).
 */
export function envStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MCP_CHAOS_ENV_STATE_DIR || join(tmpdir(), 'mcp-chaos-envs');
}

export const envStateSchema = z.object({
  ownerPid: z.number().int().positive(),
  /**
   * The owner's start time in clock ticks since boot (/proc/PID/stat field 22), null where /proc
   * is missing: a pid reused by an unrelated process after a crash must never be signalled.
   */
  ownerStartTicks: z.number().int().nullable(),
  /** `starting` until the environment is up (then the runtime and URLs are known). */
  state: z.enum(['starting', 'up']),
  runtime: z.enum(['local', 'containers']).nullable(),
  mcpUrl: z.string().nullable(),
  startedAt: z.string(),
});
export type EnvState = z.infer<typeof envStateSchema>;

/** /proc/PID/stat's state letter and start time (clock ticks since boot), or undefined. */
function procStat(pid: number): { state: string; startTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]);
    return Number.isInteger(startTicks) ? { state: fields[0] ?? '', startTicks } : undefined;
  } catch {
    return undefined;
  }
}

/** The start time of `pid` in clock ticks since boot, or undefined (gone, or no /proc). */
export function processStartTicks(pid: number): number | undefined {
  return procStat(pid)?.startTicks;
}

/**
 * Whether the process that wrote `state` still runs: not a reuse of its pid, and not a zombie
 * (it has exited; only its parent has yet to reap it, which may take until that parent looks).
 */
export function envOwnerAlive(state: Pick<EnvState, 'ownerPid' | 'ownerStartTicks'>): boolean {
  if (!isProcessAlive(state.ownerPid)) return false;
  const now = procStat(state.ownerPid);
  if (now === undefined) return true; // no /proc: the signal probe is all there is
  if (now.state === 'Z') return false;
  return state.ownerStartTicks === null || now.startTicks === state.ownerStartTicks;
}

export function envStatePath(dir: string, pid: number): string {
  return join(dir, `${pid}.json`);
}

/** Writes this process's file atomically (a reader never sees half of it). */
export async function writeEnvState(
  dir: string,
  fields: Omit<EnvState, 'ownerPid' | 'ownerStartTicks'>,
): Promise<string> {
  const state: EnvState = {
    ownerPid: process.pid,
    ownerStartTicks: processStartTicks(process.pid) ?? null,
    ...fields,
  };
  await mkdir(dir, { recursive: true });
  const path = envStatePath(dir, process.pid);
  const partial = `${path}.${Date.now()}.tmp`;
  await writeFile(partial, `${JSON.stringify(state)}\n`);
  await rename(partial, path);
  return path;
}

export interface EnvStateFile {
  path: string;
  /** undefined: the file does not parse (written by something else, or cut short). */
  state: EnvState | undefined;
}

/** Every env state file in `dir` (none when the dir does not exist). */
export async function listEnvStates(dir: string): Promise<EnvStateFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files: EnvStateFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, name);
    let state: EnvState | undefined;
    try {
      const parsed = envStateSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      state = parsed.success ? parsed.data : undefined;
    } catch {
      state = undefined;
    }
    files.push({ path, state });
  }
  return files;
}

export async function removeEnvState(path: string): Promise<void> {
  await rm(path, { force: true });
}
