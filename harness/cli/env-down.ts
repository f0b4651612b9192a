import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EnvState,
  envOwnerAlive,
  envStateDir,
  listEnvStates,
  removeEnvState,
} from '../runtime/env-state.ts';
import { sweepLocalOrphans } from '../runtime/local/registry.ts';
import { dockerEngineAnswers } from '../runtime/select.ts';

export interface EnvDownOptions {
  sweep: boolean;
  /** Where `env up` writes its state files (default: envStateDir()). */
  dir?: string;
  /** How long an owner gets to tear its environment down after SIGTERM. */
  stopTimeoutMs?: number;
  out?: (line: string) => void;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

function describe(state: EnvState): string {
  const what = state.state === 'up' ? `${state.runtime}, ${state.mcpUrl}; up` : 'still starting,';
  return `pid ${state.ownerPid} (${what} since ${state.startedAt})`;
}

/**
 * `mcp-chaos env down`: stops every environment `env up` keeps up — SIGTERM to a live owner,
 * which tears its own environment down, and a wait for it to exit; what a dead owner left is
 * swept. Exit 0 also when there was nothing to do; 1 when an owner would not stop in time.
 */
export async function envDown(options: EnvDownOptions): Promise<number> {
  const dir = options.dir ?? envStateDir();
  const out = options.out ?? say;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const files = await listEnvStates(dir);
  let stuck = 0;
  let stopped = 0;
  const deadRuntimes = new Set<string>();
  if (files.length === 0) {
    out(`no environment is up (no state files in ${dir})${options.sweep ? '' : ': nothing to stop'}`);
  }

  const live: { path: string; state: EnvState }[] = [];
  for (const { path, state } of files) {
    if (state === undefined) {
      out(`removed ${path}: not an env up state file`);
      await removeEnvState(path);
    } else if (envOwnerAlive(state)) {
      live.push({ path, state });
    } else {
      out(`owner ${describe(state)} is dead: sweeping what it left`);
      deadRuntimes.add(state.runtime ?? 'unknown');
      await removeEnvState(path);
    }
  }
  // All asked at once: each tears its own environment down, in parallel with the others.
  const results = await Promise.all(live.map(({ state }) => stopOwner(state, stopTimeoutMs, out)));
  for (const [i, { path, state }] of live.entries()) {
    if (!results[i]) {
      stuck++;
      continue;
    }
    stopped++;
    // An owner that stopped cleanly removed its file; one that died stopping left it, and leftovers.
    if ((await listEnvStates(dir)).some((f) => f.path === path)) {
      deadRuntimes.add(state.runtime ?? 'unknown');
      await removeEnvState(path);
    }
  }

  // What a dead owner left is found by the runtimes' own sweeps (they never touch a live owner's).
  const unknown = deadRuntimes.has('unknown');
  if (options.sweep || deadRuntimes.has('local') || unknown) await sweepLocal(out);
  if (options.sweep || deadRuntimes.has('containers') || unknown) await sweepContainers(out);

  if (files.length > 0) {
    const dead = files.filter((f) => f.state !== undefined).length - live.length;
    out(
      `stopped ${stopped} environment(s)` +
        (dead > 0 ? `, cleared ${dead} of dead owners` : '') +
        (stuck > 0 ? `; ${stuck} did not stop` : ''),
    );
  }
  return stuck > 0 ? 1 : 0;
}

async function stopOwner(state: EnvState, timeoutMs: number, out: (line: string) => void): Promise<boolean> {
  out(`stopping ${describe(state)}: SIGTERM`);
  const t0 = Date.now();
  try {
    process.kill(state.ownerPid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      out(
        `  cannot signal pid ${state.ownerPid}: ${(error as Error).message} (another user's? run as that user)`,
      );
      return false;
    }
  }
  let nextReport = 5_000;
  while (envOwnerAlive(state)) {
    const waited = Date.now() - t0;
    if (waited >= timeoutMs) {
      out(
        `  pid ${state.ownerPid} still running after ${Math.round(waited / 1000)} s: ` +
          `kill -9 ${state.ownerPid}, then mcp-chaos env down --sweep`,
      );
      return false;
    }
    if (waited >= nextReport) {
      out(`  waiting for pid ${state.ownerPid} to tear its environment down… ${Math.round(waited / 1000)} s`);
      nextReport += 5_000;
    }
    await sleep(100);
  }
  out(`  pid ${state.ownerPid} exited after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

async function sweepLocal(out: (line: string) => void): Promise<void> {
  const swept = await sweepLocalOrphans();
  out(
    swept.processes + swept.dirs > 0
      ? `swept ${swept.processes} process(es) and ${swept.dirs} dir(s) of dead local environments`
      : 'no leftovers of dead local environments',
  );
}

async function sweepContainers(out: (line: string) => void): Promise<void> {
  if (!(await dockerEngineAnswers())) {
    out('containers not swept: no Docker engine answers (none can be running then)');
    return;
  }
  // Loaded only when needed: testcontainers is a heavy import for a command that often needs none.
  const { sweepOrphans } = await import('../runtime/sweep.ts');
  const swept = await sweepOrphans(() => undefined);
  out(
    swept.containers + swept.networks > 0
      ? `swept ${swept.containers} container(s) and ${swept.networks} network(s) of dead owners`
      : 'no containers or networks of dead owners',
  );
}
