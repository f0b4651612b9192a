import { randomUUID } from 'node:crypto';
import type { ToxicType } from 'toxiproxy-node-client';
import { HarnessError } from '../errors.ts';
import { LINKS, type LinkName } from '../runtime/backend.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import type { Fault as FaultSpec } from './fault.ts';
import type { ToxicOptions } from './link-faults.ts';
import type { Timing } from './timing.ts';

// The mechanics of toxic faults: options checked with the range named, toxics added and removed
// exactly once. The catalog of link faults (link-faults.ts) is built on it.

export type Stream = 'upstream' | 'downstream';

/** One toxic to put on a link, before it has a name. */
export interface ToxicToAdd {
  type: ToxicType;
  attributes: Record<string, number>;
  stream: Stream;
  toxicity: number;
}

/** An hour: a longer delay in a fault is surely seconds typed as milliseconds. */
export const MAX_MS = 3_600_000;
export const TIMING_KEYS = ['afterMs', 'forMs'] as const;
export const TOXIC_KEYS = ['direction', 'toxicity', ...TIMING_KEYS] as const;

/**
 * The toxics one fault put on one link: added together, removed together, each exactly once.
 * A toxic's name is chosen (unique) and recorded before Toxiproxy is asked to add it, so an
 * inject that failed half-way — or whose answer was lost — still leaves heal() knowing every
 * toxic that may be on the link; heal() removes those that are there and nothing else.
 */
export class LinkToxics {
  readonly #link: LinkName;
  readonly #names: string[] = [];

  constructor(link: LinkName) {
    this.#link = link;
  }

  async add(env: StartedEnvironment, toxics: readonly ToxicToAdd[]): Promise<void> {
    for (const toxic of toxics) {
      const name = `${toxic.type}-${toxic.stream}-${randomUUID().slice(0, 8)}`;
      this.#names.push(name);
      await env.links.get(this.#link).addToxic({ ...toxic, name });
    }
  }

  /** Idempotent: a second call, or one after Toxiproxy was reset, removes nothing. */
  async removeAll(env: StartedEnvironment): Promise<void> {
    if (this.#names.length === 0) return;
    const present = await this.#present(env);
    // One at a time, forgetting each only once it is gone: if a removal fails, the next heal
    // retries the toxics still left.
    while (this.#names.length > 0) {
      const name = this.#names[0] as string;
      if (present.has(name)) await env.links.get(this.#link).removeToxic(name);
      this.#names.shift();
    }
  }

  /** Names of the toxics on the link right now. */
  async #present(env: StartedEnvironment): Promise<Set<string>> {
    const proxy = (await env.links.state()).find((p) => p.link === this.#link);
    return new Set(proxy?.toxics.map((t) => t.name));
  }
}

/** A fault made of toxics on one link (one per direction). */
export function toxicFault(
  name: string,
  link: LinkName,
  toxics: readonly ToxicToAdd[],
  timing: Timing,
): FaultSpec {
  const added = new LinkToxics(link);
  return {
    name,
    link,
    ...timingOf(timing),
    inject: (env) => added.add(env, toxics),
    heal: (env) => added.removeAll(env),
  };
}

/** The toxic of `type` in each direction `options` asks for. */
export function toxicsOf(
  type: ToxicType,
  attributes: Record<string, number>,
  options: ToxicOptions,
): ToxicToAdd[] {
  const direction = options.direction ?? 'downstream';
  const streams: Stream[] = direction === 'both' ? ['downstream', 'upstream'] : [direction];
  return streams.map((stream) => ({ type, attributes, stream, toxicity: options.toxicity ?? 1 }));
}

/** The fault's name: what it does, where, which way, and to what share of connections. */
export function faultName(fault: string, link: LinkName, what: string, options: ToxicOptions): string {
  const toxicity = options.toxicity ?? 1;
  const share = toxicity === 1 ? '' : `, toxicity ${toxicity}`;
  return `${fault}(${link}, ${what}, ${options.direction ?? 'downstream'}${share})`;
}

/** A value as the user wrote it (JSON would show NaN as null). */
export function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

export function timingOf(timing: Timing): Timing {
  return {
    ...(timing.afterMs === undefined ? {} : { afterMs: timing.afterMs }),
    ...(timing.forMs === undefined ? {} : { forMs: timing.forMs }),
  };
}

/** The values an option may take. */
export interface Range {
  min: number;
  /** Exclusive lower bound, instead of `min`. */
  above?: number;
  max: number;
  /** Names a bound that comes from another option: `latencyMs (300)`. */
  maxLabel?: string;
  required?: boolean;
}

/** `an integer from 0 to 3600000`, `a number > 0`: what a user can act on. */
export function describeRange(range: Range, integer: boolean): string {
  const kind = integer ? 'an integer' : 'a number';
  const unbounded = range.max === Number.MAX_SAFE_INTEGER;
  if (range.above !== undefined) {
    return unbounded
      ? `${kind} > ${range.above}`
      : `${kind} > ${range.above} and ≤ ${range.maxLabel ?? range.max}`;
  }
  return unbounded ? `${kind} ≥ ${range.min}` : `${kind} from ${range.min} to ${range.maxLabel ?? range.max}`;
}

/**
 * Checks a fault's options where the fault is created, so a bad scenario fails at definition
 * with the option and its valid range named, not mid-run with Toxiproxy's HTTP 400.
 */
export class OptionsCheck {
  readonly #where: string;
  readonly #options: Record<string, unknown>;

  constructor(fault: string, link: unknown, options: unknown, keys: readonly string[]) {
    this.#where = `Fault.${fault}(${JSON.stringify(link)})`;
    if (typeof link !== 'string' || !(LINKS as readonly string[]).includes(link)) {
      this.#fail(`${JSON.stringify(link)} is not a link (links: ${LINKS.join(', ')})`);
    }
    if (typeof options !== 'object' || options === null) this.#fail('options must be an object');
    this.#options = options as Record<string, unknown>;
    const unknown = Object.keys(this.#options).filter((k) => !keys.includes(k));
    if (unknown.length > 0) {
      this.#fail(`unknown option ${unknown.map((k) => `'${k}'`).join(', ')} (options: ${keys.join(', ')})`);
    }
  }

  integer(key: string, range: Range): void {
    this.#number(key, range, true);
  }

  /** A number option, fractions allowed. */
  number(key: string, range: Range): void {
    this.#number(key, range, false);
  }

  oneOf(key: string, values: readonly string[]): void {
    const value = this.#options[key];
    if (value !== undefined && !values.includes(value as string)) {
      this.#fail(
        `${key} must be one of ${values.map((v) => `'${v}'`).join(', ')}; got ${JSON.stringify(value)}`,
      );
    }
  }

  /** The options every toxic fault shares. */
  toxicCommon(): void {
    this.oneOf('direction', ['downstream', 'upstream', 'both']);
    this.number('toxicity', { min: 0, max: 1 });
    this.timing();
  }

  timing(): void {
    this.number('afterMs', { min: 0, max: Number.MAX_SAFE_INTEGER });
    // forMs 0 would heal in the same breath as the injection: surely not what was meant.
    this.number('forMs', { min: 0, above: 0, max: Number.MAX_SAFE_INTEGER });
  }

  #number(key: string, range: Range, integer: boolean): void {
    const value = this.#options[key];
    if (value === undefined && !range.required) return;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value)) &&
      (range.above === undefined ? value >= range.min : value > range.above) &&
      value <= range.max;
    if (!ok) this.#fail(`${key} must be ${describeRange(range, integer)}; got ${show(value)}`);
  }

  #fail(message: string): never {
    throw new HarnessError('INVALID_SCENARIO', `${this.#where}: ${message}`);
  }
}
