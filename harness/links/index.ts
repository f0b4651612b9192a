import type { Toxiproxy } from 'toxiproxy-node-client';
import { z } from 'zod';
import { HarnessError } from '../errors.ts';
import { proxyStateSchema } from '../journal/records.ts';
import type { LinkName } from '../runtime/backend.ts';
import { Link } from './link.ts';
import { toxiproxyClient } from './toxiproxy-api.ts';

export { Link, type ToxicSpec } from './link.ts';
export { toxiproxyClient } from './toxiproxy-api.ts';

/** One proxy as Toxiproxy reports it, with the link it carries when it is one of ours. */
export interface LinkState {
  name: string;
  link?: LinkName;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: {
    name: string;
    type: string;
    stream: string;
    toxicity: number;
    attributes: Record<string, unknown>;
  }[];
}

// Toxiproxy's GET /proxies: the proxy state the toxiproxy probe journals, without our link name.
const proxiesResponse = z.record(z.string(), proxyStateSchema.omit({ link: true }));

/** Toxiproxy proxy names must be plain identifiers: `client→target` becomes `client-target`. */
export function proxyName(link: LinkName): string {
  return link.replace('→', '-');
}

/** Every link of an environment, created on one Toxiproxy. */
export class Links {
  readonly #client: Toxiproxy;
  readonly #links = new Map<LinkName, Link>();

  private constructor(client: Toxiproxy) {
    this.#client = client;
  }

  static async create(
    toxiproxyUrl: string,
    specs: { name: LinkName; listen: string; upstream: string }[],
  ): Promise<Links> {
    const links = new Links(toxiproxyClient(toxiproxyUrl));
    for (const spec of specs) {
      const proxy = await links.#client.createProxy({
        name: proxyName(spec.name),
        listen: spec.listen,
        upstream: spec.upstream,
        enabled: true,
      });
      links.#links.set(spec.name, new Link(spec.name, proxy));
    }
    return links;
  }

  get(name: LinkName): Link {
    const link = this.#links.get(name);
    if (!link) throw new Error(`no link named ${name}; links: ${[...this.#links.keys()].join(', ')}`);
    return link;
  }

  names(): LinkName[] {
    return [...this.#links.keys()];
  }

  /**
   * Every proxy on this Toxiproxy as it is now: enabled or not, and its toxics (one GET /proxies).
   * Proxies the harness did not create are listed too, without a `link`.
   */
  async state(): Promise<LinkState[]> {
    // The client's getAll() builds Proxy objects that drop the toxics, so the raw answer is read.
    const { data } = await this.#client.api.get<unknown>(`${this.#client.host}/proxies`);
    const parsed = proxiesResponse.safeParse(data);
    if (!parsed.success) {
      throw new HarnessError(
        'TOXIPROXY_API',
        `Toxiproxy's GET /proxies answer is not the expected shape: ${parsed.error.message}`,
      );
    }
    const linkOf = new Map(this.names().map((link) => [proxyName(link), link]));
    return Object.values(parsed.data)
      .map((proxy) => {
        const link = linkOf.get(proxy.name);
        return { ...proxy, ...(link ? { link } : {}) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Heal every link: remove all toxics and enable every proxy (Toxiproxy's /reset). */
  async healAll(): Promise<void> {
    await this.#client.reset();
  }
}
