import { seriesKey } from '../journal/index.ts';
import type { InstanceCounts } from '../router/index.ts';
import type { Probe } from './probe.ts';

/**
 * The router's view of each instance behind it, per sample: calls served and failed so far, in
 * flight now, its weight, and whether it is ejected or draining (1/0), each labelled with the
 * instance and its build. A deploy's traffic shift, a drain and an ejection read off these series.
 */
export function routerProbe(counts: () => InstanceCounts[]): Probe {
  return {
    name: 'router',
    async read() {
      const values: Record<string, number> = {};
      for (const c of counts()) {
        const labels = { instance: c.id, build: c.build };
        values[seriesKey('router_served_total', labels)] = c.served;
        values[seriesKey('router_failed_total', labels)] = c.failed;
        values[seriesKey('router_in_flight', labels)] = c.inFlight;
        values[seriesKey('router_weight', labels)] = c.weight;
        values[seriesKey('router_ejected', labels)] = c.ejected ? 1 : 0;
        values[seriesKey('router_draining', labels)] = c.draining ? 1 : 0;
      }
      return { values };
    },
  };
}
