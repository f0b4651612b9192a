import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallRecord, JournalRecord } from '../journal/index.ts';
import {
  decodeEvent,
  EVENT_MARKER,
  encodeEvent,
  journalEvents,
  type ProgressEvent,
} from './progress-events.ts';

describe('encodeEvent / decodeEvent', () => {
  it('round-trips an event through a console line', () => {
    const event: ProgressEvent = { type: 'calls', scenario: 's', at: 2000, from: 1000, calls: 7, failed: 1 };
    const line = encodeEvent(event);
    expect(line.startsWith(EVENT_MARKER)).toBe(true);
    expect(line).not.toContain('\n');
    expect(decodeEvent(line)).toEqual(event);
  });

  it('leaves any other line alone: plain text, a bad JSON body, an unknown or invalid event', () => {
    expect(decodeEvent('[mcp-chaos] steady-load: phase baseline')).toBeUndefined();
    expect(decodeEvent(`${EVENT_MARKER}{not json`)).toBeUndefined();
    expect(
      decodeEvent(`${EVENT_MARKER}${JSON.stringify({ type: 'weather', scenario: 's', at: 1 })}`),
    ).toBeUndefined();
    expect(
      decodeEvent(
        `${EVENT_MARKER}${JSON.stringify({ type: 'calls', scenario: 's', at: 1, from: 0, calls: -1, failed: 0 })}`,
      ),
    ).toBeUndefined();
  });
});

describe('journalEvents', () => {
  let listener: ((record: JournalRecord) => void) | undefined;
  let unsubscribed = false;
  const subscribe = (l: (record: JournalRecord) => void) => {
    listener = l;
    return () => {
      unsubscribed = true;
    };
  };
  const call = (outcome: CallRecord['outcome'], code?: string) =>
    ({ type: 'call', outcome, ...(code ? { code } : {}) }) as unknown as JournalRecord;

  beforeEach(() => {
    vi.useFakeTimers({ now: 10_000 });
    listener = undefined;
    unsubscribed = false;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the calls of each tick, failed as the reports count them, and says nothing for an empty tick', () => {
    const events: ProgressEvent[] = [];
    const stop = journalEvents('s', new Map(), subscribe, (e) => events.push(e), { tickMs: 1000 });
    vi.advanceTimersByTime(1000);
    expect(events).toEqual([]);
    listener?.(call('ok'));
    listener?.(call('error', 'NOT_FOUND')); // a business answer: not a failure
    listener?.(call('error', 'INTERNAL'));
    listener?.(call('timeout'));
    vi.advanceTimersByTime(1000);
    expect(events).toEqual([{ type: 'calls', scenario: 's', at: 12_000, from: 11_000, calls: 4, failed: 2 }]);
    listener?.(call('ok'));
    vi.advanceTimersByTime(400);
    stop();
    expect(unsubscribed).toBe(true);
    expect(events.at(-1)).toEqual({
      type: 'calls',
      scenario: 's',
      at: 12_400,
      from: 12_000,
      calls: 1,
      failed: 0,
    });
    vi.advanceTimersByTime(5000);
    expect(events).toHaveLength(2);
  });

  it('passes phases on with their planned duration, and faults once their action completed or failed', () => {
    const events: ProgressEvent[] = [];
    journalEvents('s', new Map([['fault', 20_000]]), subscribe, (e) => events.push(e));
    listener?.({ type: 'phase', name: 'fault', event: 'start', at: 1 });
    listener?.({ type: 'fault', fault: 'latency', link: 'client→target', event: 'injecting', at: 2 });
    listener?.({ type: 'fault', fault: 'latency', link: 'client→target', event: 'inject', at: 3 });
    listener?.({ type: 'fault', fault: 'kill', event: 'error', at: 4, detail: 'inject failed: boom' });
    listener?.({ type: 'fault', fault: 'latency', link: 'client→target', event: 'healing', at: 5 });
    listener?.({ type: 'fault', fault: 'latency', link: 'client→target', event: 'heal', at: 6 });
    expect(events.map((e) => [e.type, 'event' in e ? e.event : undefined])).toEqual([
      ['phase', 'start'],
      ['fault', 'inject'],
      ['fault', 'error'],
      ['fault', 'heal'],
    ]);
    expect(events[0]).toMatchObject({ name: 'fault', durationMs: 20_000 });
    expect(events[1]).toMatchObject({ fault: 'latency', link: 'client→target' });
    expect(events[2]).toMatchObject({ detail: 'inject failed: boom' });
  });

  it('sends the calls counted so far before a phase change, so that they land in the phase they belong to', () => {
    const events: ProgressEvent[] = [];
    journalEvents('s', new Map(), subscribe, (e) => events.push(e));
    listener?.(call('ok'));
    listener?.({ type: 'phase', name: 'next', event: 'start', at: 1 });
    expect(events.map((e) => e.type)).toEqual(['calls', 'phase']);
  });
});
