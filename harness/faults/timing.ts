/** When a fault acts inside its phase. */
export interface Timing {
  /** Delay after the phase starts. */
  afterMs?: number;
  /** How long the fault stays injected (default: the rest of the phase). */
  forMs?: number;
}
