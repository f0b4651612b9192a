import { HarnessError } from '../errors.ts';

/**
 * k6's threshold syntax: `<aggregation> <operator> <number>`, e.g. `p(95)<500`, `rate<0.01`,
 * `avg<=200`, `max<2000`, `count>100`. Parsed once, when the scenario is defined, so that a typo
 * is an error naming the expression instead of a threshold that silently never fires.
 */
export type Aggregation =
  | { kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' }
  | { kind: 'p'; percentile: number };

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdExpression {
  source: string;
  aggregation: Aggregation;
  operator: Operator;
  value: number;
}

const PATTERN =
  /^\s*(avg|min|max|med|count|rate|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function parseThreshold(source: string): ThresholdExpression {
  const match = PATTERN.exec(source);
  if (!match) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `threshold '${source}' is not k6 syntax: write <aggregation><operator><number>, with an ` +
        'aggregation among avg, min, max, med, count, rate, p(N) — for example p(95)<500 or rate<0.01',
    );
  }
  const [, name = '', percentile, operator = '<', value = '0'] = match;
  if (percentile !== undefined && (Number(percentile) <= 0 || Number(percentile) > 100)) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `threshold '${source}': a percentile is above 0 and at most 100`,
    );
  }
  const aggregation: Aggregation =
    percentile !== undefined ? { kind: 'p', percentile: Number(percentile) } : { kind: name as 'avg' };
  return { source: source.trim(), aggregation, operator: operator as Operator, value: Number(value) };
}

export function compare(actual: number, operator: Operator, expected: number): boolean {
  switch (operator) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
    case '===':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/** Exact nearest-rank aggregation of a sorted sample (k6 reports trends the same way). */
export function aggregate(sorted: readonly number[], aggregation: Aggregation): number | undefined {
  if (aggregation.kind === 'count') return sorted.length;
  if (sorted.length === 0) return undefined;
  switch (aggregation.kind) {
    case 'avg':
      return sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
    case 'min':
      return sorted[0];
    case 'max':
      return sorted[sorted.length - 1];
    case 'med':
      return sorted[Math.ceil(0.5 * sorted.length) - 1];
    case 'p':
      return sorted[Math.max(0, Math.ceil((aggregation.percentile / 100) * sorted.length) - 1)];
    case 'rate':
      return sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  }
}
