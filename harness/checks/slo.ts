import { HarnessError } from '../errors.ts';
import type { CallRecord } from '../journal/index.ts';
import { isFailed } from '../stats/index.ts';
import { FaultTransitions, type Stream, streamOf } from './call-scope.ts';
import { EvidenceList, tightest, verdict } from './evidence.ts';
import { ms } from './format.ts';
import {
  type ThresholdResult,
  type ThresholdSpec,
  type ThresholdsState,
  thresholdMargin,
  thresholds,
} from './thresholds.ts';
import type { Check } from './types.ts';

/**
 * Service level objectives as a user states them: latency percentiles of what clients waited
 * (from each call's intended start, so a stalled driver cannot hide latency) and an error
 * rate, e.g. `{ 'p(95)': '<150ms', errorRate: '<1%' }`.
 */
export interface SloObjectives {
  'p(50)'?: string;
  'p(90)'?: string;
  'p(95)'?: string;
  'p(99)'?: string;
  avg?: string;
  max?: string;
  /** Share of calls that failed (transport, protocol, timeout, or a non-business error code): `<1%` or `<0.01`. */
  errorRate?: string;
}

export interface SloOptions {
  /** Judge only calls made in these phases (default: every call). */
  phases?: readonly string[];
  /** Judge only these tools (default: every tool). */
  tools?: readonly string[];
  /** The check's name in verdicts (default `slo`; a scenario's steady state uses `steadyState`). */
  name?: string;
  /**
   * Judge only one stream of calls: `main` (the workload's users, leaving out a noisy user's
   * flood: do the others keep their SLO?) or `noisy` (default: every call).
   */
  stream?: Stream;
}

const LATENCY_KEYS = ['p(50)', 'p(90)', 'p(95)', 'p(99)', 'avg', 'max'] as const;
const OBJECTIVE_KEYS: readonly string[] = [...LATENCY_KEYS, 'errorRate'];

function parseObjective(key: string, source: string): { operator: string; value: number } {
  const percent = key === 'errorRate';
  const match = /^\s*(<=|<)\s*(\d+(?:\.\d+)?)\s*(ms|s|%)?\s*$/.exec(source);
  const unit = match?.[3];
  const fits = percent ? unit === '%' || unit === undefined : unit !== '%';
  if (!match || !fits) {
    const example = percent ? "'<1%' or '<0.01'" : "'<150ms' or '<2s'";
    throw new HarnessError(
      'INVALID_SCENARIO',
      `slo ${key}: '${source}' is not an objective: write ${example}`,
    );
  }
  const number = Number(match[2]);
  const value = unit === '%' ? number / 100 : unit === 's' ? number * 1000 : number;
  return { operator: match[1] as string, value };
}

/** The thresholds spec an SLO stands for: one selector per phase × tool combination. */
export function sloThresholds(objectives: SloObjectives, options: SloOptions = {}): ThresholdSpec {
  const keys = Object.keys(objectives);
  const unknown = keys.filter((k) => !OBJECTIVE_KEYS.includes(k));
  if (unknown.length > 0 || keys.length === 0) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `slo: ${unknown.length > 0 ? `unknown objective ${unknown.join(', ')}` : 'no objective'}: use ${OBJECTIVE_KEYS.join(', ')}`,
    );
  }
  const latency: string[] = [];
  const errors: string[] = [];
  for (const key of keys) {
    const source = objectives[key as keyof SloObjectives] as string;
    const { operator, value } = parseObjective(key, source);
    if (key === 'errorRate') errors.push(`rate${operator}${value}`);
    else latency.push(`${key}${operator}${value}`);
  }
  const phases = options.phases?.length ? options.phases : [undefined];
  const tools = options.tools?.length ? options.tools : [undefined];
  const spec: Record<string, string[]> = {};
  for (const phase of phases) {
    for (const tool of tools) {
      const tags = [phase && `phase:${phase}`, tool && `tool:${tool}`].filter(Boolean).join(',');
      const suffix = tags ? `{${tags}}` : '';
      if (latency.length > 0) spec[`call_duration${suffix}`] = latency;
      if (errors.length > 0) spec[`call_failed${suffix}`] = errors;
    }
  }
  return spec;
}

interface SloState {
  inner: ThresholdsState;
  transitions: FaultTransitions;
  straddling: number;
  /** Failed and slowest calls in scope: what a reviewer opens first when an objective is missed. */
  failed: EvidenceList;
  slowest: { correlationId: string; ms: number }[];
}

/** An objective's actual value beside its limit, in its own unit: "p(95) 42 ms (limit <150 ms)". */
function standing(r: ThresholdResult): string {
  const [, operator = '', limit = '0'] = /(<=|>=|===|==|!=|<|>)\s*(-?[\d.]+)\s*$/.exec(r.threshold) ?? [];
  const show = (v: number) => (r.unit === 'ratio' ? `${(v * 100).toFixed(2)}%` : ms(v));
  const what = r.unit === 'ratio' ? 'error rate' : r.aggregation;
  const where = /\{(.*)\}/.exec(r.metric)?.[1];
  const actual = r.actual === null ? 'no calls' : show(r.actual);
  return `${what}${where ? ` (${where})` : ''} ${actual} (limit ${operator}${show(Number(limit))})`;
}

/**
 * `slo(objectives, { phases })`: the objectives hold over the calls of those phases. A pass
 * reports each objective's actual value beside its limit (the margin); a fail names the missed
 * objectives and the failed or slowest calls.
 */
export function slo(objectives: SloObjectives, options: SloOptions = {}): Check<SloState> {
  const name = options.name ?? 'slo';
  const engine = thresholds(sloThresholds(objectives, options));
  const phases = options.phases?.length ? new Set(options.phases) : undefined;
  const tools = options.tools?.length ? new Set(options.tools) : undefined;
  const inScope = (c: CallRecord) =>
    (!phases || (c.phase !== undefined && phases.has(c.phase))) && (!tools || tools.has(c.tool));
  return {
    name,
    needs: [...engine.needs, 'fault'],
    init: () => ({
      inner: engine.init(),
      transitions: new FaultTransitions(),
      straddling: 0,
      failed: new EvidenceList(),
      slowest: [],
    }),
    update(state, record) {
      if (record.type === 'fault') {
        state.transitions.add(record);
        return;
      }
      // Another stream's calls are not this SLO's business (nor its engine's).
      if (record.type === 'call' && options.stream && streamOf(record) !== options.stream) return;
      // A call is judged under the conditions of its phase: one in flight while a fault came or
      // went (a baseline call caught by the first inject) belongs to neither and is left out.
      if (record.type === 'call' && state.transitions.straddles(record)) {
        if (inScope(record)) state.straddling++;
        return;
      }
      engine.update(state.inner, record);
      if (record.type !== 'call' || !inScope(record)) return;
      if (isFailed(record)) {
        state.failed.add({
          correlationId: record.correlationId,
          message: `${record.tool} ${record.outcome}${record.code ? ` ${record.code}` : ''} after ${ms(record.end - record.intendedStart)}`,
        });
      }
      const took = record.end - record.intendedStart;
      if (state.slowest.length < 5 || took > (state.slowest.at(-1)?.ms ?? 0)) {
        state.slowest.push({ correlationId: record.correlationId, ms: took });
        state.slowest.sort((a, b) => b.ms - a.ms);
        state.slowest.length = Math.min(state.slowest.length, 5);
      }
    },
    finish(state) {
      const results = engine.results(state.inner);
      const only = options.stream
        ? ` (the ${options.stream} stream's calls only: ${options.stream === 'main' ? "the noisy user's left out" : "the workload's left out"})`
        : '';
      const left = `${only}${
        state.straddling > 0
          ? ` (${state.straddling} ${state.straddling === 1 ? 'call' : 'calls'} in flight while a fault came or went left out)`
          : ''
      }`;
      const missed = results.filter((r) => r.ok === false);
      const empty = results.filter((r) => r.ok === null);
      if (missed.length > 0) {
        const evidence = new EvidenceList();
        for (const r of missed) evidence.add({ message: `missed: ${standing(r)}` });
        const latencyMissed = missed.some((r) => r.unit === 'ms');
        for (const item of state.failed.items) evidence.add(item);
        if (latencyMissed) {
          for (const s of state.slowest)
            evidence.add({ correlationId: s.correlationId, message: `took ${ms(s.ms)}` });
        }
        return verdict(
          name,
          'fail',
          `${missed.length} of ${results.length} objectives missed: ${missed.map(standing).join('; ')}${left}.`,
          evidence,
          tightest(results.map(thresholdMargin)),
        );
      }
      if (empty.length > 0) {
        return verdict(
          name,
          'inconclusive',
          `No calls in ${empty.map((r) => r.metric).join(', ')}, so the objectives could not be judged.`,
        );
      }
      return verdict(
        name,
        'pass',
        `All ${results.length} objectives held: ${results.map(standing).join('; ')}${left}.`,
        undefined,
        tightest(results.map(thresholdMargin)),
      );
    },
  };
}
