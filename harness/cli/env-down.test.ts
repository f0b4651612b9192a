import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envDown } from './env-down.ts';

// Owners here are real processes that write their state file as `env up` does; those that stop
// remove it, so no case below reaches the machine-wide sweeps (the integration test covers them).
let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'env-down-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in owner: writes its state file, then on SIGTERM removes it and exits (or ignores SIGTERM). */
async function owner(onTerm: 'exit' | 'ignore'): Promise<ChildProcess> {
  const script = `
    const { writeEnvState, envStatePath } = await import(${JSON.stringify(new URL('../runtime/env-state.ts', import.meta.url).href)});
    const { rmSync } = await import('node:fs');
    await writeEnvState(${JSON.stringify(dir)}, { state: 'up', runtime: 'local', mcpUrl: 'http://127.0.0.1:9/mcp', startedAt: new Date().toISOString() });
    process.on('SIGTERM', () => {
      if (${JSON.stringify(onTerm)} === 'exit') { rmSync(envStatePath(${JSON.stringify(dir)}, process.pid)); process.exit(0); }
    });
    console.log('ready');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  return child;
}

describe('envDown', () => {
  it('says there is nothing to stop, and exits 0', async () => {
    const lines: string[] = [];
    expect(await envDown({ sweep: false, dir, out: (l) => lines.push(l) })).toBe(0);
    expect(lines).toEqual([`no environment is up (no state files in ${dir}): nothing to stop`]);
  });

  it('removes a file that is not a state file', async () => {
    await writeFile(join(dir, '12.json'), 'garbage');
    const lines: string[] = [];
    expect(await envDown({ sweep: false, dir, out: (l) => lines.push(l) })).toBe(0);
    expect(await readdir(dir)).toEqual([]);
    expect(lines[0]).toBe(`removed ${join(dir, '12.json')}: not an env up state file`);
  });

  it('sends a live owner SIGTERM and waits until it has exited', async () => {
    const child = await owner('exit');
    const exited = once(child, 'exit');
    const lines: string[] = [];
    expect(await envDown({ sweep: false, dir, out: (l) => lines.push(l) })).toBe(0);
    expect((await exited)[0]).toBe(0);
    expect(lines[0]).toMatch(
      new RegExp(`^stopping pid ${child.pid} \\(local, http://127.0.0.1:9/mcp; up since .*\\): SIGTERM$`),
    );
    expect(lines[1]).toMatch(new RegExp(`^  pid ${child.pid} exited after \\d+\\.\\d s$`));
    expect(lines.at(-1)).toBe('stopped 1 environment(s)');
    expect(await readdir(dir)).toEqual([]);
  });

  it('asks every live owner at once and waits for all of them', async () => {
    const owners = [await owner('exit'), await owner('exit')];
    const exits = owners.map((child) => once(child, 'exit'));
    const lines: string[] = [];
    expect(await envDown({ sweep: false, dir, out: (l) => lines.push(l) })).toBe(0);
    expect((await Promise.all(exits)).map(([code]) => code)).toEqual([0, 0]);
    // Both were signalled before either was waited for.
    expect(lines.slice(0, 2).every((l) => l.startsWith('stopping pid '))).toBe(true);
    expect(lines.at(-1)).toBe('stopped 2 environment(s)');
  });

  it('gives up on an owner that does not stop in time, says how to end it, and exits 1', async () => {
    const child = await owner('ignore');
    const lines: string[] = [];
    expect(await envDown({ sweep: false, dir, stopTimeoutMs: 600, out: (l) => lines.push(l) })).toBe(1);
    expect(child.exitCode).toBeNull();
    expect(lines).toContain(
      `  pid ${child.pid} still running after 1 s: kill -9 ${child.pid}, then mcp-chaos env down --sweep`,
    );
    expect(lines.at(-1)).toBe('stopped 0 environment(s); 1 did not stop');
    // Its file stays: the environment is still up.
    expect(await readdir(dir)).toEqual([`${child.pid}.json`]);
  });
});
