/**
 * A container's memory and CPU from the engine's stats API (GET /containers/{id}/stats with
 * stream=false and one-shot=true): the way that works wherever the engine is (a local dockerd,
 * a VM behind Docker Desktop, a remote DOCKER_HOST), used where the cgroup files (cgroup.ts,
 * far cheaper) are not visible. `docker exec` is not used at all: it would fork a process
 * inside the target on every tick. one-shot skips the second reading the engine otherwise
 * waits a second for (to fill precpu_stats): the probe computes CPU% from its own samples.
 */
import { z } from 'zod';
import { HarnessError } from '../../errors.ts';

const statsSchema = z.object({
  read: z.string().optional(),
  cpu_stats: z.object({ cpu_usage: z.object({ total_usage: z.number() }) }).optional(),
  memory_stats: z
    .object({
      usage: z.number().optional(),
      stats: z.record(z.string(), z.number()).optional(),
    })
    .optional(),
});

export interface ContainerUsage {
  rssBytes: number;
  cpuSeconds: number;
}

/** Memory (see rssFromMemoryStat) and CPU (the cgroup's cumulative usage, in ns) from one stats answer. */
export function usageFromDockerStats(raw: unknown): ContainerUsage {
  const parsed = statsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new HarnessError(
      'DEPENDENCY_START',
      `the engine's container stats are not in the expected shape: ${parsed.error.message}`,
    );
  }
  const { memory_stats: memory, cpu_stats: cpu, read } = parsed.data;
  // A stopped container answers with a zero `read` time and an empty memory_stats.
  if (!memory?.stats || memory.usage === undefined || !cpu || read?.startsWith('0001-')) {
    throw new HarnessError('TARGET_START', 'the target container is not running: no memory or CPU to read');
  }
  const rssBytes = rssFromMemoryStat(memory.stats);
  if (rssBytes === undefined) {
    throw new HarnessError(
      'DEPENDENCY_START',
      "the engine's memory stats have neither anon (v2) nor rss (v1)",
    );
  }
  return { rssBytes, cpuSeconds: cpu.cpu_usage.total_usage / 1e9 };
}

/**
 * RSS from a cgroup's memory.stat (as a file, or as the engine's stats pass it on): cgroup v2's
 * anon + file_mapped, or v1's total_rss + total_mapped_file — a process's RSS is its anonymous
 * plus its mapped-file pages, while the cgroup's `usage` would add the page cache (files merely
 * read), which is not memory the target holds.
 */
export function rssFromMemoryStat(stat: Readonly<Record<string, number>>): number | undefined {
  if (stat.anon !== undefined) return stat.anon + (stat.file_mapped ?? 0);
  const rss = stat.total_rss ?? stat.rss;
  if (rss === undefined) return undefined;
  return rss + (stat.total_mapped_file ?? stat.mapped_file ?? 0);
}
