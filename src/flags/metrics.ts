import { Gauge, type Registry } from 'prom-client';
import { TOOL_NAMES } from '../domain.ts';
import type { ToolFlags } from './flags.ts';

/**
 * `mcp_tool_enabled{tool}`: 1 while the tool is switched on, 0 while an operator has it off.
 * Read at scrape time, so a flip shows on the next scrape and an alert can tell "disabled on
 * purpose" from "failing".
 */
export function registerFlagGauge(registry: Registry, flags: Pick<ToolFlags, 'isEnabled'>): Gauge<'tool'> {
  return new Gauge({
    name: 'mcp_tool_enabled',
    help: 'Whether the tool is switched on (1) or disabled by the operator (0).',
    labelNames: ['tool'] as const,
    registers: [registry],
    collect() {
      for (const tool of TOOL_NAMES) this.set({ tool }, flags.isEnabled(tool) ? 1 : 0);
    },
  });
}
