import { describe, expect, it } from 'vitest';
import { cgroupFiles, cgroupUsage, cpuSecondsFrom, parseFlatKeyed, parseProcCgroup } from './cgroup.ts';

const ID = 'e74486ab85691ce1e27cfeb1c4cb0892feabf1bab2f24c6dfd3b11a741f5094e';

describe('parseProcCgroup', () => {
  it('maps every controller (joined ones too) and the unified hierarchy to its path', () => {
    const paths = parseProcCgroup(
      `9:name=systemd:/docker/${ID}\n4:memory:/docker/${ID}\n2:cpu,cpuacct:/docker/${ID}\n0::/docker/${ID}\n`,
    );
    expect(paths.get('memory')).toBe(`/docker/${ID}`);
    expect(paths.get('cpu')).toBe(`/docker/${ID}`);
    expect(paths.get('cpuacct')).toBe(`/docker/${ID}`);
    expect(paths.get('')).toBe(`/docker/${ID}`);
    expect(paths.get('name=systemd')).toBe(`/docker/${ID}`);
  });
});

describe('cgroupFiles', () => {
  it('v1 (cgroupfs driver): memory.stat and cpuacct.usage under each mount layout, then v2', () => {
    const files = cgroupFiles(
      parseProcCgroup(`4:memory:/docker/${ID}\n2:cpuacct:/docker/${ID}\n0::/docker/${ID}`),
    );
    expect(files[0]).toEqual({
      memoryStat: `/sys/fs/cgroup/memory/docker/${ID}/memory.stat`,
      cpu: `/sys/fs/cgroup/cpuacct/docker/${ID}/cpuacct.usage`,
      cpuFormat: 'cpuacct.usage',
    });
    expect(files.map((f) => f.cpu)).toContain(`/sys/fs/cgroup/cpu,cpuacct/docker/${ID}/cpuacct.usage`);
    expect(files.at(-1)?.cpuFormat).toBe('cpu.stat');
  });

  it('v2 (systemd driver): one directory', () => {
    const path = `/system.slice/docker-${ID}.scope`;
    expect(cgroupFiles(parseProcCgroup(`0::${path}\n`))).toEqual([
      {
        memoryStat: `/sys/fs/cgroup${path}/memory.stat`,
        cpu: `/sys/fs/cgroup${path}/cpu.stat`,
        cpuFormat: 'cpu.stat',
      },
    ]);
  });
});

describe('cpu and memory files', () => {
  it('reads cpuacct.usage (ns) and cpu.stat (usage_usec) as seconds, memory.stat as numbers', () => {
    expect(cpuSecondsFrom('1026135050\n', 'cpuacct.usage')).toBeCloseTo(1.026135);
    expect(cpuSecondsFrom('usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n', 'cpu.stat')).toBe(
      2.5,
    );
    expect(cpuSecondsFrom('', 'cpuacct.usage')).toBeUndefined();
    expect(cpuSecondsFrom('nr_periods 0\n', 'cpu.stat')).toBeUndefined();
    expect(parseFlatKeyed('rss 7577600\ntotal_rss 7577600\ntotal_mapped_file 18325504\n')).toEqual({
      rss: 7_577_600,
      total_rss: 7_577_600,
      total_mapped_file: 18_325_504,
    });
  });
});

describe('cgroupUsage', () => {
  it('is undefined (fall back to the engine) for a pid without a cgroup here or of another container', async () => {
    expect(await cgroupUsage(0, ID)).toBeUndefined();
    expect(await cgroupUsage(2 ** 22 + 1, ID)).toBeUndefined();
    // This very process exists, but its cgroup does not name the container.
    expect(await cgroupUsage(process.pid, ID)).toBeUndefined();
  });
});
