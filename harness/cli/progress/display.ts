import type { ProgressEvent } from '../../scenario/progress-events.ts';
import { milestoneLine, statusLine, stepLine } from './render.ts';
import { applyEvent, type ScenarioProgress } from './state.ts';

/**
 * `live`: a status line per running scenario, redrawn in place, with start-up steps and
 * milestones as lines above it (a terminal). `milestones`: no redraws, one line per milestone —
 * scenario start, environment up, phase change, fault inject/heal, end — so that a CI log shows
 * where a hung run stopped. `quiet`: none of it; only the end summary (and errors).
 */
export type ProgressMode = 'live' | 'milestones' | 'quiet';

export function progressMode(
  flags: { quiet?: boolean | undefined; progress?: boolean | undefined },
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): ProgressMode {
  if (flags.quiet) return 'quiet';
  if (flags.progress) return 'live';
  return stream.isTTY === true && env.TERM !== 'dumb' ? 'live' : 'milestones';
}

export interface Terminal {
  write(text: string): unknown;
  /** Columns, when a terminal (status lines are cut to fit). */
  columns?: number;
}

const ERASE_DOWN = '\u001b[J';
const up = (n: number) => (n > 0 ? `\u001b[${n}A` : '');

/** Renders progress events (and any other output lines) to one stream, in one of the modes. */
export class ProgressDisplay {
  readonly mode: ProgressMode;
  readonly #out: Terminal;
  readonly #color: boolean;
  readonly #now: () => number;
  readonly #intervalMs: number;
  readonly #prefix: string;
  readonly #state = new Map<string, ScenarioProgress>();
  readonly #ended = new Set<string>();
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    out: Terminal,
    mode: ProgressMode,
    options: { color?: boolean; now?: () => number; intervalMs?: number; prefix?: string } = {},
  ) {
    this.#out = out;
    this.mode = mode;
    this.#color = options.color ?? false;
    this.#now = options.now ?? Date.now;
    this.#intervalMs = options.intervalMs ?? 500;
    this.#prefix = options.prefix ?? '[mcp-chaos] ';
  }

  /** Live mode: redraws the status at most every `intervalMs` from now on. */
  start(): this {
    if (this.mode === 'live' && !this.#timer) {
      this.#timer = setInterval(() => this.redraw(), this.#intervalMs);
      this.#timer.unref();
    }
    return this;
  }

  /** Stops redrawing and takes the status lines off the screen (the summary follows). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#drawn > 0) this.#out.write(this.#clear());
  }

  event(event: ProgressEvent): void {
    // A scenario's last count can trail its end: it must not bring the status line back.
    if (event.type === 'start') this.#ended.delete(event.scenario);
    else if (this.#ended.has(event.scenario)) return;
    const s = applyEvent(this.#state, event);
    if (event.type === 'end') {
      this.#state.delete(event.scenario);
      this.#ended.add(event.scenario);
    }
    // Live, the start-up steps are on screen already: their last says the environment is up.
    const shown = this.mode === 'live' ? event.type !== 'ready' : this.mode === 'milestones';
    if (!shown) return;
    const text =
      this.mode === 'live' && event.type === 'log' && event.kind === 'step'
        ? stepLine(event)
        : milestoneLine(event, s, this.#color);
    if (text !== undefined) this.line(`${this.#prefix}${text}`);
  }

  /** A line of output (vitest's, a scenario's own): printed in every mode, above the status. */
  line(text: string): void {
    const body = `${text.replace(/\n+$/, '')}\n`;
    if (this.mode !== 'live') {
      this.#out.write(body);
      return;
    }
    // One write: erase the status, the line, the status again (no flicker between them).
    this.#out.write(`${this.#clear()}${body}${this.#draw()}`);
  }

  redraw(): void {
    if (this.mode !== 'live') return;
    if (this.#drawn === 0 && this.#state.size === 0) return;
    this.#out.write(`${this.#clear()}${this.#draw()}`);
  }

  #clear(): string {
    if (this.#drawn === 0) return '';
    const text = `\r${up(this.#drawn - 1)}${ERASE_DOWN}`;
    this.#drawn = 0;
    return text;
  }

  /** The status lines, the cursor left at the end of the last (so that a clear can find them). */
  #draw(): string {
    const width = Math.max(20, (this.#out.columns ?? 80) - 1);
    const now = this.#now();
    const lines = [...this.#state.values()].map((s) => statusLine(s, now, width, this.#color));
    this.#drawn = lines.length;
    return lines.join('\n');
  }
}
