import type { LinkName } from '../runtime/backend.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';

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
  /**
   * A string it resolves to becomes the detail of the journal's inject event ("terminated 4
   * backends"); `{ detail, data }` adds figures a check reads back (numbers by name).
   */
  inject(env: StartedEnvironment): Promise<unknown>;
  heal(env: StartedEnvironment): Promise<void>;
}
