import { HarnessError } from '../errors.ts';
import { isLoadFault, type LoadFault } from '../faults/index.ts';
import { type WorkloadSpec, workloadIssues } from '../load/index.ts';
import type { Phase } from './define.ts';

/** One load fault where the timeline puts it: its window in ms from the timeline's start. */
interface Placed {
  fault: LoadFault;
  /** `timeline.<phase>.faults.<fault>`, as validation names it. */
  path: string;
  phase: Phase;
  atMs: number;
  durationMs: number;
}

function placed(timeline: readonly Phase[]): Placed[] {
  const out: Placed[] = [];
  let start = 0;
  timeline.forEach((phase, p) => {
    (phase.faults ?? []).forEach((fault, f) => {
      if (!isLoadFault(fault)) return;
      const after = fault.afterMs ?? 0;
      out.push({
        fault,
        path: `timeline.${p}.faults.${f}`,
        phase,
        atMs: start + after,
        durationMs: fault.forMs ?? phase.durationMs - after,
      });
    });
    start += phase.durationMs;
  });
  return out;
}

/**
 * What is wrong with the timeline's load faults for this workload, as `path: message` lines
 * (empty when nothing is). A load fault adds arrivals, which only the open models plan; its window
 * must lie inside its phase (the timeline player would otherwise stretch the phase to heal it,
 * and the journal's heal would no longer match the planned window); one noisy user per scenario.
 */
export function loadFaultIssues(workload: WorkloadSpec, timeline: readonly Phase[]): string[] {
  const faults = placed(timeline);
  if (faults.length === 0) return [];
  const issues: string[] = [];
  const executor = workload.executor ?? 'constant-arrival-rate';
  const closed = executor === 'constant-vus' || executor === 'ramping-vus';
  let noisy: string | undefined = 'noisy' in workload && workload.noisy ? 'workload.noisy' : undefined;
  for (const { fault, path, phase, durationMs } of faults) {
    const what = `${path}: ${fault.name}`;
    if (closed) {
      issues.push(
        `${what} adds arrivals, which only an arrival-rate executor plans (this workload's is ${executor}): use constant-arrival-rate or ramping-arrival-rate, or drop the load fault`,
      );
      continue;
    }
    const after = fault.afterMs ?? 0;
    if (after >= phase.durationMs) {
      issues.push(
        `${what} starts ${after} ms into phase ${phase.name}, which lasts ${phase.durationMs} ms: start it inside the phase`,
      );
    } else if (after + durationMs > phase.durationMs) {
      issues.push(
        `${what} ends ${after + durationMs} ms into phase ${phase.name}, which lasts ${phase.durationMs} ms: shorten forMs or lengthen the phase`,
      );
    }
    if (fault.load.kind === 'noisy-user') {
      if (noisy) {
        issues.push(`${what}: a scenario has one noisy user, and ${noisy} already adds one`);
      }
      noisy ??= path;
    }
  }
  if (issues.length > 0) return issues;
  // What the faults plan must still be a valid workload (it is by construction; say so if not).
  const total = timeline.reduce((sum, phase) => sum + phase.durationMs, 0);
  return workloadIssues(fold(workload, faults), total).map((i) => `workload (with its load faults): ${i}`);
}

function fold(workload: WorkloadSpec, faults: readonly Placed[]): WorkloadSpec {
  if (workload.executor === 'constant-vus' || workload.executor === 'ramping-vus') return workload;
  const spikes = [...(workload.spikes ?? [])];
  let noisy = workload.noisy;
  for (const { fault, atMs, durationMs } of faults) {
    const load = fault.load;
    if (load.kind === 'spike') {
      spikes.push({ at: atMs, duration: durationMs, multiplier: load.multiplier });
    } else {
      const { kind: _, ...user } = load;
      noisy = { ...user, at: atMs, duration: durationMs };
    }
  }
  return {
    ...workload,
    ...(spikes.length > 0 ? { spikes } : {}),
    ...(noisy ? { noisy } : {}),
  };
}

/**
 * The workload with the timeline's load faults planned into it: a `Fault.spike` in a phase
 * becomes a `spikes` entry over its window (phase start + afterMs, for forMs or to the phase's
 * end), a `Fault.noisyUser` the workload's `noisy` user, flooding only in its window. Pure: the
 * workload is returned as it is when the timeline has no load fault. Throws INVALID_SCENARIO
 * naming each bad fault (see loadFaultIssues).
 */
export function applyLoadFaults(workload: WorkloadSpec, timeline: readonly Phase[]): WorkloadSpec {
  const faults = placed(timeline);
  if (faults.length === 0) return workload;
  const issues = loadFaultIssues(workload, timeline);
  if (issues.length > 0) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `the timeline's load faults are invalid:\n${issues.map((i) => `  - ${i}`).join('\n')}`,
    );
  }
  return fold(workload, faults);
}
