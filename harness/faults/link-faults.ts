import type { LinkName } from '../runtime/backend.ts';
import type { Fault as FaultSpec } from './fault.ts';
import {
  faultName,
  MAX_MS,
  OptionsCheck,
  TIMING_KEYS,
  TOXIC_KEYS,
  type ToxicToAdd,
  timingOf,
  toxicFault,
  toxicsOf,
} from './link-toxics.ts';
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
