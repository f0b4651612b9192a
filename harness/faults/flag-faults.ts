import type { Fault as FaultSpec } from './fault.ts';
import { perRun } from './per-run.ts';
import type { Timing } from './timing.ts';
import { checkOptions, checkTiming, invalid } from './validate.ts';

/** A tool name as MCP allows it (the spec's 1-128 characters of letters, digits, _ - .). */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** Faults an operator causes on purpose: runtime flags flipped through the target's admin port. */
export const flagFaults = {
  /**
   * The tool switched off at run time through the target's admin API (`PUT /flags/<tool>`,
   * admin token), without a restart: its calls must answer a clear "disabled" error while the
   * others carry on. Heal switches it on again. Works on every runtime: it goes through the
   * environment's admin client, not through the process.
   */
  disableTool(tool: string, options: Timing = {}): FaultSpec {
    if (typeof tool !== 'string' || !TOOL_NAME.test(tool)) {
      throw invalid(
        'disableTool',
        `tool must be a tool name such as 'create_ticket', got ${JSON.stringify(tool)}`,
      );
    }
    checkOptions('disableTool', options, ['afterMs', 'forMs']);
    const when = checkTiming('disableTool', options);
    const run = perRun(() => ({ disabled: false }));
    return {
      name: `disableTool(${tool})`,
      ...when,
      async inject(env) {
        run(env).disabled = true; // before the attempt: a request that timed out may still have landed
        await env.admin.setToolEnabled(tool, false);
        return `${tool} disabled through PUT /flags/${tool}`;
      },
      async heal(env) {
        if (!run(env).disabled) return;
        await env.admin.setToolEnabled(tool, true);
        run(env).disabled = false;
      },
    };
  },
};
