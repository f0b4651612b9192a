import type { JournalSource } from '../journal/index.ts';
import type { LinkName } from '../runtime/backend.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';

/** What a fault may read of the run besides the environment. */
export interface FaultContext {
  /**
   * The run's journal, live: a fault that judges what it did while it runs (a deploy's guard)
   * follows the calls with it. Absent when the fault runs outside a scenario.
   */
  readonly journal?: JournalSource;
}

/**
 * Something made to go wrong. `inject` breaks it, `heal` mends it; the scenario runner journals
 * both and heals on every exit path. `forMs` bounds how long it stays injected inside its phase
 * (default: until the phase ends).
 */
export interface Fault {
  readonly name: string;
  readonly link?: LinkName;
  readonly forMs?: number;
  /** Wait this long after the phase starts before injecting. */
  readonly afterMs?: number;
  /**
   * Done once inject returns (a restart, backends terminated): healed at once, so recovery is
   * measured from its completion rather than from the end of its phase.
   */
  readonly instant?: boolean;
  /** Acts through the router (a deploy): the environment gets one even with a single instance. */
  readonly needsRouter?: boolean;
  /**
   * A string it resolves to becomes the detail of the journal's inject event ("terminated 4
   * backends"); `{ detail, data }` adds figures a check reads back (numbers by name).
   */
  inject(env: StartedEnvironment, context?: FaultContext): Promise<unknown>;
  /** Its result is journaled on the heal event the same way (a detail, or `{ detail, data }`). */
  heal(env: StartedEnvironment): Promise<unknown>;
}
