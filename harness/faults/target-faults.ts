import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from '../errors.ts';
import type { StartedTarget, TargetExit } from '../runtime/backend.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import type { TargetAdmin } from '../runtime/target-admin.ts';
import type { Fault as FaultSpec } from './fault.ts';
import { perRun } from './per-run.ts';
import type { Timing } from './timing.ts';
import { checkOptions, checkTiming, invalid } from './validate.ts';

/** `target` (the oldest running instance) or one instance by id: `target-2`. */
type Subject = 'target' | `target-${number}`;

/** The signals a kill fault may send. */
export const KILL_SIGNALS = ['SIGKILL', 'SIGTERM'] as const;
export type KillSignal = (typeof KILL_SIGNALS)[number];

export interface KillOptions extends Timing {
  /** Default SIGKILL (a crash: no clean-up); SIGTERM asks the target to shut down gracefully. */
  signal?: KillSignal;
}

/** How long heal waits for the restarted target's /readyz. */
const READY_TIMEOUT_MS = 30_000;
/** At most this many of the target's last log lines, and characters of them, go into the detail. */
const DETAIL_LINES = 5;
const DETAIL_CHARS = 400;

function checkSubject(fault: string, subject: unknown): asserts subject is Subject {
  if (typeof subject !== 'string' || !/^target(-[1-9][0-9]*)?$/.test(subject)) {
    throw invalid(
      fault,
      `unknown subject ${JSON.stringify(subject)} (use 'target', or one instance of several: 'target-2')`,
    );
  }
}

/** The instance a subject names, and how to wait for its readiness. */
function subjectOf(env: StartedEnvironment, subject: Subject): { target: StartedTarget; admin: TargetAdmin } {
  if (subject === 'target') return { target: env.target, admin: env.admin };
  const instance = env.instance(subject);
  return { target: instance.target, admin: instance.admin };
}

/** "exited with code 0", "killed by SIGKILL", "exited with code 137 (128 + SIGKILL)". */
function howItExited(exit: TargetExit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === null) return 'exited (no exit code reported)';
  const bySignal = exit.code > 128 ? signalName(exit.code - 128) : undefined;
  return `exited with code ${exit.code}${bySignal ? ` (128 + ${bySignal})` : ''}`;
}

function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === n)?.[0];
}

/**
 * The journal detail of a target exit: how it exited and its last few log lines, at most a few
 * hundred characters (the lines are kept whole from the end where they fit).
 */
export function exitDetail(action: string, exit: TargetExit | undefined): string {
  if (!exit) return `${action}; the runtime reported no exit`;
  const head = `${action}: target ${howItExited(exit)}`;
  const lines = exit.logTail.slice(-DETAIL_LINES).map((line) => line.trim());
  let tail = lines.join(' | ');
  if (tail.length > DETAIL_CHARS) tail = `…${tail.slice(tail.length - DETAIL_CHARS + 1)}`;
  return tail ? `${head}; last log lines: ${tail}` : `${head}; no log lines`;
}

/** Polls the instance's /readyz (through its admin) until it answers 200. */
export async function waitReady(
  { target, admin }: { target: StartedTarget; admin: TargetAdmin },
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const ready = await admin.ready();
    if (ready.ok) return;
    last = ready.detail ?? 'not ready';
    await sleep(200);
  }
  throw new HarnessError(
    'TARGET_START',
    `the restarted target was not ready within ${timeoutMs} ms (GET /readyz: ${last})\n` +
      `--- last log lines ---\n${target.logs()}`,
  );
}

/** Faults of the target itself: its process killed or restarted. */
export const targetFaults = {
  /**
   * The target instance killed with `signal` (default SIGKILL: a crash; SIGTERM: a graceful
   * shutdown) on inject, which waits until it has exited; the journal's inject detail says how
   * it exited (exit code or signal) and its last log lines. Heal starts it again and waits until
   * its /readyz answers. Heal restarts it only if this fault killed it (or tried to), and once.
   */
  kill(subject: Subject, options: KillOptions = {}): FaultSpec {
    checkSubject('kill', subject);
    checkOptions('kill', options, ['signal', 'afterMs', 'forMs']);
    const signal = options.signal ?? 'SIGKILL';
    if (!KILL_SIGNALS.includes(signal)) {
      throw invalid(
        'kill',
        `signal must be one of ${KILL_SIGNALS.join(', ')}, got ${JSON.stringify(signal)}`,
      );
    }
    const when = checkTiming('kill', options);
    const run = perRun(
      (): {
        killed: boolean;
        victim?: ReturnType<typeof subjectOf>;
        /** Behind a router: the instance's id and its count of calls cut short before the kill. */
        routed?: { id: string; failedBefore: number };
      } => ({ killed: false }),
    );
    const counts = (env: StartedEnvironment) => {
      const id = run(env).routed?.id;
      return env.router?.counts().find((c) => c.id === id);
    };
    return {
      name: `kill(${subject}, ${signal})`,
      ...when,
      async inject(env) {
        const state = run(env);
        // Resolved once: heal restarts the instance this killed, whatever else changed meanwhile.
        state.victim ??= subjectOf(env, subject);
        const victim = state.victim;
        const id = env.router && (subject === 'target' ? env.instances[0]?.id : subject);
        state.routed = id ? { id, failedBefore: 0 } : undefined;
        const before = counts(env);
        if (state.routed && before) state.routed.failedBefore = before.failed;
        // What the instance had in flight as the signal went: the calls a kill may cost.
        const inFlight = before?.inFlight;
        state.killed = true; // before the attempt: a half-done kill is still restarted
        await victim.target.kill(signal);
        const detail = exitDetail(`sent ${signal}`, await victim.target.lastExit());
        return inFlight === undefined
          ? detail
          : { detail: `${detail}; ${inFlight} call(s) in flight on it`, data: { inFlight } };
      },
      async heal(env) {
        const state = run(env);
        const { victim, routed } = state;
        if (!state.killed || !victim) return;
        // The calls the router had sent it that were cut by its death (a request routed to it
        // between the count above and the signal landing included); read before it is back.
        const after = counts(env);
        const lost = after && routed ? after.failed - routed.failedBefore : undefined;
        await victim.target.restart();
        await waitReady(victim);
        state.killed = false;
        return lost === undefined
          ? undefined
          : { detail: `${lost} call(s) were cut by its death`, data: { lost } };
      },
    };
  },

  /**
   * An instant fault: the target restarted — SIGTERM, wait until it has exited, start it again,
   * wait until its /readyz answers. The journal's inject detail says how it exited and its last
   * log lines. Heal does nothing.
   */
  restartTarget(options: Pick<Timing, 'afterMs'> = {}): FaultSpec {
    checkOptions('restartTarget', options, ['afterMs']);
    const when = checkTiming('restartTarget', options);
    return {
      name: 'restart(target)',
      instant: true,
      ...when,
      async inject(env) {
        const subject = subjectOf(env, 'target');
        await subject.target.kill('SIGTERM');
        const detail = exitDetail('sent SIGTERM', await subject.target.lastExit());
        await subject.target.restart();
        await waitReady(subject);
        return `${detail}; started again and ready`;
      },
      async heal() {
        // Nothing to undo: inject already started it again.
      },
    };
  },
};
