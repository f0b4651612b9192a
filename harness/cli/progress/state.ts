import type { ProgressEvent, ProgressEventOf } from '../../scenario/progress-events.ts';

/** Where one running scenario stands, as its events told it. */
export interface ScenarioProgress {
  scenario: string;
  startedAt: number;
  phases: ProgressEventOf<'start'>['phases'];
  /** The last start-up step, until the environment is up. */
  step: string | undefined;
  ready: boolean;
  phase: { name: string; startedAt: number; durationMs: number } | undefined;
  /** Active faults, by label (`latency on client→target`), in injection order. */
  faults: string[];
  calls: number;
  failed: number;
  /** The recent `calls` events, oldest first, pruned to the rate window. */
  samples: { from: number; at: number; calls: number; failed: number }[];
  status: ProgressEventOf<'end'>['status'] | undefined;
}

/** The span calls/s and errors/s are averaged over: smooth, yet quick to show a fault's effect. */
export const RATE_WINDOW_MS = 5000;

export function faultLabel(event: { fault: string; link?: string | undefined }): string {
  return event.link ? `${event.fault} on ${event.link}` : event.fault;
}

/** Applies one event to the scenarios' progress (creating a scenario's entry on its first event). */
export function applyEvent(state: Map<string, ScenarioProgress>, event: ProgressEvent): ScenarioProgress {
  let s = state.get(event.scenario);
  if (!s || event.type === 'start') {
    s = {
      scenario: event.scenario,
      startedAt: event.at,
      phases: event.type === 'start' ? event.phases : [],
      step: undefined,
      ready: false,
      phase: undefined,
      faults: [],
      calls: 0,
      failed: 0,
      samples: [],
      status: undefined,
    };
    state.set(event.scenario, s);
  }
  switch (event.type) {
    case 'log':
      if (event.kind === 'step') s.step = event.message;
      break;
    case 'ready':
      s.ready = true;
      s.step = undefined;
      break;
    case 'phase':
      s.phase =
        event.event === 'start'
          ? { name: event.name, startedAt: event.at, durationMs: event.durationMs }
          : undefined;
      break;
    case 'fault': {
      const label = faultLabel(event);
      if (event.event === 'inject') {
        if (!s.faults.includes(label)) s.faults.push(label);
      } else s.faults = s.faults.filter((f) => f !== label);
      break;
    }
    case 'calls':
      s.calls += event.calls;
      s.failed += event.failed;
      s.samples.push({ from: event.from, at: event.at, calls: event.calls, failed: event.failed });
      s.samples = s.samples.filter((x) => x.at > event.at - RATE_WINDOW_MS);
      break;
    case 'end':
      s.status = event.status;
      s.phase = undefined;
      s.faults = [];
      break;
  }
  return s;
}

/**
 * Calls/s and failed calls/s over the samples that ended within `windowMs` before `now`: their
 * counts over the time they cover. Samples come every second while calls are made: the span ends
 * at the last one while it is recent (else the rate would sag between samples), and at
 * `now - graceMs` once they stop, so that a stalled scenario decays to 0. None yet: undefined
 * (nothing to say, rather than a false 0).
 */
export function rates(
  samples: readonly { from: number; at: number; calls: number; failed: number }[],
  now: number,
  options: { windowMs?: number; graceMs?: number } = {},
): { calls: number; failed: number } | undefined {
  const windowMs = options.windowMs ?? RATE_WINDOW_MS;
  const graceMs = options.graceMs ?? 1500;
  if (samples.length === 0) return undefined;
  const recent = samples.filter((s) => s.at > now - windowMs);
  const first = recent[0];
  const last = recent[recent.length - 1];
  if (!first || !last) return { calls: 0, failed: 0 };
  const spanMs = Math.max(last.at, now - graceMs) - first.from;
  if (spanMs <= 0) return undefined;
  const sum = (key: 'calls' | 'failed') => recent.reduce((total, s) => total + s[key], 0);
  return { calls: (sum('calls') * 1000) / spanMs, failed: (sum('failed') * 1000) / spanMs };
}

/** Time left in the current phase (never below 0: a phase's end waits for its faults' heal). */
export function phaseLeftMs(phase: ScenarioProgress['phase'], now: number): number | undefined {
  if (!phase) return undefined;
  return Math.max(0, phase.startedAt + phase.durationMs - now);
}
