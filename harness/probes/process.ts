import type { ResourceUsage, StartedTarget } from '../runtime/backend.ts';
import type { Probe } from './probe.ts';

/** A resource reading and when it was taken (epoch ms). */
export interface TimedUsage extends ResourceUsage {
  at: number;
}

/**
 * CPU use between two readings, in percent of one core (200 = two cores busy), or undefined
 * when they cannot be compared: different incarnations (the counter restarted with the
 * process), no time between them, or a counter that went backwards.
 */
export function cpuPercent(previous: TimedUsage | undefined, next: TimedUsage): number | undefined {
  if (!previous || previous.instance !== next.instance) return undefined;
  const wallSeconds = (next.at - previous.at) / 1000;
  const cpuSeconds = next.cpuSeconds - previous.cpuSeconds;
  if (wallSeconds <= 0 || cpuSeconds < 0) return undefined;
  return (cpuSeconds / wallSeconds) * 100;
}

/**
 * The target's resident memory and CPU, from the runtime (local: /proc of its process;
 * containers: the engine's stats). Values: `rss_bytes`, `cpu_seconds_total` (since the instance
 * started) and `cpu_percent` (since this probe's previous reading of the same instance).
 */
export function processProbe(target: StartedTarget | (() => StartedTarget), now: () => number): Probe {
  let previous: TimedUsage | undefined;
  const current = typeof target === 'function' ? target : () => target;
  return {
    name: 'process',
    async read() {
      const usage = { ...(await current().resourceUsage()), at: now() };
      const percent = cpuPercent(previous, usage);
      previous = usage;
      return {
        values: {
          rss_bytes: usage.rssBytes,
          cpu_seconds_total: usage.cpuSeconds,
          ...(percent === undefined ? {} : { cpu_percent: percent }),
        },
      };
    },
  };
}
