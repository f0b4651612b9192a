import { HarnessError } from '../errors.ts';
import type { CallRecord, Margin } from '../journal/index.ts';
import { Distribution, isFailed, nearestRank } from '../stats/index.ts';
import { EvidenceList, margin, tightest, verdict } from './evidence.ts';
import {
  type Aggregation,
  compare,
  type ParsedThreshold,
  parseThreshold,
  parseThresholdDefinition,
  type ThresholdDefinition,
} from './threshold-expression.ts';
import type { Check } from './types.ts';

/**
 * k6-style thresholds over the calls in the journal:
 *
 *   thresholds({
 *     call_duration: ['p(95)<500'],                      // ms from the intended start (what users wait)
 *     'call_service{tool:lookup_customer}': ['p(99)<800'], // ms from the actual start
 *     'call_failed{phase:baseline}': ['rate<0.01'],      // share of calls that failed
 *     calls: ['count>100'],
 *     call_reinitialized: ['rate>0'],                    // share of calls that re-initialized their session
 *     call_failed: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '10s' }],
 *   })
 *
 * A failed call is a transport error, a protocol error, a timeout, or an error result whose code
 * is not a business answer (NOT_FOUND, FORBIDDEN, INVALID_ARGUMENT). Tags filter by `tool`,
 * `phase`, `outcome`, `code`, `role` and `tenant`.
 *
 * Memory is constant in the number of calls: durations fold into an HDR histogram per metric
 * (see harness/stats Distribution), 0/1 metrics into two counters. `count`, `avg`, `rate`, `min`
 * and `max` are exact; `med` and `p(N)` are HDR's nearest-rank value, within the histogram's
 * precision (never below the exact nearest-rank value by more than 0.5 µs, never above it by
 * more than 0.1% + 0.5 µs) — so a percentile threshold cannot pass by rounding down.
 */
export type ThresholdSpec = Record<string, readonly (string | ThresholdDefinition)[]>;

const METRICS = {
  call_duration: { unit: 'ms', value: (c: CallRecord) => c.end - c.intendedStart },
  call_service: { unit: 'ms', value: (c: CallRecord) => c.end - c.actualStart },
  call_failed: { unit: 'ratio', value: (c: CallRecord) => (isFailed(c) ? 1 : 0) },
  // The client met a 404 for its session and opened a new one (stateful targets after a restart).
  call_reinitialized: { unit: 'ratio', value: (c: CallRecord) => (c.reinitialized ? 1 : 0) },
  calls: { unit: 'count', value: () => 1 },
} as const;
type MetricName = keyof typeof METRICS;
const TAGS = ['tool', 'phase', 'outcome', 'code', 'role', 'tenant'] as const;

/** One threshold's standing: `ok` null when no call matched (it could not be evaluated). */
export interface ThresholdResult {
  /** The metric with its tags, as written: `call_duration{tool:lookup_customer}`. */
  metric: string;
  /** The expression, as written: `p(95)<500`. */
  threshold: string;
  /** `p(95)`, `avg`, `rate`…: what `actual` is. */
  aggregation: string;
  /** What `actual` is in: ms for durations, a ratio (0..1) for call_failed, else a count. */
  unit: 'ms' | 'ratio' | 'count';
  actual: number | null;
  ok: boolean | null;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

interface Selector {
  source: string;
  metric: MetricName;
  tags: [string, string][];
  expressions: ParsedThreshold[];
}

function parseSelector(source: string, definitions: readonly (string | ThresholdDefinition)[]): Selector {
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
  if (!Array.isArray(definitions)) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `threshold metric '${source}': give a list of thresholds, e.g. ['p(95)<500']`,
    );
  }
  return { source: source.trim(), metric, tags, expressions: definitions.map(parseThresholdDefinition) };
}

function tagValue(c: CallRecord, tag: string): string | undefined {
  if (tag === 'role' || tag === 'tenant') return c.identity[tag];
  return c[tag as 'tool' | 'phase' | 'outcome' | 'code'];
}

/** What one metric folds into; `aggregate` is undefined when nothing was added (except count). */
interface Aggregator {
  /** Histogram counts held (0 for counters): constant in the number of values added. */
  readonly buckets: number;
  add(value: number): void;
  aggregate(aggregation: Aggregation): number | undefined;
}

/** Durations: an HDR histogram with exact count, mean, min and max. */
class TrendAggregator implements Aggregator {
  readonly distribution = new Distribution();

  get buckets(): number {
    return this.distribution.buckets;
  }

  add(value: number): void {
    this.distribution.record(value);
  }

  aggregate(aggregation: Aggregation): number | undefined {
    const d = this.distribution;
    switch (aggregation.kind) {
      case 'count':
        return d.count;
      case 'avg':
      case 'rate':
        return d.mean;
      case 'min':
        return d.min;
      case 'max':
        return d.max;
      case 'med':
        return d.percentile(50);
      case 'p':
        return d.percentile(aggregation.percentile);
    }
  }
}

/** 0/1 values (failed, counted): two counters give every aggregation exactly. */
class IndicatorAggregator implements Aggregator {
  readonly buckets = 0;
  count = 0;
  ones = 0;

  add(value: number): void {
    this.count++;
    if (value !== 0) this.ones++;
  }

  aggregate(aggregation: Aggregation): number | undefined {
    if (aggregation.kind === 'count') return this.count;
    if (this.count === 0) return undefined;
    const zeros = this.count - this.ones;
    switch (aggregation.kind) {
      case 'avg':
      case 'rate':
        return this.ones / this.count;
      case 'min':
        return zeros > 0 ? 0 : 1;
      case 'max':
        return this.ones > 0 ? 1 : 0;
      case 'med':
        return nearestRank(50, this.count) > zeros ? 1 : 0;
      case 'p':
        return nearestRank(aggregation.percentile, this.count) > zeros ? 1 : 0;
    }
  }
}

export interface ThresholdsState {
  aggregators: Aggregator[];
  /** Intended start of the first call: delayAbortEval counts from here. */
  firstStart: number | undefined;
  /** The latest time the journal has reached (call ends, lag windows): the fold's clock. */
  latest: number | undefined;
}

/** The thresholds check, with what the live runner needs for abort-on-fail. */
export interface ThresholdsCheck extends Check<ThresholdsState> {
  /** The spec as given: JSON, so the runner can journal it (header config `thresholds`) for reports. */
  readonly spec: ThresholdSpec;
  /** True when at least one threshold has `abortOnFail`. */
  readonly abortsOnFail: boolean;
  /** Every threshold's standing now (mid-run or at the end). Walks histograms: not per record. */
  results(state: ThresholdsState): ThresholdResult[];
  /**
   * The abort-on-fail thresholds crossed now, once their `delayAbortEval` has passed since the
   * first call (in journal time); empty when the run may go on. Costs a histogram walk per
   * abort-on-fail percentile: ask every second or two, as k6 does, not on every record.
   */
  breached(state: ThresholdsState): ThresholdResult[];
}

export function thresholds(spec: ThresholdSpec): ThresholdsCheck {
  const selectors = Object.entries(spec).map(([metric, definitions]) => parseSelector(metric, definitions));
  const name = 'thresholds';
  const evaluate = (state: ThresholdsState, only?: (e: ParsedThreshold) => boolean): ThresholdResult[] =>
    selectors.flatMap((selector, i) =>
      selector.expressions
        .filter((e) => only?.(e) ?? true)
        .map((expression) => {
          const actual = state.aggregators[i]?.aggregate(expression.aggregation);
          return {
            metric: selector.source,
            threshold: expression.source,
            aggregation: label(expression.aggregation),
            unit: expression.aggregation.kind === 'count' ? 'count' : METRICS[selector.metric].unit,
            actual: actual ?? null,
            ok: actual === undefined ? null : compare(actual, expression.operator, expression.value),
            abortOnFail: expression.abortOnFail,
            delayAbortEvalMs: expression.delayAbortEvalMs,
          } satisfies ThresholdResult;
        }),
    );
  return {
    name,
    needs: ['call', 'lag'],
    spec,
    abortsOnFail: selectors.some((s) => s.expressions.some((e) => e.abortOnFail)),
    init: () => ({
      aggregators: selectors.map((s) =>
        METRICS[s.metric].unit === 'ms' ? new TrendAggregator() : new IndicatorAggregator(),
      ),
      firstStart: undefined,
      latest: undefined,
    }),
    update(state, record) {
      if (record.type === 'lag') {
        state.latest = Math.max(state.latest ?? record.to, record.to);
        return;
      }
      if (record.type !== 'call') return;
      state.firstStart = Math.min(state.firstStart ?? record.intendedStart, record.intendedStart);
      state.latest = Math.max(state.latest ?? record.end, record.end);
      for (let i = 0; i < selectors.length; i++) {
        const selector = selectors[i] as Selector;
        if (selector.tags.every(([tag, value]) => tagValue(record, tag) === value)) {
          state.aggregators[i]?.add(METRICS[selector.metric].value(record));
        }
      }
    },
    results: (state) => evaluate(state),
    breached(state) {
      const { firstStart, latest } = state;
      if (firstStart === undefined || latest === undefined) return [];
      const elapsed = latest - firstStart;
      return evaluate(state, (e) => e.abortOnFail && elapsed >= e.delayAbortEvalMs).filter(
        (r) => r.ok === false,
      );
    },
    finish(state) {
      const results = evaluate(state);
      const crossed = new EvidenceList();
      const empty = results.filter((r) => r.ok === null);
      for (const r of results) if (r.ok === false) crossed.add({ message: describe(r) });
      if (crossed.total > 0) {
        return verdict(
          name,
          'fail',
          `${crossed.total} of ${results.length} thresholds crossed.`,
          crossed,
          tightest(results.map(thresholdMargin)),
        );
      }
      if (empty.length > 0) {
        const which = empty.map((r) => `${r.metric}: ${r.threshold}`).join('; ');
        return verdict(name, 'inconclusive', `No calls matched ${which}, so it could not be evaluated.`);
      }
      return verdict(
        name,
        'pass',
        `All ${results.length} thresholds held: ${results.map(standing).join('; ')}.`,
        undefined,
        tightest(results.map(thresholdMargin)),
      );
    },
  };
}

/** A threshold's margin, for the report (undefined when nothing was measured or `==`/`!=`). */
export function thresholdMargin(result: ThresholdResult): Margin | undefined {
  if (result.actual === null) return undefined;
  const { operator, value } = parseThreshold(result.threshold);
  const of = `${result.metric} ${result.threshold}`;
  if (operator === '<' || operator === '<=') return margin(result.actual, value, result.unit, 'lower', of);
  if (operator === '>' || operator === '>=') return margin(result.actual, value, result.unit, 'higher', of);
  return undefined;
}

/** "call_duration{tool:list_orders}: p(95)<500 crossed (actual 900)" */
export function describe(result: ThresholdResult): string {
  const actual = result.actual === null ? 'no calls' : `actual ${round(result.actual)}`;
  const state = result.ok === false ? 'crossed' : result.ok === true ? 'held' : 'not evaluated';
  return `${result.metric}: ${result.threshold} ${state} (${actual})`;
}

/**
 * "call_duration p(95)<500 at 120 ms (margin 380 ms)": how close a held threshold came. Equality
 * thresholds have no margin to speak of.
 */
export function standing(result: ThresholdResult): string {
  const unit = result.unit === 'ms' ? ' ms' : '';
  const at = result.actual === null ? 'no calls' : `at ${round(result.actual)}${unit}`;
  const where = `${result.metric} ${result.threshold} ${at}`;
  if (result.actual === null) return where;
  const { operator, value } = parseThreshold(result.threshold);
  const margin =
    operator === '<' || operator === '<='
      ? value - result.actual
      : operator === '>' || operator === '>='
        ? result.actual - value
        : undefined;
  return margin === undefined ? where : `${where} (margin ${round(margin)}${unit})`;
}

/** Is this check a thresholds check (so its results and abort-on-fail can be asked for)? */
export function isThresholdsCheck(check: Check): check is ThresholdsCheck {
  return check.name === 'thresholds' && typeof (check as Partial<ThresholdsCheck>).breached === 'function';
}

/**
 * The thresholds of all thresholds checks among `checks`, merged into one spec (JSON), or
 * undefined when there are none. The runner journals it as `config.thresholds` in the header,
 * and the report re-evaluates it from the journal to list every threshold with ✓/✗.
 */
export function thresholdSpec(checks: readonly Check[]): ThresholdSpec | undefined {
  const merged: Record<string, (string | ThresholdDefinition)[]> = {};
  let any = false;
  for (const check of checks) {
    if (!isThresholdsCheck(check)) continue;
    any = true;
    for (const [metric, definitions] of Object.entries(check.spec)) {
      merged[metric] = [...(merged[metric] ?? []), ...definitions];
    }
  }
  return any ? merged : undefined;
}

function label(aggregation: Aggregation): string {
  return aggregation.kind === 'p' ? `p(${aggregation.percentile})` : aggregation.kind;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 1 ? 4 : 1);
}
