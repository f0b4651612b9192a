import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSpec } from '../faults/index.ts';
import type { JournalRecord, JournalSource } from '../journal/index.ts';
import { now } from '../load/index.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import type { Phase } from './define.ts';

/** Waits `ms`, or less if `signal` aborts first (never throws: the caller heals and moves on). */
async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Plays the phases in order, injecting and healing each phase's faults on time. Every fault
 * that was injected is healed before this returns or throws; a fault that could not be healed
 * is journaled as an error and rethrown (the run is then inconclusive, and the environment is
 * torn down anyway).
 */
export class TimelinePlayer {
  current: string | undefined;
  readonly #env: StartedEnvironment;
  readonly #append: (record: JournalRecord) => void;
  readonly #active = new Set<FaultSpec>();
  readonly #journal: JournalSource | undefined;

  constructor(env: StartedEnvironment, append: (record: JournalRecord) => void, journal?: JournalSource) {
    this.#env = env;
    this.#append = append;
    this.#journal = journal;
  }

  async play(phases: readonly Phase[], signal?: AbortSignal): Promise<void> {
    try {
      for (const phase of phases) {
        if (signal?.aborted) break;
        await this.#phase(phase, signal);
      }
    } finally {
      await this.healAll();
    }
  }

  async healAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const fault of [...this.#active]) {
      await this.#heal(fault).catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw errors[0];
  }

  async #phase(phase: Phase, signal: AbortSignal | undefined): Promise<void> {
    const start = now();
    this.current = phase.name;
    this.#append({ type: 'phase', name: phase.name, event: 'start', at: start });
    await Promise.all(
      (phase.faults ?? []).map(async (fault) => {
        if (fault.afterMs) await wait(fault.afterMs, signal);
        if (signal?.aborted) return;
        await this.#inject(fault);
        if (!fault.instant) {
          const until = fault.forMs === undefined ? start + phase.durationMs : now() + fault.forMs;
          await wait(until - now(), signal);
        }
        await this.#heal(fault);
      }),
    );
    await wait(start + phase.durationMs - now(), signal);
    this.#append({ type: 'phase', name: phase.name, event: 'end', at: now() });
  }

  async #inject(fault: FaultSpec): Promise<void> {
    // Active before the attempt: a half-applied fault must still be healed.
    this.#active.add(fault);
    await this.#journaled(fault, 'inject', () =>
      fault.inject(this.#env, this.#journal ? { journal: this.#journal } : {}),
    );
  }

  async #heal(fault: FaultSpec): Promise<void> {
    if (!this.#active.delete(fault)) return;
    await this.#journaled(fault, 'heal', () => fault.heal(this.#env));
  }

  /** Runs one fault action and journals it: its event on success, an error event on failure. */
  async #journaled(
    fault: FaultSpec,
    event: 'inject' | 'heal',
    action: () => Promise<unknown>,
  ): Promise<void> {
    const base = { type: 'fault', fault: fault.name, ...(fault.link ? { link: fault.link } : {}) } as const;
    // The beginning too: a kill takes effect long before it is complete (the target has exited).
    this.#append({ ...base, event: event === 'inject' ? 'injecting' : 'healing', at: now() });
    try {
      const outcome = await action();
      this.#append({ ...base, event, at: now(), ...outcomeFields(outcome) });
    } catch (error) {
      this.#append({ ...base, event: 'error', at: now(), detail: `${event} failed: ${String(error)}` });
      throw error;
    }
  }
}

/** What a fault's action resolved to, as journal fields: a detail string, or `{ detail, data }`. */
function outcomeFields(outcome: unknown): { detail?: string; data?: Record<string, number> } {
  if (typeof outcome === 'string') return { detail: outcome };
  if (typeof outcome !== 'object' || outcome === null) return {};
  const { detail, data } = outcome as { detail?: unknown; data?: unknown };
  const numbers =
    typeof data === 'object' && data !== null
      ? Object.fromEntries(
          Object.entries(data).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)),
        )
      : {};
  return {
    ...(typeof detail === 'string' ? { detail } : {}),
    ...(Object.keys(numbers).length > 0 ? { data: numbers as Record<string, number> } : {}),
  };
}
