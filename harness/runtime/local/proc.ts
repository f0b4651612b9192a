/**
 * A local process's memory and CPU from Linux's /proc, read without spawning anything per
 * sample (ps would cost a fork and an exec every probe tick on a 2-core machine).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { HarnessError } from '../../errors.ts';
import type { ResourceUsage } from '../backend.ts';

/** The fields of /proc/<pid>/stat the probes use (see proc(5)). Times are in clock ticks. */
export interface ProcStat {
  utimeTicks: number;
  stimeTicks: number;
  /** When the process started, in ticks since boot: with the pid, it names one incarnation. */
  startTicks: number;
}

/**
 * Parses /proc/<pid>/stat. The command name (field 2) is in parentheses and may itself contain
 * spaces and parentheses, so fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  if (close < 0)
    throw new HarnessError('INVALID_ARGUMENT', `not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  // After ')' come fields 3 (state), 4, …: field N is at index N - 3.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number): number => {
    const value = Number(fields[n - 3]);
    if (!Number.isFinite(value)) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `/proc/<pid>/stat has no numeric field ${n}: ${text.slice(0, 80)}`,
      );
    }
    return value;
  };
  return { utimeTicks: field(14), stimeTicks: field(15), startTicks: field(22) };
}

/** VmRSS from /proc/<pid>/status, in bytes (the kernel writes it in kB). */
export function parseStatusRss(text: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  if (!match?.[1]) {
    // A zombie or a kernel thread has no VmRSS line.
    throw new HarnessError(
      'INVALID_ARGUMENT',
      'no VmRSS line in /proc/<pid>/status (has the process exited?)',
    );
  }
  return Number(match[1]) * 1024;
}

let clockTicks: Promise<number> | undefined;

/**
 * USER_HZ, the unit of /proc's CPU times. Node has no sysconf(), so `getconf CLK_TCK` is asked
 * once; 100 is what every mainstream Linux architecture uses, should getconf be missing.
 */
export function clockTicksPerSecond(): Promise<number> {
  clockTicks ??= promisify(execFile)('getconf', ['CLK_TCK'], { timeout: 5000 }).then(
    ({ stdout }) => {
      const ticks = Number(stdout.trim());
      return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
    },
    () => 100,
  );
  return clockTicks;
}

/** The memory and CPU of process `pid`, or a HarnessError naming why they cannot be read. */
export async function procUsage(pid: number): Promise<ResourceUsage> {
  let stat: string;
  let status: string;
  try {
    [stat, status] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
    ]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HarnessError(
      'TARGET_START',
      code === 'ENOENT' && process.platform !== 'linux'
        ? `the local runtime reads a process's memory and CPU from /proc, which ${process.platform} lacks`
        : `cannot read /proc/${pid} (${code ?? (error as Error).message}): the target process is gone`,
      { cause: error },
    );
  }
  const parsed = parseProcStat(stat);
  const ticks = await clockTicksPerSecond();
  return {
    rssBytes: parseStatusRss(status),
    cpuSeconds: (parsed.utimeTicks + parsed.stimeTicks) / ticks,
    instance: `pid ${pid} (started at tick ${parsed.startTicks})`,
  };
}
