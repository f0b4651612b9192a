import { seriesKey } from '../journal/index.ts';
import type { Links } from '../links/index.ts';
import type { Probe } from './probe.ts';

/**
 * Every Toxiproxy proxy, enabled or not, with its toxics. The structured list goes into the
 * record's `proxies`; per link, `proxy_enabled` (1/0) and `proxy_toxics` (how many) go into
 * `values`, so that a check can see that a fault really was on (or healed) without parsing.
 * Bounded by the links client's 10 s timeout on Toxiproxy's API.
 */
export function toxiproxyProbe(links: Links): Probe {
  return {
    name: 'toxiproxy',
    async read() {
      const proxies = await links.state();
      const values: Record<string, number> = {
        proxies: proxies.length,
        toxics: proxies.reduce((sum, proxy) => sum + proxy.toxics.length, 0),
      };
      for (const proxy of proxies) {
        const labels = { link: proxy.link ?? proxy.name };
        values[seriesKey('proxy_enabled', labels)] = proxy.enabled ? 1 : 0;
        values[seriesKey('proxy_toxics', labels)] = proxy.toxics.length;
      }
      return { values, proxies };
    },
  };
}
