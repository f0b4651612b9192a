import { z } from 'zod';
import type { RunReport } from '../schema.ts';

/**
 * The comparison with a baseline run, as far as the page needs it. report.json's own schema gains
 * it separately (`mcp-chaos report diff`, `--baseline`); the page reads it defensively so that a
 * report without one, or with a shape it does not know, still renders (with a note, not a crash).
 */
export const comparisonSchema = z.object({
  baseline: z.object({ runId: z.string(), generatedAt: z.number().optional() }),
  regressions: z.number().int(),
  scenarios: z.array(
    z.object({
      scenario: z.string(),
      target: z.string().optional(),
      regressions: z.array(
        z.object({
          kind: z.string(),
          phase: z.string().optional(),
          fault: z.string().optional(),
          old: z.unknown(),
          new: z.unknown(),
          message: z.string(),
        }),
      ),
    }),
  ),
});
export type Comparison = z.infer<typeof comparisonSchema>;

export type ComparisonView =
  | { kind: 'none' }
  | { kind: 'ok'; comparison: Comparison }
  | { kind: 'unreadable'; reason: string };

/** The report's `comparison` field, if any, checked against the shape above. */
export function readComparison(report: RunReport): ComparisonView {
  const raw = (report as { comparison?: unknown }).comparison;
  if (raw === undefined) return { kind: 'none' };
  const parsed = comparisonSchema.safeParse(raw);
  if (parsed.success) return { kind: 'ok', comparison: parsed.data };
  const issue = parsed.error.issues[0];
  return { kind: 'unreadable', reason: `${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
}

/**
 * The regressions listed for one scenario (none when the comparison does not name it): matched by
 * name and target, so a self-test's runs of one scenario on several builds each get their own.
 */
export function scenarioRegressions(
  view: ComparisonView,
  scenario: { scenario: string; target?: string | undefined },
): Comparison['scenarios'][number]['regressions'] {
  if (view.kind !== 'ok') return [];
  const named = view.comparison.scenarios.filter((s) => s.scenario === scenario.scenario);
  const exact = named.find((s) => s.target === scenario.target);
  return (exact ?? (named.length === 1 ? named[0] : undefined))?.regressions ?? [];
}
