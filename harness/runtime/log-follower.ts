import type { StartedTarget } from './backend.ts';

/** One line a target printed, numbered from 1 in the order of the whole run (across restarts). */
export type TargetLogListener = (line: string, lineNumber: number) => void;

/** Lines kept for the first listener, which subscribes only once the environment is up. */
const EARLY_LINES = 10_000;

/**
 * Follows a target's output from its start: numbers every line, and keeps what it printed before
 * anyone listened (start-up, the dataset load) for the first listener, up to EARLY_LINES, so a
 * scan of the run's logs sees them too. Nothing is kept once someone listens.
 */
export class TargetLogFollower {
  readonly followed: boolean;
  readonly #listeners = new Set<TargetLogListener>();
  #early: string[] | undefined = [];
  #earlyDropped = 0;
  #count = 0;
  readonly #unsubscribe: () => void;

  constructor(target: Pick<StartedTarget, 'onLog'>) {
    this.followed = target.onLog !== undefined;
    this.#unsubscribe = target.onLog?.((line) => this.#line(line)) ?? (() => undefined);
  }

  /** Lines printed so far. */
  get lines(): number {
    return this.#count;
  }

  /**
   * Calls `listener` with every line: first the early ones kept (for the first listener only),
   * then each as it is printed. Returns the unsubscribe and how many early lines were not kept.
   */
  subscribe(listener: TargetLogListener): { unsubscribe: () => void; earlyDropped: number } {
    const early = this.#early;
    this.#early = undefined;
    const dropped = early ? this.#earlyDropped : this.#count;
    for (const [i, line] of (early ?? []).entries()) listener(line, dropped + i + 1);
    this.#listeners.add(listener);
    return { unsubscribe: () => this.#listeners.delete(listener), earlyDropped: dropped };
  }

  stop(): void {
    this.#unsubscribe();
    this.#listeners.clear();
    this.#early = undefined;
  }

  #line(line: string): void {
    this.#count++;
    if (this.#early) {
      this.#early.push(line);
      if (this.#early.length > EARLY_LINES) {
        this.#early.shift();
        this.#earlyDropped++;
      }
    }
    for (const listener of this.#listeners) listener(line, this.#count);
  }
}
