import { z } from 'zod';

/**
 * `mcp-chaos doctor --json`: the machine-readable answer. `warn` marks what does not stop a
 * runtime but deserves a look (an image older than its inputs, leftovers of dead owners):
 * such checks block nothing.
 */
export const runtimeNameSchema = z.enum(['local', 'containers']);

export const checkStatusSchema = z.enum(['ok', 'missing', 'broken', 'warn']);

export const checkResultSchema = z.object({
  /** Stable, machine-readable: `node`, `dependencies`, `image:mcp-chaos/postgres:18`, … */
  id: z.string().min(1),
  status: checkStatusSchema,
  /** One line: what was found. */
  detail: z.string(),
  /** The exact command (or step) that fixes it; null when nothing needs fixing. */
  fix: z.string().nullable(),
  /** The runtimes that cannot run while this check is not ok (empty: advisory only). */
  blocks: z.array(runtimeNameSchema),
});

export const runtimeVerdictSchema = z.object({
  runtime: runtimeNameSchema,
  ready: z.boolean(),
  /** The distinct fixes that stand between this machine and the runtime, in check order. */
  fixes: z.array(z.string()),
});

export const doctorReportSchema = z.object({
  checks: z.array(checkResultSchema),
  runtimes: z.array(runtimeVerdictSchema),
  /** 0 when at least the local runtime can run here, else 1. */
  exitCode: z.union([z.literal(0), z.literal(1)]),
});

export type RuntimeName = z.infer<typeof runtimeNameSchema>;
export type CheckStatus = z.infer<typeof checkStatusSchema>;
export type CheckResult = z.infer<typeof checkResultSchema>;
export type RuntimeVerdict = z.infer<typeof runtimeVerdictSchema>;
export type DoctorReport = z.infer<typeof doctorReportSchema>;
