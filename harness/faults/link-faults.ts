import { randomUUID } from 'node:crypto';
import type { ToxicType } from 'toxiproxy-node-client';
import { HarnessError } from '../errors.ts';
import { LINKS, type LinkName } from '../runtime/backend.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import type { Fault as FaultSpec } from './fault.ts';
import type { Timing } from './timing.ts';

/**
 * Which way the toxic acts on a link's data. `downstream` (Toxiproxy's default): data from the
 * link's server to its client (on `target→postgres`, PostgreSQL's answers to the target);
 * `upstream`: data from the client to the server (the target's queries); `both`: one toxic each
 * way, both removed on heal.
 */
export type ToxicDirection = 'downstream' | 'upstream' | 'both';

/** What every toxic fault takes besides its own settings. */
export interface ToxicOptions extends Timing {
  /** Default `downstream`. */
  direction?: ToxicDirection;
  /**
   * Share of the link's connections the toxic acts on, 0..1 (default 1): Toxiproxy draws once
   * per connection and toxic, with its own randomness, which no seed reproduces — a run with a
   * toxicity below 1 cannot be replayed connection for connection.
   */
  toxicity?: number;
}

type Stream = 'upstream' | 'downstream';

/** One toxic to put on a link, before it has a name. */
interface ToxicToAdd {
  type: ToxicType;
  attributes: Record<string, number>;
  stream: Stream;
  toxicity: number;
}

/** An hour: a longer delay in a fault is surely seconds typed as milliseconds. */
const MAX_MS = 3_600_000;
const TIMING_KEYS = ['afterMs', 'forMs'] as const;
const TOXIC_KEYS = ['direction', 'toxicity', ...TIMING_KEYS] as const;

/**
 * The toxics one fault put on one link: added together, removed together, each exactly once.
 * A toxic's name is chosen (unique) and recorded before Toxiproxy is asked to add it, so an
 * inject that failed half-way — or whose answer was lost — still leaves heal() knowing every
 * toxic that may be on the link; heal() removes those that are there and nothing else.
 */
class LinkToxics {
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
function toxicFault(name: string, link: LinkName, toxics: readonly ToxicToAdd[], timing: Timing): FaultSpec {
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
function toxicsOf(type: ToxicType, attributes: Record<string, number>, options: ToxicOptions): ToxicToAdd[] {
  const direction = options.direction ?? 'downstream';
  const streams: Stream[] = direction === 'both' ? ['downstream', 'upstream'] : [direction];
  return streams.map((stream) => ({ type, attributes, stream, toxicity: options.toxicity ?? 1 }));
}

/** The fault's name: what it does, where, which way, and to what share of connections. */
function faultName(fault: string, link: LinkName, what: string, options: ToxicOptions): string {
  const toxicity = options.toxicity ?? 1;
  const share = toxicity === 1 ? '' : `, toxicity ${toxicity}`;
  return `${fault}(${link}, ${what}, ${options.direction ?? 'downstream'}${share})`;
}

/** A value as the user wrote it (JSON would show NaN as null). */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function timingOf(timing: Timing): Timing {
  return {
    ...(timing.afterMs === undefined ? {} : { afterMs: timing.afterMs }),
    ...(timing.forMs === undefined ? {} : { forMs: timing.forMs }),
  };
}

/** The values an option may take. */
interface Range {
  min: number;
  /** Exclusive lower bound, instead of `min`. */
  above?: number;
  max: number;
  /** Names a bound that comes from another option: `latencyMs (300)`. */
  maxLabel?: string;
  required?: boolean;
}

/** `an integer from 0 to 3600000`, `a number > 0`: what a user can act on. */
function describeRange(range: Range, integer: boolean): string {
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
class OptionsCheck {
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

export interface LatencyOptions extends ToxicOptions {
  latencyMs: number;
  /** Each chunk's delay is `latencyMs` ± up to `jitterMs`, uniformly (at most `latencyMs`). */
  jitterMs?: number;
}

export interface BandwidthOptions extends ToxicOptions {
  /** Kilobytes (1000 bytes) per second, per connection. */
  kbPerSecond: number;
}

export interface TimeoutOptions extends ToxicOptions {
  /** Close each connection this long after the toxic reaches it; 0: never close. */
  timeoutMs: number;
}

export interface ResetPeerOptions extends ToxicOptions {
  /** Delay between a connection's first data after injection and its reset (default 0). */
  timeoutMs?: number;
}

export interface SlicerOptions extends ToxicOptions {
  /** Average slice size in bytes. */
  averageSize: number;
  /** Slices vary by up to this many bytes (default 0; less than `averageSize`). */
  sizeVariation?: number;
  /** Pause after each slice, in microseconds (default 0). */
  delayUs?: number;
}

export interface LimitDataOptions extends ToxicOptions {
  /** Bytes a connection may carry (counted from injection) before it is closed. */
  bytes: number;
}

export interface SlowCloseOptions extends ToxicOptions {
  /** How long a close is held back before it reaches the other side. */
  delayMs: number;
}

/**
 * Faults on a link: Toxiproxy toxics and switches. Every toxic fault takes `direction` (default
 * `downstream`), `toxicity` (default 1) and the timing (`afterMs`, `forMs`); its options are
 * checked when it is created. A toxic acts on the connections open at injection as well as on
 * new ones.
 */
export const linkFaults = {
  /** Delays every chunk of data by `latencyMs` (± `jitterMs`). */
  latency(link: LinkName, options: LatencyOptions): FaultSpec {
    const check = new OptionsCheck('latency', link, options, ['latencyMs', 'jitterMs', ...TOXIC_KEYS]);
    check.integer('latencyMs', { min: 0, max: MAX_MS, required: true });
    // Toxiproxy sends a chunk whose delay comes out negative at once: a jitter beyond the
    // latency would skew the distribution, not widen it.
    check.integer('jitterMs', {
      min: 0,
      max: options.latencyMs,
      maxLabel: `latencyMs (${options.latencyMs})`,
    });
    check.toxicCommon();
    const jitter = options.jitterMs ?? 0;
    return toxicFault(
      faultName('latency', link, `${options.latencyMs} ms${jitter > 0 ? ` ± ${jitter} ms` : ''}`, options),
      link,
      toxicsOf('latency', { latency: options.latencyMs, jitter }, options),
      options,
    );
  },

  /** Caps each connection's throughput at `kbPerSecond` kilobytes (1000 bytes) per second. */
  bandwidth(link: LinkName, options: BandwidthOptions): FaultSpec {
    const check = new OptionsCheck('bandwidth', link, options, ['kbPerSecond', ...TOXIC_KEYS]);
    // At 0 Toxiproxy stops limiting rather than stopping the data: use timeout for that.
    check.integer('kbPerSecond', { min: 1, max: Number.MAX_SAFE_INTEGER, required: true });
    check.toxicCommon();
    return toxicFault(
      faultName('bandwidth', link, `${options.kbPerSecond} KB/s`, options),
      link,
      toxicsOf('bandwidth', { rate: options.kbPerSecond }, options),
      options,
    );
  },

  /**
   * Drops all data; with `timeoutMs` > 0, also closes each connection that long after the toxic
   * reaches it (at injection for open connections, at connect for new ones). `timeoutMs: 0`
   * keeps connections open and silent until healed: `blackhole` in one direction.
   */
  timeout(link: LinkName, options: TimeoutOptions): FaultSpec {
    const check = new OptionsCheck('timeout', link, options, ['timeoutMs', ...TOXIC_KEYS]);
    check.integer('timeoutMs', { min: 0, max: MAX_MS, required: true });
    check.toxicCommon();
    const what =
      options.timeoutMs === 0
        ? 'drops data, never closes'
        : `drops data, closes after ${options.timeoutMs} ms`;
    return toxicFault(
      faultName('timeout', link, what, options),
      link,
      toxicsOf('timeout', { timeout: options.timeoutMs }, options),
      options,
    );
  },

  /**
   * Resets connections ("connection reset by peer"): each affected connection is cut
   * `timeoutMs` (default 0) after the first data that crosses it in the toxic's direction, and
   * that data is lost. Toxiproxy sets SO_LINGER 0 (close with a TCP RST) only on connections
   * opened after injection; ones already open are closed plainly, though a peer that still
   * writes to them gets a reset.
   */
  resetPeer(link: LinkName, options: ResetPeerOptions = {}): FaultSpec {
    const check = new OptionsCheck('resetPeer', link, options, ['timeoutMs', ...TOXIC_KEYS]);
    check.integer('timeoutMs', { min: 0, max: MAX_MS });
    check.toxicCommon();
    const timeout = options.timeoutMs ?? 0;
    const what = timeout === 0 ? 'resets on first data' : `resets ${timeout} ms after first data`;
    return toxicFault(
      faultName('resetPeer', link, what, options),
      link,
      toxicsOf('reset_peer', { timeout }, options),
      options,
    );
  },

  /**
   * Cuts data into slices of about `averageSize` bytes (± `sizeVariation`), pausing `delayUs`
   * microseconds after each: exercises the peer's handling of partial reads.
   */
  slicer(link: LinkName, options: SlicerOptions): FaultSpec {
    const check = new OptionsCheck('slicer', link, options, [
      'averageSize',
      'sizeVariation',
      'delayUs',
      ...TOXIC_KEYS,
    ]);
    check.integer('averageSize', { min: 1, max: Number.MAX_SAFE_INTEGER, required: true });
    // Toxiproxy splits a chunk at its middle ± the variation: a variation of the average size
    // or more can put the split outside the chunk.
    check.integer('sizeVariation', {
      min: 0,
      max: options.averageSize - 1,
      maxLabel: `averageSize - 1 (${options.averageSize - 1})`,
    });
    check.integer('delayUs', { min: 0, max: MAX_MS * 1000 });
    check.toxicCommon();
    const variation = options.sizeVariation ?? 0;
    const delay = options.delayUs ?? 0;
    const size = `${options.averageSize}${variation > 0 ? `±${variation}` : ''} B slices`;
    return toxicFault(
      faultName('slicer', link, `${size}${delay > 0 ? `, ${delay} µs apart` : ''}`, options),
      link,
      toxicsOf('slicer', { average_size: options.averageSize, size_variation: variation, delay }, options),
      options,
    );
  },

  /** Closes each connection once it has carried `bytes` bytes in the toxic's direction. */
  limitData(link: LinkName, options: LimitDataOptions): FaultSpec {
    const check = new OptionsCheck('limitData', link, options, ['bytes', ...TOXIC_KEYS]);
    check.integer('bytes', { min: 1, max: Number.MAX_SAFE_INTEGER, required: true });
    check.toxicCommon();
    return toxicFault(
      faultName('limitData', link, `closes after ${options.bytes} B`, options),
      link,
      toxicsOf('limit_data', { bytes: options.bytes }, options),
      options,
    );
  },

  /** Holds back a connection's close by `delayMs`: the peer sees the data, then no FIN for a while. */
  slowClose(link: LinkName, options: SlowCloseOptions): FaultSpec {
    const check = new OptionsCheck('slowClose', link, options, ['delayMs', ...TOXIC_KEYS]);
    check.integer('delayMs', { min: 0, max: MAX_MS, required: true });
    check.toxicCommon();
    return toxicFault(
      faultName('slowClose', link, `close delayed ${options.delayMs} ms`, options),
      link,
      toxicsOf('slow_close', { delay: options.delayMs }, options),
      options,
    );
  },

  /**
   * Data on the link goes nowhere and connections stay open: what a client sees when a host
   * vanishes mid-failover (no RST, no FIN). Only timeouts get a caller out of it.
   */
  blackhole(link: LinkName, timing: Timing = {}): FaultSpec {
    new OptionsCheck('blackhole', link, timing, TIMING_KEYS).timing();
    // Both directions: a vanished host neither receives requests nor sends anything back
    // (not even the FIN of a server that shuts down behind it).
    const toxics = (['upstream', 'downstream'] as const).map(
      (stream): ToxicToAdd => ({ type: 'timeout', attributes: { timeout: 0 }, stream, toxicity: 1 }),
    );
    return toxicFault(`blackhole(${link})`, link, toxics, timing);
  },

  /** The link refuses connections and closes open ones. */
  down(link: LinkName, timing: Timing = {}): FaultSpec {
    new OptionsCheck('down', link, timing, TIMING_KEYS).timing();
    return {
      name: `down(${link})`,
      link,
      ...timingOf(timing),
      async inject(env) {
        await env.links.get(link).setEnabled(false);
      },
      async heal(env) {
        await env.links.get(link).setEnabled(true);
      },
    };
  },
};
