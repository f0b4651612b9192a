// `mcp-chaos env down` against a real `env up` (each test runtime): the owner is asked to stop and
// exits 0 having torn its environment down; a SIGKILLed owner's leftovers are swept instead.
// Own state dir: env down must not stop an environment someone else keeps up on this machine.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envDown as envDownInProcess } from '../harness/cli/env-down.ts';
import type { RuntimeName } from '../harness/index.ts';
import { leftovers, total } from './support/leftovers.ts';
import { testRuntimes } from './support/runtimes.ts';

const bin = 'harness/cli/bin.ts';
let stateDir: string;
let env: NodeJS.ProcessEnv;
let owner: ChildProcess | undefined;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'env-down-it-'));
  env = { ...process.env, MCP_CHAOS_ENV_STATE_DIR: stateDir };
});
afterEach(async () => {
  if (owner && owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
  owner = undefined;
  await rm(stateDir, { recursive: true, force: true });
});

/** `env up --runtime RUNTIME --json` as a child; resolves once its JSON line is out. */
async function envUp(
  runtime: RuntimeName,
): Promise<{ child: ChildProcess; exited: Promise<unknown[]>; mcpUrl: string }> {
  const child = spawn(process.execPath, [bin, 'env', 'up', '--runtime', runtime, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  owner = child;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    exited.then(() => {
      throw new Error(`env up exited early:\n${stderr}`);
    }),
  ])) as [string];
  return { child, exited, mcpUrl: (JSON.parse(first) as { mcpUrl: string }).mcpUrl };
}

/**
 * What `pid` left, once killed processes are gone: a process killed by a sweep (env down's, or
 * that of any run starting meanwhile on this machine) stays a zombie until init reaps it, and
 * a zombie still answers kill(pid, 0).
 */
async function leftoversSettled(
  pid: number,
  remembered: { pids: number[]; dirs: string[] },
  withDocker: boolean,
) {
  let left = leftovers(pid, remembered, withDocker);
  for (let i = 0; i < 100 && total(left) > 0; i++) {
    await sleep(100);
    left = leftovers(pid, remembered, withDocker);
  }
  return left;
}

async function envDown(...args: string[]): Promise<string> {
  // Rejects on a non-zero exit code.
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'env', 'down', ...args], {
    env,
    timeout: 60_000,
  });
  return stdout;
}

describe.each(testRuntimes())('mcp-chaos env down (%s)', (runtime) => {
  const withDocker = runtime === 'containers';

  it('stops a live env up: the owner exits 0 and nothing is left', async () => {
    const { child, exited, mcpUrl } = await envUp(runtime);
    const pid = child.pid as number;
    expect(readdirSync(stateDir)).toEqual([`${pid}.json`]);
    const remembered = { pids: [], dirs: [] };
    expect(total(leftovers(pid, remembered, withDocker))).toBeGreaterThan(0);

    const out = await envDown();
    expect(out).toContain(`stopping pid ${pid} (${runtime}, ${mcpUrl};`);
    expect(out).toMatch(new RegExp(`pid ${pid} exited after \\d+\\.\\d s`));
    expect(out).toContain('stopped 1 environment(s)');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(leftovers(pid, remembered, withDocker)).toEqual({
      processes: [],
      dirs: [],
      stateFiles: [],
      containers: [],
      networks: [],
    });
    expect(readdirSync(stateDir)).toEqual([]);

    expect(await envDown()).toContain('no environment is up');
  });

  it("sweeps a SIGKILLed env up's leftovers and removes its state file", async () => {
    const { child, exited } = await envUp(runtime);
    const pid = child.pid as number;
    const remembered = { pids: [], dirs: [] };
    expect(total(leftovers(pid, remembered, withDocker))).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await exited;
    // No handler ran: what it started is all still there, and its state file.
    const before = leftovers(pid, remembered, withDocker);
    expect(withDocker ? before.containers.length : before.processes.length).toBeGreaterThan(0);
    expect(existsSync(join(stateDir, `${pid}.json`))).toBe(true);

    const out = await envDown();
    expect(out).toContain(`owner pid ${pid} (${runtime},`);
    // Any environment starting on this machine sweeps dead owners too, so another run may have
    // taken some of them first: how many env down itself swept is not asserted, only that it
    // swept and that nothing is left afterwards (on a quiet machine, all of it is env down's).
    expect(out).toMatch(
      withDocker
        ? /swept \d+ container\(s\) and \d+ network\(s\) of dead owners|no containers or networks of dead owners/
        : /swept \d+ process\(es\) and \d+ dir\(s\) of dead local environments|no leftovers of dead local environments/,
    );
    expect(await leftoversSettled(pid, remembered, withDocker)).toEqual({
      processes: [],
      dirs: [],
      stateFiles: [],
      containers: [],
      networks: [],
    });
    expect(readdirSync(stateDir)).toEqual([]);
  });
});

describe('mcp-chaos env down (local, starting)', () => {
  it('stops an env up that is still starting once it is up, leaving nothing half-started', async () => {
    const child = spawn(process.execPath, [bin, 'env', 'up', '--runtime', 'local', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    owner = child;
    const exited = once(child, 'exit');
    const pid = child.pid as number;
    const remembered = { pids: [], dirs: [] };
    // Its state file says `starting` from the first moment: env down finds it before it is up.
    const stateFile = join(stateDir, `${pid}.json`);
    for (let i = 0; i < 200 && !existsSync(stateFile); i++) await sleep(25);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ ownerPid: pid, state: 'starting' });

    // In this process: a CLI's own start-up would take about as long as the environment's.
    const lines: string[] = [];
    expect(await envDownInProcess({ sweep: false, dir: stateDir, out: (l) => lines.push(l) })).toBe(0);
    const out = lines.join('\n');
    expect(out).toContain(`stopping pid ${pid} (still starting, since`);
    expect(out).toContain('stopped 1 environment(s)');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(leftovers(pid, remembered, false)).toEqual({
      processes: [],
      dirs: [],
      stateFiles: [],
      containers: [],
      networks: [],
    });
    expect(readdirSync(stateDir)).toEqual([]);
  });
});
