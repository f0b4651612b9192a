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

  constructor(windowMs: number, emit: (record: RecordOf<'lag'>) => void) {
    this.#windowMs = windowMs;
    this.#emit = emit;
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

  flush(): void {
    if (this.#scheduled === 0) return;
    const started = this.#scheduled - this.#dropped;
    this.#emit({
      type: 'lag',
      from: this.#from,
      to: this.#from + this.#windowMs,
      scheduled: this.#scheduled,
      maxLagMs: this.#max,
      meanLagMs: started > 0 ? this.#sum / started : 0,
      dropped: this.#dropped,
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
