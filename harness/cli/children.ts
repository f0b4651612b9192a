import { readdirSync, readFileSync } from 'node:fs';

/** Pids of this process's direct children (Linux /proc; empty elsewhere). */
export function childPids(parent = process.pid): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(pid));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}
