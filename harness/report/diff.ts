import type { VerdictStatus } from '../checks/index.ts';
import {
  type Change,
  type Comparison,
  DEFAULT_TOLERANCE,
  type ScenarioComparison,
  type Tolerance,
} from './comparison.ts';
import type { RunReport, ScenarioReport } from './schema.ts';

/** Worse is higher: a verdict regressed when its rank grew. */
const RANK: Record<VerdictStatus, number> = { pass: 0, inconclusive: 1, fail: 2 };

/** A check's summary quoted in a change's message is cut here: the whole of it is in the report. */
const SUMMARY_CHARS = 160;

/**
 * `current` against `baseline`: per scenario (matched by name) the verdicts that got worse or
 * better (the scenario's and each check's, matched by name), recovery times per heal (matched by
 * fault, link and order) and p95 latency per phase (matched by name) beyond `tolerance`.
 * Swapping the two runs swaps regressions and improvements.
 */
export function compareReports(
  baseline: RunReport,
  current: RunReport,
  tolerance: Tolerance = DEFAULT_TOLERANCE,
  paths: { baseline?: string; current?: string } = {},
): Comparison {
  const scenarios = pairScenarios(baseline.scenarios, current.scenarios).map(({ old, now }) =>
    compareScenario(old, now, tolerance),
  );
  const ref = (report: RunReport, path: string | undefined) => ({
    runId: report.runId,
    generatedAt: report.generatedAt,
    ...(path !== undefined ? { path } : {}),
  });
  return {
    baseline: ref(baseline, paths.baseline),
    current: ref(current, paths.current),
    tolerance,
    regressions: scenarios.reduce((sum, s) => sum + s.regressions.length, 0),
    improvements: scenarios.reduce((sum, s) => sum + s.improvements.length, 0),
    scenarios,
  };
}

/** The default tolerance with both ratios set to `ratio` (e.g. 0.25 from `--tolerance 25%`). */
export function toleranceWithRatio(ratio: number | undefined): Tolerance {
  if (ratio === undefined) return DEFAULT_TOLERANCE;
  return { ...DEFAULT_TOLERANCE, p95Ratio: ratio, recoveryRatio: ratio };
}

/**
 * A scenario is matched on the same target first, then by name alone: a good run and a defect
 * run of one scenario (targets `reference` and `reference (defect: …)`) are still compared. The
 * current run's order, then what only the baseline has.
 */
function pairScenarios(
  old: readonly ScenarioReport[],
  now: readonly ScenarioReport[],
): { old: ScenarioReport | undefined; now: ScenarioReport | undefined }[] {
  const exact = pair(old, now, (s) => `${s.scenario}\u0000${s.target ?? ''}`);
  const loose = pair(
    exact.flatMap((p) => (p.now ? [] : [p.old as ScenarioReport])),
    exact.flatMap((p) => (p.old ? [] : [p.now as ScenarioReport])),
    (s) => s.scenario,
  );
  const match = new Map<ScenarioReport, ScenarioReport | undefined>();
  for (const p of [...exact, ...loose]) if (p.now) match.set(p.now, p.old ?? match.get(p.now));
  const used = new Set([...match.values()]);
  return [
    ...now.map((n) => ({ old: match.get(n), now: n as ScenarioReport | undefined })),
    ...old.filter((o) => !used.has(o)).map((o) => ({ old: o as ScenarioReport | undefined, now: undefined })),
  ];
}

/** A scenario's entry in a comparison: same name and target, present in this run. */
export function comparisonOf(
  comparison: Comparison,
  scenario: Pick<ScenarioReport, 'scenario' | 'target'>,
): ScenarioComparison | undefined {
  return comparison.scenarios.find(
    (c) => c.status !== 'missing' && c.scenario === scenario.scenario && c.target === scenario.target,
  );
}

/** As `scenarioLabel`: the name, and the target's when the comparison holds the name more than once. */
export function comparisonLabel(entry: ScenarioComparison, comparison: Comparison): string {
  const repeated = comparison.scenarios.filter((c) => c.scenario === entry.scenario).length > 1;
  return repeated && entry.target !== undefined ? `${entry.scenario} [${entry.target}]` : entry.scenario;
}

function compareScenario(
  old: ScenarioReport | undefined,
  now: ScenarioReport | undefined,
  tolerance: Tolerance,
): ScenarioComparison {
  const name = (now ?? old)?.scenario ?? '';
  const target = (now ?? old)?.target;
  const base = {
    scenario: name,
    ...(target !== undefined ? { target } : {}),
    baselineStatus: old?.status ?? null,
    currentStatus: now?.status ?? null,
    regressions: [] as Change[],
    improvements: [] as Change[],
  };
  if (!old) return { ...base, status: 'new' };
  if (!now) return { ...base, status: 'missing' };
  const { regressions, improvements } = base;
  const add = (worse: boolean, change: Change) => (worse ? regressions : improvements).push(change);

  for (const { old: o, now: n } of pair(old.verdicts, now.verdicts, (v) => v.check)) {
    if (!o || !n || o.status === n.status) continue;
    const worse = RANK[n.status] > RANK[o.status];
    add(worse, {
      kind: 'check',
      check: n.check,
      old: o.status,
      new: n.status,
      message: `${n.check}: ${o.status} → ${n.status}${worse ? `: ${cut(n.summary)}` : ''}`,
    });
  }
  // The scenario's verdict follows from its checks': flagged only when no check's change
  // explains it (checks gone, none reached a verdict, the run cut short), so one check that got
  // worse is one regression, not two.
  if (old.status !== now.status) {
    const worse = RANK[now.status] > RANK[old.status];
    const explained = worse
      ? regressions.some((c) => c.kind === 'check' && c.new === now.status)
      : improvements.some((c) => c.kind === 'check' && c.old === old.status);
    if (!explained) {
      add(worse, {
        kind: 'verdict',
        old: old.status,
        new: now.status,
        message: `verdict: ${old.status} → ${now.status}${worse ? `: ${why(now)}` : ''}`,
      });
    }
  }

  for (const { old: o, now: n, index } of pair(
    old.recovery,
    now.recovery,
    (r) => `${r.fault}\u0000${r.link ?? ''}`,
  )) {
    if (!o || !n) continue;
    const was = o.recoveredAfterMs;
    const is = n.recoveredAfterMs;
    const where = `recovery after ${n.fault}${index > 0 ? ` (#${index + 1})` : ''}`;
    const change = {
      kind: 'recovery' as const,
      fault: n.fault,
      ...(n.link !== undefined ? { link: n.link } : {}),
      old: was,
      new: is,
    };
    if (was !== null && is === null) {
      add(true, { ...change, message: `${where}: ${ms(was)} → never recovered` });
    } else if (was === null && is !== null) {
      add(false, { ...change, message: `${where}: never recovered → ${ms(is)}` });
    } else if (was !== null && is !== null) {
      const worse = grew(was, is, tolerance.recoveryRatio, tolerance.recoveryMinMs);
      if (worse || grew(is, was, tolerance.recoveryRatio, tolerance.recoveryMinMs)) {
        add(worse, { ...change, message: `${where}: ${ms(was)} → ${ms(is)} (${delta(was, is)})` });
      }
    }
  }

  for (const { old: o, now: n } of pair(old.phases, now.phases, (p) => p.name)) {
    const was = o?.latencyMs?.p95;
    const is = n?.latencyMs?.p95;
    if (!n || was === undefined || is === undefined) continue;
    const worse = grew(was, is, tolerance.p95Ratio, tolerance.p95MinMs);
    if (worse || grew(is, was, tolerance.p95Ratio, tolerance.p95MinMs)) {
      add(worse, {
        kind: 'p95',
        phase: n.name,
        old: was,
        new: is,
        message: `p95 of phase ${n.name}: ${ms(was)} → ${ms(is)} (${delta(was, is)})`,
      });
    }
  }

  const status = regressions.length > 0 ? 'regressed' : improvements.length > 0 ? 'improved' : 'unchanged';
  return { ...base, status };
}

/** `to` exceeds `from` by more than the ratio and by at least the floor. */
function grew(from: number, to: number, ratio: number, minMs: number): boolean {
  return to > from * (1 + ratio) && to - from >= minMs;
}

/**
 * Items of two lists paired by key, the k-th of a key in one with the k-th in the other (`index`
 * is k): the current run's order first, then what only the baseline has.
 */
export function pair<T>(
  old: readonly T[],
  now: readonly T[],
  key: (item: T) => string,
): { old: T | undefined; now: T | undefined; index: number }[] {
  const pool = new Map<string, T[]>();
  for (const item of old) {
    const list = pool.get(key(item));
    if (list) list.push(item);
    else pool.set(key(item), [item]);
  }
  const seen = new Map<string, number>();
  const pairs = now.map((item) => {
    const k = key(item);
    const index = seen.get(k) ?? 0;
    seen.set(k, index + 1);
    return { old: pool.get(k)?.shift(), now: item as T | undefined, index };
  });
  for (const [k, rest] of pool) {
    rest.forEach((item, i) => {
      pairs.push({ old: item, now: undefined, index: (seen.get(k) ?? 0) + i });
    });
  }
  return pairs;
}

/** Why a scenario's verdict is what it is when no check's change says. */
function why(s: ScenarioReport): string {
  const bad = s.verdicts.filter((v) => v.status === s.status).map((v) => v.check);
  if (bad.length > 0) return bad.join(', ');
  if (s.verdicts.length === 0) return s.complete ? 'no check reached a verdict' : 'the run was cut short';
  return s.status;
}

function cut(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}

function ms(value: number): string {
  if (Math.abs(value) >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${Number(value.toFixed(Math.abs(value) < 10 ? 1 : 0))} ms`;
}

function delta(from: number, to: number): string {
  const sign = to >= from ? '+' : '−';
  // Beyond tenfold a factor reads better than a percentage (×385, not +38,400%).
  const factor = from > 0 && to / from >= 10 ? `, ×${Math.round(to / from)}` : undefined;
  const percent = factor ?? (from > 0 ? `, ${sign}${Math.round((Math.abs(to - from) / from) * 100)}%` : '');
  return `${sign}${ms(Math.abs(to - from))}${percent}`;
}
