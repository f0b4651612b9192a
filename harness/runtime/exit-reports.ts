import type { TargetExitEvent, TargetExitListener } from './backend.ts';

/** At most this many of the target's last log lines go into an exit report, each cut to this length. */
export const EXIT_LOG_LINES = 10;
export const EXIT_LOG_LINE_CHARS = 1_000;
/** How far back the error line of a crash is looked for (a dumped driver error runs to dozens of lines). */
const ERROR_LOOKBACK_LINES = 300;

/**
 * A line that says what went wrong (`error: terminating connection…`, `TypeError: …`, `FATAL…`):
 * unindented, unlike a stack frame or a field of a dumped object.
 */
const isErrorLine = (line: string): boolean => /^(\S*(error|exception)\b|fatal|panic|uncaught)/i.test(line);

/**
 * The last `lines` non-blank lines of `text`, each cut to `maxChars` from its start (where a log
 * line says what happened; a stack trace's long tail matters less) with an ellipsis. When the
 * last error line (`Error: Connection terminated unexpectedly`) is further back than that, it
 * leads, followed by `…`: a crash's dump must not hide what crashed.
 */
export function logTail(text: string, lines = EXIT_LOG_LINES, maxChars = EXIT_LOG_LINE_CHARS): string[] {
  const cut = (line: string) => (line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line);
  const recent = text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .slice(-ERROR_LOOKBACK_LINES);
  const tail = recent.slice(-lines);
  const errorAt = recent.findLastIndex(isErrorLine);
  if (errorAt === -1 || errorAt >= recent.length - lines || lines < 3) return tail.map(cut);
  return [recent[errorAt] as string, '…', ...recent.slice(-(lines - 2))].map(cut);
}

/**
 * The instant an exit happened from the engine's `State.FinishedAt` (RFC 3339, nanoseconds), or
 * `fallback` where the engine gives none (its zero time, 0001-01-01, or an unparsable string).
 */
export function finishedAt(iso: string | undefined, fallback: number): number {
  const at = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(at) && at > 0 ? at : fallback;
}

/** Epoch milliseconds with sub-millisecond resolution, on the same clock as the journal's. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The exits of one target, handed to listeners once each is fully described (its last log lines
 * arrive after the exit itself). An exit found before close() is still delivered; none after.
 */
export class ExitReports {
  readonly #listeners = new Set<TargetExitListener>();
  readonly #pending = new Set<Promise<void>>();
  #closing = false;

  subscribe(listener: TargetExitListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Reports the exit `describe` resolves to; settles once the listeners have had it. */
  report(describe: () => Promise<TargetExitEvent>): Promise<void> {
    if (this.#closing) return Promise.resolve();
    const delivery: Promise<void> = describe()
      .then((exit) => this.#emit(exit))
      .catch((error: unknown) => warn('could not describe a target exit', error))
      .finally(() => this.#pending.delete(delivery));
    this.#pending.add(delivery);
    return delivery;
  }

  /** Waits (at most `timeoutMs`) for the exits being described now to be delivered. */
  async settled(timeoutMs = 3_000): Promise<void> {
    if (this.#pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#pending]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Delivers the exits already found, then no more: what stop() causes is no news. */
  async close(timeoutMs = 3_000): Promise<void> {
    this.#closing = true;
    await this.settled(timeoutMs);
    this.#listeners.clear();
  }

  #emit(exit: TargetExitEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(exit);
      } catch (error) {
        // Thrown from a child-process or HTTP callback it would end the whole run.
        warn('a target exit listener failed', error);
      }
    }
  }
}

function warn(what: string, error: unknown): void {
  process.emitWarning(
    `${what}: ${error instanceof Error ? error.message : String(error)}`,
    'MCPChaosWarning',
  );
}
