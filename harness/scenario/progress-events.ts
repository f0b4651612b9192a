import { z } from 'zod';
import type { JournalRecord } from '../journal/index.ts';
import { isFailed } from '../stats/index.ts';

/**
 * Structured progress of a running scenario, for a display in another process (the CLI runs
 * scenarios in vitest workers): what a person watching a run wants to see, and no more. Text
 * progress (`RunOptions.progress`) stays for API users; these events are what the CLI renders.
 * `at` is the worker's wall clock (Date.now()): worker and CLI share the machine's clock.
 */
const base = { scenario: z.string(), at: z.number() };
export const progressEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    ...base,
    phases: z.array(z.object({ name: z.string(), durationMs: z.number(), faults: z.array(z.string()) })),
  }),
  /** A start-up step (`step`: shown live only) or something a log reader needs (`note`). */
  z.object({ type: z.literal('log'), ...base, kind: z.enum(['step', 'note']), message: z.string() }),
  z.object({ type: z.literal('ready'), ...base, runtime: z.string(), tookMs: z.number() }),
  z.object({
    type: z.literal('phase'),
    ...base,
    name: z.string(),
    event: z.enum(['start', 'end']),
    durationMs: z.number(),
  }),
  z.object({
    type: z.literal('fault'),
    ...base,
    fault: z.string(),
    link: z.string().optional(),
    event: z.enum(['inject', 'heal', 'error']),
    detail: z.string().optional(),
  }),
  /** Calls that ended in (from, at]: the display derives rates from a window of these. */
  z.object({
    type: z.literal('calls'),
    ...base,
    from: z.number(),
    calls: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('end'), ...base, status: z.enum(['pass', 'fail', 'inconclusive']) }),
]);
export type ProgressEvent = z.infer<typeof progressEvent>;
export type ProgressEventOf<T extends ProgressEvent['type']> = Extract<ProgressEvent, { type: T }>;

/**
 * Events travel as console lines (vitest forwards a worker's console to the CLI's reporter with
 * the test's id); the marker tells them apart from anything else a scenario logs.
 */
export const EVENT_MARKER = '@@mcp-chaos-event ';

export function encodeEvent(event: ProgressEvent): string {
  return `${EVENT_MARKER}${JSON.stringify(event)}`;
}

/** The event on a console line, or undefined for any other line (or a malformed event). */
export function decodeEvent(line: string): ProgressEvent | undefined {
  if (!line.startsWith(EVENT_MARKER)) return undefined;
  try {
    const parsed = progressEvent.safeParse(JSON.parse(line.slice(EVENT_MARKER.length)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns the journal's records into events as they are written: phases, faults (completed or
 * failed actions only), and every `tickMs` one `calls` event with the calls that ended since the
 * last (none when there were none, so an idle scenario stays quiet). Returns the stop function,
 * which sends the last count.
 */
export function journalEvents(
  scenario: string,
  phaseDurations: ReadonlyMap<string, number>,
  subscribe: (listener: (record: JournalRecord) => void) => () => void,
  emit: (event: ProgressEvent) => void,
  options: { tickMs?: number; clock?: () => number } = {},
): () => void {
  const clock = options.clock ?? Date.now;
  let from = clock();
  let calls = 0;
  let failed = 0;
  const flush = () => {
    const at = clock();
    if (calls > 0) emit({ type: 'calls', scenario, at, from, calls, failed });
    from = at;
    calls = 0;
    failed = 0;
  };
  const unsubscribe = subscribe((record) => {
    if (record.type === 'call') {
      calls++;
      if (isFailed(record)) failed++;
    } else if (record.type === 'phase') {
      flush();
      const durationMs = phaseDurations.get(record.name) ?? 0;
      emit({ type: 'phase', scenario, at: clock(), name: record.name, event: record.event, durationMs });
    } else if (
      record.type === 'fault' &&
      (record.event === 'inject' || record.event === 'heal' || record.event === 'error')
    ) {
      emit({
        type: 'fault',
        scenario,
        at: clock(),
        fault: record.fault,
        event: record.event,
        ...(record.link ? { link: record.link } : {}),
        ...(record.detail ? { detail: record.detail } : {}),
      });
    }
  });
  const timer = setInterval(flush, options.tickMs ?? 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
    flush();
  };
}
