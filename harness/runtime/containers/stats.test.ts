import { describe, expect, it } from 'vitest';
import { rssFromMemoryStat, usageFromDockerStats } from './stats.ts';

const CPU = { cpu_usage: { total_usage: 1_500_000_000 } };

describe('usageFromDockerStats', () => {
  it('cgroup v1: total_rss + total_mapped_file, CPU from nanoseconds', () => {
    const stats = {
      read: '2026-01-01T00:00:00.1Z',
      cpu_stats: CPU,
      memory_stats: {
        usage: 134_189_056,
        stats: { cache: 122_470_400, total_rss: 40_000_000, rss: 39_000_000, total_mapped_file: 2_000_000 },
      },
    };
    expect(usageFromDockerStats(stats)).toEqual({ rssBytes: 42_000_000, cpuSeconds: 1.5 });
  });

  it('cgroup v2: anon + file_mapped (not usage, which counts the page cache)', () => {
    const stats = {
      read: '2026-01-01T00:00:00.1Z',
      cpu_stats: CPU,
      memory_stats: {
        usage: 500_000_000,
        stats: { anon: 60_000_000, file_mapped: 5_000_000, file: 400_000_000 },
      },
    };
    expect(usageFromDockerStats(stats)).toEqual({ rssBytes: 65_000_000, cpuSeconds: 1.5 });
  });

  it('a stopped container (what the engine answers for one) is an error, not zeros', () => {
    const stopped = {
      read: '0001-01-01T00:00:00Z',
      cpu_stats: { cpu_usage: { total_usage: 0 } },
      memory_stats: {},
    };
    expect(() => usageFromDockerStats(stopped)).toThrow(/not running/);
    expect(() => usageFromDockerStats({ cpu_stats: 'x' })).toThrow(/not in the expected shape/);
  });
});

describe('rssFromMemoryStat', () => {
  it('is undefined when memory.stat has neither layout', () => {
    expect(rssFromMemoryStat({ cache: 5 })).toBeUndefined();
    expect(rssFromMemoryStat({ rss: 10, mapped_file: 2 })).toBe(12);
  });
});
