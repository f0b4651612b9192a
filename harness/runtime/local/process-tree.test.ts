import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { descendants, freezeTree, parseStateAndParent, processState, thawTree } from './process-tree.ts';

describe('parseStateAndParent', () => {
  it('reads state and ppid after a command name with spaces and parentheses', () => {
    expect(parseStateAndParent('42 (postgres: x (y)) T 7 42 42 0 -1')).toEqual({ state: 'T', ppid: 7 });
    expect(parseStateAndParent('1 (init) S 0 1 1')).toEqual({ state: 'S', ppid: 0 });
  });

  it('rejects what is not a stat line', () => {
    expect(() => parseStateAndParent('garbage')).toThrow('not a /proc/<pid>/stat line');
  });
});

describe.runIf(process.platform === 'linux')('freezeTree / thawTree', () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child?.pid) {
      await thawTree(child.pid);
      // The grandchildren lead no group of their own here: killing the group ends them all.
      process.kill(-child.pid, 'SIGKILL');
    }
    child = undefined;
  });

  it('stops a parent and every descendant, and continues them all', async () => {
    // A shell with two children (a sleep, and a shell with a sleep of its own): three descendants.
    child = spawn('sh', ['-c', 'sleep 30 & sh -c "sleep 30 & wait" & wait'], {
      detached: true,
      stdio: 'ignore',
    });
    const root = child.pid ?? 0;
    for (let i = 0; i < 100 && (await descendants(root)).length < 3; i++) await sleep(20);
    const tree = await descendants(root);
    expect(tree.length).toBe(3);

    const frozen = await freezeTree(root);
    expect(frozen.sort()).toEqual([root, ...tree].sort());
    for (const pid of frozen) expect(await processState(pid), String(pid)).toBe('T');

    await thawTree(root);
    await thawTree(root); // idempotent
    for (const pid of frozen) expect(await processState(pid), String(pid)).not.toBe('T');
  });
});
