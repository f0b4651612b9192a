import type { Toxiproxy } from 'toxiproxy-node-client';
import type { LinkName } from '../runtime/backend.ts';
import { Link } from './link.ts';
import { toxiproxyClient } from './toxiproxy-api.ts';

export { Link, type ToxicSpec } from './link.ts';
export { toxiproxyClient } from './toxiproxy-api.ts';

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

  /** Heal every link: remove all toxics and enable every proxy (Toxiproxy's /reset). */
  async healAll(): Promise<void> {
    await this.#client.reset();
  }
}
