import { HarnessError } from '../errors.ts';
import { nearestRank } from '../stats/index.ts';

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

/**
 * A threshold the k6 way: the expression, and whether crossing it mid-run aborts the run.
 * `delayAbortEval` (a k6 duration: `10s`, `500ms`, `1m`, or ms) holds the abort back until that
 * long after the first call, so that a handful of early samples cannot stop a run.
 */
export interface ThresholdDefinition {
  threshold: string;
  abortOnFail?: boolean;
  delayAbortEval?: string | number;
}

/** A parsed threshold definition. */
export interface ParsedThreshold extends ThresholdExpression {
  abortOnFail: boolean;
  delayAbortEvalMs: number;
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

/** A plain string or a `{ threshold, abortOnFail, delayAbortEval }` object, as k6 accepts both. */
export function parseThresholdDefinition(definition: string | ThresholdDefinition): ParsedThreshold {
  if (typeof definition === 'string')
    return { ...parseThreshold(definition), abortOnFail: false, delayAbortEvalMs: 0 };
  if (definition === null || typeof definition !== 'object' || typeof definition.threshold !== 'string') {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `threshold ${JSON.stringify(definition)} is neither a string nor { threshold: 'p(95)<500', abortOnFail?: boolean, delayAbortEval?: '10s' }`,
    );
  }
  const unknown = Object.keys(definition).filter(
    (k) => !['threshold', 'abortOnFail', 'delayAbortEval'].includes(k),
  );
  if (unknown.length > 0) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `threshold '${definition.threshold}': unknown option ${unknown.join(', ')} (use abortOnFail, delayAbortEval)`,
    );
  }
  const expression = parseThreshold(definition.threshold);
  const delay = definition.delayAbortEval;
  return {
    ...expression,
    abortOnFail: definition.abortOnFail === true,
    delayAbortEvalMs: delay === undefined ? 0 : parseDelay(delay, expression.source),
  };
}

/**
 * k6 durations (`500ms`, `10s`, `2m`, `1h`, `1m30s`) or a number of ms. The load driver has its own
 * parser; the checks may not import the load driver (they must not depend on anything that runs).
 */
function parseDelay(value: string | number, threshold: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\s*(\d+(\.\d+)?(ms|s|m|h)\s*)+$/.test(value)) {
    const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
    let total = 0;
    for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
      total += Number(n) * units[unit as keyof typeof units];
    }
    return total;
  }
  throw new HarnessError(
    'INVALID_SCENARIO',
    `threshold '${threshold}': delayAbortEval ${JSON.stringify(value)} is not a duration: write it as 500ms, 10s, 1m30s or a number of ms`,
  );
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

/**
 * Exact nearest-rank aggregation of a sorted sample, as k6 reports trends. The thresholds check
 * no longer keeps samples (it folds into histograms); this stays as the reference the tests
 * compare the fold with.
 */
export function aggregate(sorted: readonly number[], aggregation: Aggregation): number | undefined {
  if (aggregation.kind === 'count') return sorted.length;
  if (sorted.length === 0) return undefined;
  switch (aggregation.kind) {
    case 'avg':
    case 'rate':
      return sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
    case 'min':
      return sorted[0];
    case 'max':
      return sorted[sorted.length - 1];
    case 'med':
      return sorted[nearestRank(50, sorted.length) - 1];
    case 'p':
      return sorted[nearestRank(aggregation.percentile, sorted.length) - 1];
  }
}
