import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { RecordOf } from '../journal/records.ts';

/**
 * Aggregates the driver's own scheduling lag per window, so that a starved driver (2 cores,
 * busy target) shows as driver lag in the journal instead of passing for target latency.
 */
export class LagWindows {
  readonly #windowMs: number;
  readonly #emit: (record: RecordOf<'lag'>) => void;
  #from = 0;
  #scheduled = 0;
  #sum = 0;
  #max = 0;
  #dropped = 0;
  readonly #loop: ELDHistogram | undefined;

  /**
   * `eventLoop: true` also samples the thread's event-loop delay (perf_hooks, 10 ms resolution)
   * and journals its max and p99 per window: the cause when calls start late. Off under a
   * virtual clock, where real delay means nothing.
   */
  constructor(
    windowMs: number,
    emit: (record: RecordOf<'lag'>) => void,
    options: { eventLoop?: boolean } = {},
  ) {
    this.#windowMs = windowMs;
    this.#emit = emit;
    if (options.eventLoop) {
      this.#loop = monitorEventLoopDelay({ resolution: 10 });
      this.#loop.enable();
    }
  }

  started(intended: number, actual: number): void {
    this.#roll(intended);
    const lag = Math.max(0, actual - intended);
    this.#scheduled++;
    this.#sum += lag;
    this.#max = Math.max(this.#max, lag);
  }

  dropped(intended: number): void {
    this.#roll(intended);
    this.#scheduled++;
    this.#dropped++;
  }

  /** Emits the last window and stops sampling the event loop. */
  close(): void {
    this.flush();
    this.#loop?.disable();
  }

  flush(): void {
    if (this.#scheduled === 0) return;
    const started = this.#scheduled - this.#dropped;
    const loop =
      this.#loop && this.#loop.count > 0
        ? { eventLoopMaxMs: this.#loop.max / 1e6, eventLoopP99Ms: this.#loop.percentile(99) / 1e6 }
        : {};
    this.#loop?.reset();
    this.#emit({
      type: 'lag',
      from: this.#from,
      to: this.#from + this.#windowMs,
      scheduled: this.#scheduled,
      maxLagMs: this.#max,
      meanLagMs: started > 0 ? this.#sum / started : 0,
      dropped: this.#dropped,
      ...loop,
    });
    this.#scheduled = this.#sum = this.#max = this.#dropped = 0;
  }

  #roll(at: number): void {
    if (this.#from === 0) this.#from = at;
    if (at >= this.#from + this.#windowMs) {
      this.flush();
      this.#from += Math.floor((at - this.#from) / this.#windowMs) * this.#windowMs;
    }
  }
}
