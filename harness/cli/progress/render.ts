import type { ProgressEvent } from '../../scenario/progress-events.ts';
import { faultLabel, phaseLeftMs, rates, type ScenarioProgress } from './state.ts';

/** A piece of a line and how to paint it; lines are truncated on the plain text, then painted. */
interface Segment {
  text: string;
  style?: 'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'cyan';
}

const ANSI = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
const MARK = { pass: '✓', fail: '✗', inconclusive: '?' } as const;

/**
 * The live status line of a running scenario: phase and time left, calls/s and failed/s over the
 * rate window, totals, active faults — cut to `width` columns so that it never wraps (a wrapped
 * line would break the redraw, which counts lines).
 */
export function statusLine(s: ScenarioProgress, now: number, width: number, color: boolean): string {
  const segments: Segment[] = [{ text: s.scenario, style: 'bold' }];
  if (!s.ready) {
    segments.push({ text: `  starting${s.step ? `: ${s.step}` : ''}`, style: 'dim' });
  } else if (!s.phase) {
    segments.push({ text: s.calls > 0 ? '  finishing' : '  connecting', style: 'dim' });
  } else {
    const index = s.phases.findIndex((p) => p.name === s.phase?.name);
    const of = index >= 0 ? ` ${index + 1}/${s.phases.length}` : '';
    segments.push(
      { text: `  ${s.phase.name}`, style: 'cyan' },
      { text: `${of} ${clock(phaseLeftMs(s.phase, now) ?? 0)} left`, style: 'dim' },
    );
  }
  const rate = rates(s.samples, now);
  if (rate) {
    segments.push(
      { text: `  ${perSecond(rate.calls)} calls/s` },
      { text: `  ${perSecond(rate.failed)} failed/s`, ...(rate.failed > 0 ? { style: 'red' as const } : {}) },
    );
  }
  if (s.calls > 0) {
    segments.push({ text: `  ${s.calls} calls, ${s.failed} failed`, style: 'dim' });
  }
  // Narrow characters only (no emoji): a wide one takes two columns where one was counted.
  if (s.faults.length > 0) segments.push({ text: `  faults: ${s.faults.join(', ')}`, style: 'yellow' });
  return paint(truncate(segments, width), color);
}

/**
 * The line a log keeps for an event, or undefined for events that are not milestones (counts,
 * start-up steps, a phase's end: the next phase's start or the scenario's end says it).
 */
export function milestoneLine(
  event: ProgressEvent,
  s: ScenarioProgress | undefined,
  color: boolean,
): string | undefined {
  const name = event.scenario;
  const so = s && s.calls > 0 ? ` · ${s.calls} calls, ${s.failed} failed so far` : '';
  switch (event.type) {
    case 'start': {
      const phases = event.phases.map(
        (p) => `${p.name} ${clock(p.durationMs)}${p.faults.length > 0 ? `: ${p.faults.join(', ')}` : ''}`,
      );
      return `${name}: started${phases.length > 0 ? `: ${phases.join(' → ')}` : ''}`;
    }
    case 'ready':
      return `${name}: environment up (${event.runtime}) in ${seconds(event.tookMs)}`;
    case 'log':
      return event.kind === 'note' ? event.message : undefined;
    case 'phase':
      return event.event === 'start'
        ? `${name}: phase ${event.name} (${clock(event.durationMs)})${so}`
        : undefined;
    case 'fault': {
      const what = { inject: 'injected', heal: 'healed', error: 'failed' }[event.event];
      return `${name}: fault ${faultLabel(event)} ${what}${event.detail ? `: ${event.detail}` : ''}`;
    }
    case 'calls':
      return undefined;
    case 'end': {
      const style = event.status === 'pass' ? 'green' : event.status === 'fail' ? 'red' : 'yellow';
      const took = s ? ` in ${seconds(event.at - s.startedAt)}` : '';
      const calls = s ? ` · ${s.calls} calls, ${s.failed} failed` : '';
      return paint(
        [
          { text: `${name}: ` },
          { text: `${MARK[event.status]} ${event.status}`, style },
          { text: `${took}${calls}` },
        ],
        color,
      );
    }
  }
}

/** A start-up step as a line above the live status (live mode only), prefixed with its scenario. */
export function stepLine(event: ProgressEvent & { type: 'log' }): string {
  return event.message.startsWith(`${event.scenario}:`)
    ? event.message
    : `${event.scenario}: ${event.message}`;
}

/** Cuts the segments to `width` columns (an ellipsis marks the cut). */
function truncate(segments: readonly Segment[], width: number): Segment[] {
  const out: Segment[] = [];
  let left = Math.max(1, width);
  for (const segment of segments) {
    const chars = [...segment.text];
    if (chars.length <= left) {
      out.push(segment);
      left -= chars.length;
      continue;
    }
    out.push({ ...segment, text: `${chars.slice(0, Math.max(0, left - 1)).join('')}…` });
    break;
  }
  return out;
}

function paint(segments: readonly Segment[], color: boolean): string {
  return segments
    .map((s) => (color && s.style ? `\u001b[${ANSI[s.style]}m${s.text}\u001b[0m` : s.text))
    .join('');
}

/** Seconds left as a person reads them on a clock: 7s, 59s, 1m05s, 1h02m. */
export function clock(ms: number): string {
  const total = Math.ceil(ms / 1000);
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function perSecond(rate: number): string {
  return rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1);
}
