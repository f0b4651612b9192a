import { TOOL_NAMES, type ToolName } from '../domain.ts';

/** One tool's switch, as the admin endpoint shows it. */
export interface FlagState {
  readonly enabled: boolean;
  /** When it was last changed (ISO time); absent while it still has its start-up value. */
  readonly changedAt?: string;
}

/**
 * Which tools are switched on, changed at run time by an operator (the admin port's /flags)
 * without a restart. In memory, per instance: a restarted instance starts again from its
 * configuration (DISABLED_TOOLS), which is what an operator expects of a kill switch that is
 * not also a deploy.
 */
export class ToolFlags {
  readonly #state = new Map<ToolName, FlagState>();

  constructor(disabled: readonly ToolName[] = []) {
    for (const tool of TOOL_NAMES) this.#state.set(tool, { enabled: !disabled.includes(tool) });
  }

  static isTool(name: string): name is ToolName {
    return (TOOL_NAMES as readonly string[]).includes(name);
  }

  isEnabled(tool: ToolName): boolean {
    return this.#state.get(tool)?.enabled ?? true;
  }

  /** Switches `tool` on or off; returns its new state. */
  set(tool: ToolName, enabled: boolean, now: Date = new Date()): FlagState {
    const state = { enabled, changedAt: now.toISOString() };
    this.#state.set(tool, state);
    return state;
  }

  /** Every tool's switch, in the order the tools are listed. */
  snapshot(): Record<ToolName, FlagState> {
    return Object.fromEntries(
      TOOL_NAMES.map((tool) => [tool, this.#state.get(tool) ?? { enabled: true }]),
    ) as Record<ToolName, FlagState>;
  }
}
