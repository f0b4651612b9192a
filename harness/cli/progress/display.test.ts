import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../scenario/progress-events.ts';
import { ProgressDisplay, progressMode } from './display.ts';

/** Carriage returns, ANSI erase/cursor sequences: what a log must never get. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control sequences are the point
const REDRAW = /\r|\u001b\[\d*[ABCDJK]/;

function sink(columns = 80) {
  const writes: string[] = [];
  return { writes, terminal: { columns, write: (text: string) => writes.push(text) } };
}

const run: ProgressEvent[] = [
  { type: 'start', scenario: 's', at: 0, phases: [{ name: 'fault', durationMs: 10_000, faults: ['kill'] }] },
  { type: 'log', scenario: 's', at: 1, kind: 'step', message: 'PostgreSQL ready' },
  { type: 'ready', scenario: 's', at: 2, runtime: 'local', tookMs: 2 },
  { type: 'phase', scenario: 's', at: 3, name: 'fault', event: 'start', durationMs: 10_000 },
  { type: 'fault', scenario: 's', at: 4, fault: 'kill', event: 'inject' },
  { type: 'calls', scenario: 's', at: 1000, from: 0, calls: 20, failed: 3 },
  { type: 'fault', scenario: 's', at: 5000, fault: 'kill', event: 'heal' },
  { type: 'phase', scenario: 's', at: 10_003, name: 'fault', event: 'end', durationMs: 10_000 },
  { type: 'end', scenario: 's', at: 11_000, status: 'fail' },
];

describe('progressMode', () => {
  it('is live on a terminal, milestones elsewhere, and the flags win', () => {
    expect(progressMode({}, { isTTY: true }, {})).toBe('live');
    expect(progressMode({}, { isTTY: false }, {})).toBe('milestones');
    expect(progressMode({}, {}, {})).toBe('milestones');
    expect(progressMode({}, { isTTY: true }, { TERM: 'dumb' })).toBe('milestones');
    expect(progressMode({ quiet: true }, { isTTY: true }, {})).toBe('quiet');
    expect(progressMode({ progress: true }, { isTTY: false }, {})).toBe('live');
  });
});

describe('ProgressDisplay', () => {
  it('milestones: one plain line per milestone, no redraw, nothing per second', () => {
    const { writes, terminal } = sink();
    const display = new ProgressDisplay(terminal, 'milestones', { now: () => 12_000 }).start();
    for (const e of run) display.event(e);
    display.redraw();
    display.stop();
    const text = writes.join('');
    expect(text).not.toMatch(REDRAW);
    expect(text.split('\n').filter(Boolean)).toEqual([
      '[mcp-chaos] s: started: fault 10s: kill',
      '[mcp-chaos] s: environment up (local) in 0.0s',
      '[mcp-chaos] s: phase fault (10s)',
      '[mcp-chaos] s: fault kill injected',
      '[mcp-chaos] s: fault kill healed',
      '[mcp-chaos] s: ✗ fail in 11.0s · 20 calls, 3 failed',
    ]);
  });

  it('quiet: nothing for the events, yet other output (an error) still shows', () => {
    const { writes, terminal } = sink();
    const display = new ProgressDisplay(terminal, 'quiet');
    for (const e of run) display.event(e);
    expect(writes).toEqual([]);
    display.line('mcp-chaos: s stopped on an error: boom');
    expect(writes).toEqual(['mcp-chaos: s stopped on an error: boom\n']);
  });

  it('live: lines go above the status, which is erased and drawn again around them', () => {
    const { writes, terminal } = sink(60);
    let now = 0;
    const display = new ProgressDisplay(terminal, 'live', { now: () => now });
    for (const e of run.slice(0, 6)) display.event(e);
    now = 2000;
    writes.length = 0;
    display.redraw();
    expect(writes).toHaveLength(1);
    // One status line on screen: back to its start, erase, draw it anew (no newline: it stays put).
    expect(writes[0]?.startsWith('\r\u001b[J')).toBe(true);
    expect(writes[0]).toContain('s  fault 1/1 9s left');
    expect(writes[0]).not.toContain('\n');
    writes.length = 0;
    display.line('a line from a worker');
    expect(writes[0]?.startsWith('\r\u001b[Ja line from a worker\ns  fault')).toBe(true);
  });

  it('live: two scenarios, two status lines, both erased before a line', () => {
    const { writes, terminal } = sink();
    const display = new ProgressDisplay(terminal, 'live', { now: () => 0 });
    display.event({ type: 'start', scenario: 'a', at: 0, phases: [] });
    display.event({ type: 'start', scenario: 'b', at: 0, phases: [] });
    writes.length = 0;
    display.line('x');
    expect(writes[0]?.startsWith('\r\u001b[1A\u001b[Jx\n')).toBe(true);
    expect(writes[0]?.split('\n').slice(1)).toEqual(['a  starting', 'b  starting']);
  });

  it('live: an ended scenario leaves the status, and a count trailing its end does not bring it back', () => {
    const { writes, terminal } = sink();
    const display = new ProgressDisplay(terminal, 'live', { now: () => 20_000 });
    for (const e of run) display.event(e);
    display.event({ type: 'calls', scenario: 's', at: 11_001, from: 11_000, calls: 1, failed: 0 });
    writes.length = 0;
    display.redraw();
    display.line('after');
    expect(writes).toEqual(['after\n']);
  });
});
