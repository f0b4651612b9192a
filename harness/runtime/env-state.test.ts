import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  envOwnerAlive,
  envStateDir,
  envStatePath,
  listEnvStates,
  processStartTicks,
  removeEnvState,
  writeEnvState,
} from './env-state.ts';
import { isProcessAlive } from './process-alive.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'env-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('env state files', () => {
  it('writes this process as the owner, lists it, and removes it', async () => {
    const path = await writeEnvState(join(dir, 'envs'), {
      state: 'up',
      runtime: 'local',
      mcpUrl: 'http://127.0.0.1:9/mcp',
      startedAt: '2026-11-25T00:00:00.000Z',
    });
    expect(path).toBe(envStatePath(join(dir, 'envs'), process.pid));
    const [file, ...others] = await listEnvStates(join(dir, 'envs'));
    expect(others).toEqual([]);
    expect(file?.state).toEqual({
      ownerPid: process.pid,
      ownerStartTicks: processStartTicks(process.pid),
      state: 'up',
      runtime: 'local',
      mcpUrl: 'http://127.0.0.1:9/mcp',
      startedAt: '2026-11-25T00:00:00.000Z',
    });
    expect(await readdir(join(dir, 'envs'))).toEqual([`${process.pid}.json`]); // no temp file left
    await removeEnvState(path);
    expect(await listEnvStates(join(dir, 'envs'))).toEqual([]);
  });

  it('lists a file that does not parse as such, and nothing for a missing dir', async () => {
    await writeFile(join(dir, '1.json'), '{"ownerPid": "x"}');
    expect(await listEnvStates(dir)).toEqual([{ path: join(dir, '1.json'), state: undefined }]);
    expect(await listEnvStates(join(dir, 'missing'))).toEqual([]);
  });

  it('knows a live owner from a dead one and from a reuse of its pid', async () => {
    const ticks = processStartTicks(process.pid);
    expect(ticks).toBeGreaterThan(0);
    expect(envOwnerAlive({ ownerPid: process.pid, ownerStartTicks: ticks ?? null })).toBe(true);
    expect(envOwnerAlive({ ownerPid: process.pid, ownerStartTicks: null })).toBe(true);
    // Same pid, another start time: the pid now belongs to an unrelated process.
    expect(envOwnerAlive({ ownerPid: process.pid, ownerStartTicks: (ticks ?? 0) + 1 })).toBe(false);
    const child = spawn('true');
    await once(child, 'exit');
    expect(envOwnerAlive({ ownerPid: child.pid as number, ownerStartTicks: null })).toBe(false);
  });

  it('counts an exited owner its parent has not reaped yet (a zombie) as dead', async () => {
    // sh forks `true` and then becomes `sleep`, which never reaps it: a zombie for 5 s.
    const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const pid = Number(line.toString().trim());
      for (let i = 0; i < 100 && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); i++) {
        await sleep(20);
      }
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toContain(') Z ');
      expect(isProcessAlive(pid)).toBe(true); // the signal probe alone would call it alive
      expect(envOwnerAlive({ ownerPid: pid, ownerStartTicks: null })).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('lives in MCP_CHAOS_ENV_STATE_DIR when set, else in the temp dir', () => {
    expect(envStateDir({ MCP_CHAOS_ENV_STATE_DIR: '/x/envs' })).toBe('/x/envs');
    expect(envStateDir({})).toBe(join(tmpdir(), 'mcp-chaos-envs'));
  });
});
