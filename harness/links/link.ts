import type { ToxicDirection, ToxicType, Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import type { LinkName } from '../runtime/backend.ts';

export interface ToxicSpec {
  type: ToxicType;
  attributes: Record<string, number>;
  /** downstream: server→client data; upstream: client→server data. */
  stream?: ToxicDirection;
  /** Share of connections affected, 0..1. Toxiproxy's own randomness: not reproducible from a seed. */
  toxicity?: number;
  name?: string;
}

/** One named network path through a Toxiproxy proxy. */
export class Link {
  readonly name: LinkName;
  readonly #proxy: ToxiproxyProxy;
  #counter = 0;

  constructor(name: LinkName, proxy: ToxiproxyProxy) {
    this.name = name;
    this.#proxy = proxy;
  }

  get listen(): string {
    return this.#proxy.listen;
  }

  get upstream(): string {
    return this.#proxy.upstream;
  }

  /** Adds a toxic and returns its name (needed to remove it). */
  async addToxic(spec: ToxicSpec): Promise<string> {
    const name = spec.name ?? `${spec.type}-${++this.#counter}`;
    await this.#proxy.addToxic({
      name,
      type: spec.type,
      stream: spec.stream ?? 'downstream',
      toxicity: spec.toxicity ?? 1,
      attributes: spec.attributes,
    });
    return name;
  }

  async removeToxic(name: string): Promise<void> {
    const toxic = await this.#proxy.getToxic(name);
    await toxic.remove();
  }

  /** A disabled link refuses new connections and closes open ones, like a dead host. */
  async setEnabled(enabled: boolean): Promise<void> {
    await this.#proxy.update({ enabled, listen: this.listen, upstream: this.upstream });
  }
}
