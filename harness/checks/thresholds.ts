import { HarnessError } from '../errors.ts';
import type { CallRecord } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { BUSINESS_CODES } from './recovers-within.ts';
import { aggregate, compare, parseThreshold, type ThresholdExpression } from './threshold-expression.ts';
import type { Check } from './types.ts';

/**
 * k6-style thresholds over the calls in the journal:
 *
 *   thresholds({
 *     call_duration: ['p(95)<500'],                      // ms from the intended start (what users wait)
 *     'call_service{tool:lookup_customer}': ['p(99)<800'], // ms from the actual start
 *     'call_failed{phase:baseline}': ['rate<0.01'],      // share of calls that failed
 *     calls: ['count>100'],
 *   })
 *
 * A failed call is a transport error, a protocol error, a timeout, or an error result whose code
 * is not a business answer (NOT_FOUND, FORBIDDEN, INVALID_ARGUMENT). Tags filter by `tool`,
 * `phase`, `outcome`, `code`, `role` and `tenant`.
 */
const METRICS = {
  call_duration: (c: CallRecord) => c.end - c.intendedStart,
  call_service: (c: CallRecord) => c.end - c.actualStart,
  call_failed: (c: CallRecord) => (failed(c) ? 1 : 0),
  calls: () => 1,
} as const;
type MetricName = keyof typeof METRICS;
const TAGS = ['tool', 'phase', 'outcome', 'code', 'role', 'tenant'] as const;

function failed(c: CallRecord): boolean {
  if (c.outcome === 'ok') return false;
  return !(c.outcome === 'error' && (BUSINESS_CODES as readonly string[]).includes(c.code ?? ''));
}

interface Selector {
  source: string;
  metric: MetricName;
  tags: [string, string][];
  expressions: ThresholdExpression[];
}

function parseSelector(source: string, expressions: readonly string[]): Selector {
  const match = /^([a-z_]+)(?:\{([^}]*)\})?$/.exec(source.trim());
  const metric = match?.[1] as MetricName | undefined;
  if (!match || !metric || !(metric in METRICS)) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `threshold metric '${source}' is unknown: use ${Object.keys(METRICS).join(', ')}, optionally with tags ` +
        `such as call_duration{tool:lookup_customer}`,
    );
  }
  const tags = (match[2] ?? '')
    .split(',')
    .filter((t) => t.trim() !== '')
    .map((pair) => {
      const [key = '', value = ''] = pair.split(':').map((s) => s.trim());
      if (!(TAGS as readonly string[]).includes(key) || value === '') {
        throw new HarnessError(
          'INVALID_SCENARIO',
          `threshold metric '${source}': tag '${pair}' is not one of ${TAGS.join(', ')} with a value`,
        );
      }
      return [key, value] as [string, string];
    });
  return { source: source.trim(), metric, tags, expressions: expressions.map(parseThreshold) };
}

function tagValue(c: CallRecord, tag: string): string | undefined {
  if (tag === 'role' || tag === 'tenant') return c.identity[tag];
  return c[tag as 'tool' | 'phase' | 'outcome' | 'code'];
}

interface State {
  samples: number[][];
}

export function thresholds(spec: Record<string, readonly string[]>): Check<State> {
  const selectors = Object.entries(spec).map(([metric, expressions]) => parseSelector(metric, expressions));
  const name = 'thresholds';
  return {
    name,
    needs: ['call'],
    init: () => ({ samples: selectors.map(() => []) }),
    update(state, record) {
      if (record.type !== 'call') return;
      selectors.forEach((selector, i) => {
        if (selector.tags.every(([tag, value]) => tagValue(record, tag) === value)) {
          state.samples[i]?.push(METRICS[selector.metric](record));
        }
      });
    },
    finish({ samples }) {
      const crossed = new EvidenceList();
      const empty: string[] = [];
      let evaluated = 0;
      selectors.forEach((selector, i) => {
        const sorted = [...(samples[i] ?? [])].sort((a, b) => a - b);
        for (const expression of selector.expressions) {
          const actual = aggregate(sorted, expression.aggregation);
          if (actual === undefined) {
            empty.push(`${selector.source}: ${expression.source}`);
            continue;
          }
          evaluated++;
          if (!compare(actual, expression.operator, expression.value)) {
            crossed.add({
              message: `${selector.source}: ${expression.source} crossed (actual ${round(actual)})`,
            });
          }
        }
      });
      if (crossed.total > 0) {
        return verdict(
          name,
          'fail',
          `${crossed.total} of ${evaluated + empty.length} thresholds crossed.`,
          crossed,
        );
      }
      if (empty.length > 0) {
        return verdict(
          name,
          'inconclusive',
          `No calls matched ${empty.join('; ')}, so it could not be evaluated.`,
        );
      }
      return verdict(name, 'pass', `All ${evaluated} thresholds held.`);
    },
  };
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 1 ? 4 : 1);
}
