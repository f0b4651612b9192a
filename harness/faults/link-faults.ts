import type { LinkName } from '../runtime/backend.ts';
import type { Fault as FaultSpec } from './fault.ts';
import type { Timing } from './timing.ts';

/** A toxic on a link, removed on heal. */
function toxic(
  name: string,
  link: LinkName,
  spec: {
    type: 'latency' | 'timeout' | 'reset_peer';
    attributes: Record<string, number>;
    stream?: 'upstream' | 'downstream';
  },
  timing: Timing,
): FaultSpec {
  let toxicName: string | undefined;
  return {
    name,
    link,
    ...timing,
    async inject(env) {
      toxicName = await env.links.get(link).addToxic(spec);
    },
    async heal(env) {
      if (toxicName) await env.links.get(link).removeToxic(toxicName);
      toxicName = undefined;
    },
  };
}

/** Faults on a link: Toxiproxy toxics and switches. */
export const linkFaults = {
  /** Adds `latencyMs` (± `jitterMs`) to data on a link. */
  latency(link: LinkName, options: { latencyMs: number; jitterMs?: number } & Timing): FaultSpec {
    return toxic(
      `latency(${link}, ${options.latencyMs}ms)`,
      link,
      {
        type: 'latency',
        attributes: { latency: options.latencyMs, jitter: options.jitterMs ?? 0 },
      },
      options,
    );
  },

  /**
   * Data on the link goes nowhere and connections stay open: what a client sees when a host
   * vanishes mid-failover (no RST, no FIN). Only timeouts get a caller out of it.
   */
  blackhole(link: LinkName, timing: Timing = {}): FaultSpec {
    const names: string[] = [];
    return {
      name: `blackhole(${link})`,
      link,
      ...timing,
      async inject(env) {
        // Both directions: a vanished host neither receives requests nor sends anything back
        // (not even the FIN of a server that shuts down behind it).
        for (const stream of ['upstream', 'downstream'] as const) {
          names.push(
            await env.links.get(link).addToxic({ type: 'timeout', attributes: { timeout: 0 }, stream }),
          );
        }
      },
      async heal(env) {
        for (const name of names.splice(0)) await env.links.get(link).removeToxic(name);
      },
    };
  },

  /** The link refuses connections and closes open ones. */
  down(link: LinkName, timing: Timing = {}): FaultSpec {
    return {
      name: `down(${link})`,
      link,
      ...timing,
      async inject(env) {
        await env.links.get(link).setEnabled(false);
      },
      async heal(env) {
        await env.links.get(link).setEnabled(true);
      },
    };
  },
};
