import { describe, expect, it } from 'vitest';
import { clockTicksPerSecond, parseProcStat, parseStatusRss, procUsage } from './proc.ts';

// A real line of /proc/<pid>/stat, with a command name holding spaces and parentheses.
const STAT =
  '4242 (node (main) x) S 1 4242 4242 0 -1 4194560 26834 0 0 0 ' +
  '321 45 0 0 20 0 11 0 987654 1160757248 20426 18446744073709551615 1 1 0 0 0 0 0 16781312 134235650 0 0 0 17 1 0 0 0 0 0';

describe('parseProcStat', () => {
  it('counts fields from the last parenthesis: utime, stime and start time', () => {
    expect(parseProcStat(STAT)).toEqual({ utimeTicks: 321, stimeTicks: 45, startTicks: 987654 });
  });

  it('rejects what is not a stat line', () => {
    expect(() => parseProcStat('nonsense')).toThrow(/not a \/proc\/<pid>\/stat line/);
    expect(() => parseProcStat('1 (x) S 1 2')).toThrow(/no numeric field 14/);
  });
});

describe('parseStatusRss', () => {
  it('reads VmRSS in bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmRSS:\t   81700 kB\nRssAnon:\t   40000 kB\n';
    expect(parseStatusRss(status)).toBe(81_700 * 1024);
  });

  it('says so when there is none (a zombie)', () => {
    expect(() => parseStatusRss('Name:\tnode\nState:\tZ (zombie)\n')).toThrow(/no VmRSS/);
  });
});

describe.runIf(process.platform === 'linux')('procUsage on this Linux machine', () => {
  it("reads this process's memory and CPU, and fails clearly for a pid that does not exist", async () => {
    const usage = await procUsage(process.pid);
    expect(usage.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(usage.cpuSeconds).toBeGreaterThan(0);
    expect(usage.instance).toMatch(new RegExp(`^pid ${process.pid} `));
    expect(await clockTicksPerSecond()).toBeGreaterThan(0);
    await expect(procUsage(2 ** 22 + 1)).rejects.toThrow(/the target process is gone/);
  });
});
