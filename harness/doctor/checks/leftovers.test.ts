import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadEnvStates, deadLabelled, deadRegistryOwners, leftoversResult } from './leftovers.ts';

/** The pid of a process that has exited (reaped): dead, as a crashed owner is. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await once(child, 'exit');
  return child.pid as number;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-left-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('leftovers of dead owners', () => {
  it('counts registry files of dead owners (and unreadable ones), never a live one', async () => {
    expect(await deadRegistryOwners(join(dir, 'none'))).toBe(0);
    await writeFile(join(dir, 'a.json'), JSON.stringify({ ownerPid: process.pid, pids: [], dirs: [] }));
    expect(await deadRegistryOwners(dir)).toBe(0);
    await writeFile(join(dir, 'b.json'), JSON.stringify({ ownerPid: await deadPid(), pids: [], dirs: [] }));
    await writeFile(join(dir, 'c.json'), '{ cut sh');
    await writeFile(join(dir, 'note.txt'), 'not a state file');
    expect(await deadRegistryOwners(dir)).toBe(2);
  });

  it('counts env up state files of dead owners', async () => {
    const state = (ownerPid: number) =>
      JSON.stringify({
        ownerPid,
        ownerStartTicks: null,
        state: 'up',
        runtime: 'local',
        mcpUrl: 'http://127.0.0.1:1/mcp',
        startedAt: new Date().toISOString(),
      });
    await writeFile(join(dir, `${process.pid}.json`), state(process.pid));
    expect(await deadEnvStates(dir)).toBe(0);
    const dead = await deadPid();
    await writeFile(join(dir, `${dead}.json`), state(dead));
    expect(await deadEnvStates(dir)).toBe(1);
  });

  it("judges labelled containers as the sweep does: this host's dead owners only", async () => {
    const dead = await deadPid();
    expect(
      deadLabelled([`${process.pid}|here`, `${dead}|here`, `${dead}|elsewhere`, `${dead}|`], 'here'),
    ).toBe(2);
  });

  it('warns with the counts and the sweep command; ok when there are none', () => {
    expect(leftoversResult({ registryFiles: 0, envFiles: 0, containers: 0, networks: 0 })).toEqual({
      id: 'leftovers',
      status: 'ok',
      detail: 'none of dead owners',
      fix: null,
      blocks: [],
    });
    const some = leftoversResult({ registryFiles: 2, envFiles: 0, containers: 3, networks: 0 });
    expect(some).toMatchObject({ status: 'warn', fix: 'mcp-chaos env down --sweep', blocks: [] });
    expect(some.detail).toBe(
      '2 local environment(s), 3 container(s) of dead owners: the next run sweeps them',
    );
    const unchecked = leftoversResult({
      registryFiles: 0,
      envFiles: 1,
      containers: undefined,
      networks: undefined,
    });
    expect(unchecked.detail).toBe(
      '1 env up state file(s) of dead owners: the next run sweeps them (containers not checked: no Docker engine)',
    );
  });
});
