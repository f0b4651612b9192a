/**
 * Freezing and thawing a whole process tree with SIGSTOP/SIGCONT. A process group is not enough
 * for PostgreSQL: every child of the postmaster calls setsid() (InitPostmasterChild), so its
 * backends, checkpointer and walwriter each lead a group of their own. The tree is found through
 * the parent pids in /proc instead.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from '../../errors.ts';

/** Field 3 (state: R, S, D, T, t, Z, …) and field 4 (ppid) of /proc/<pid>/stat. */
export function parseStateAndParent(text: string): { state: string; ppid: number } {
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const close = text.lastIndexOf(')');
  const [state, ppid] = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  if (close < 0 || !state || !Number.isInteger(Number(ppid))) {
    throw new HarnessError('INVALID_ARGUMENT', `not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  }
  return { state, ppid: Number(ppid) };
}

/** The state of `pid` now, or undefined once it has exited. */
export async function processState(pid: number): Promise<string | undefined> {
  try {
    return parseStateAndParent(await readFile(`/proc/${pid}/stat`, 'utf8')).state;
  } catch {
    return undefined;
  }
}

/** Every descendant of `root` (children, their children, …), read from /proc now. */
export async function descendants(root: number): Promise<number[]> {
  const pids = (await readdir('/proc')).map(Number).filter((pid) => Number.isInteger(pid));
  const parents = await Promise.all(
    pids.map(async (pid) => {
      try {
        return parseStateAndParent(await readFile(`/proc/${pid}/stat`, 'utf8')).ppid;
      } catch {
        return undefined; // exited while the list was read
      }
    }),
  );
  const children = new Map<number, number[]>();
  pids.forEach((pid, i) => {
    const ppid = parents[i];
    if (ppid === undefined) return;
    const siblings = children.get(ppid) ?? [];
    siblings.push(pid);
    children.set(ppid, siblings);
  });
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** kill() that shrugs off a process that has already gone (ESRCH). */
function signal(pid: number, name: 'SIGSTOP' | 'SIGCONT'): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * SIGSTOPs `root` and all its descendants and waits until each is stopped (state T). The root
 * goes first, so that it forks nothing new; then the tree is re-read until a pass finds no
 * process it has not stopped (one forked just before the root stopped). Returns the pids.
 */
export async function freezeTree(root: number, timeoutMs = 5_000): Promise<number[]> {
  signal(root, 'SIGSTOP');
  const stopped = new Set([root]);
  for (;;) {
    const fresh = (await descendants(root)).filter((pid) => !stopped.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      signal(pid, 'SIGSTOP');
      stopped.add(pid);
    }
  }
  await waitAllStopped([...stopped], timeoutMs);
  return [...stopped];
}

async function waitAllStopped(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(pids.map(async (pid) => [pid, await processState(pid)] as const));
    // Gone (undefined) or a zombie counts as stopped: it runs nothing any more.
    const running = states.filter(([, s]) => s !== undefined && s !== 'T' && s !== 'Z');
    if (running.length === 0) return;
    if (Date.now() > deadline) {
      throw new HarnessError(
        'TIMEOUT',
        `processes ${running.map(([pid, s]) => `${pid} (${s})`).join(', ')} not stopped ${timeoutMs} ms after SIGSTOP`,
      );
    }
    await sleep(10);
  }
}

/** SIGCONTs every descendant of `root`, then `root`. Safe on a tree that is not stopped. */
export async function thawTree(root: number): Promise<void> {
  // A stopped tree forks nothing: one reading finds every process to continue.
  for (const pid of await descendants(root)) signal(pid, 'SIGCONT');
  signal(root, 'SIGCONT');
}
