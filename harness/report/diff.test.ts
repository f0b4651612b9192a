import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overallStatus, statusExitCode, type VerdictStatus } from '../checks/index.ts';
import { type Change, comparisonSchema, DEFAULT_TOLERANCE, type ScenarioComparison } from './comparison.ts';
import { compareReports, comparisonLabel, comparisonOf, pair, toleranceWithRatio } from './diff.ts';
import type { RunReport, ScenarioReport } from './schema.ts';
import { scenario, verdict } from './test-run.ts';
import { buildRunReport } from './write.ts';

/** A scenario's comparable parts; the rest (calls, timeline…) is a fixed template's. */
interface Parts {
  name: string;
  checks: [string, VerdictStatus][];
  p95: [string, number | null][];
  recovery: { fault: string; link?: string; ms: number | null }[];
}

const template = scenario('template', []);
const phaseTemplate = template.phases[0] as ScenarioReport['phases'][number];

function scenarioOf(parts: Parts): ScenarioReport {
  const verdicts = parts.checks.map(([check, status]) => verdict(check, status));
  const status = overallStatus(verdicts);
  return {
    ...template,
    scenario: parts.name,
    verdicts,
    status,
    exitCode: statusExitCode(status),
    phases: parts.p95.map(([name, p95]) => ({
      ...phaseTemplate,
      name,
      latencyMs:
        p95 === null || phaseTemplate.latencyMs === null ? null : { ...phaseTemplate.latencyMs, p95 },
    })),
    recovery: parts.recovery.map((r, i) => ({
      fault: r.fault,
      ...(r.link !== undefined ? { link: r.link } : {}),
      healedOffsetMs: 1000 * (i + 1),
      recoveredAfterMs: r.ms,
    })),
  };
}

const run = (...parts: Parts[]): RunReport => buildRunReport(parts.map(scenarioOf), { generatedAt: 1 });
const parts = (name: string, more: Partial<Parts> = {}): Parts => ({
  name,
  checks: [
    ['noHangs', 'pass'],
    ['recoversWithin', 'pass'],
  ],
  p95: [
    ['baseline', 100],
    ['outage', 1000],
  ],
  recovery: [{ fault: 'restart(postgres)', ms: 200 }],
  ...more,
});

const STATUSES: VerdictStatus[] = ['pass', 'inconclusive', 'fail'];
const arbitraryParts: fc.Arbitrary<Parts> = fc.record({
  name: fc.constantFrom('a', 'b', 'c', 'd'),
  checks: fc.uniqueArray(
    fc.tuple(fc.constantFrom('noHangs', 'isolation', 'recoversWithin', 'slo'), fc.constantFrom(...STATUSES)),
    { selector: ([check]) => check, maxLength: 4 },
  ),
  p95: fc.uniqueArray(
    fc.tuple(
      fc.constantFrom('baseline', 'outage', 'recovery'),
      fc.option(fc.double({ min: 0, max: 10_000, noNaN: true }), { nil: null }),
    ),
    { selector: ([name]) => name, maxLength: 3 },
  ),
  recovery: fc.array(
    fc.record(
      {
        fault: fc.constantFrom('restart(postgres)', 'blackhole(target→postgres)'),
        link: fc.constantFrom('target→postgres'),
        ms: fc.option(fc.double({ min: 0, max: 20_000, noNaN: true }), { nil: null }),
      },
      { requiredKeys: ['fault', 'ms'] },
    ),
    { maxLength: 3 },
  ),
});
const arbitraryRun = fc
  .uniqueArray(arbitraryParts, { selector: (p) => p.name, minLength: 1, maxLength: 3 })
  .map((all) => run(...all));

/** What a change is about, without its direction: regressions one way are improvements the other. */
const subject = (c: Change) => `${c.kind}:${c.check ?? c.phase ?? `${c.fault}/${c.link ?? ''}`}`;
const subjects = (cs: Change[]) => cs.map(subject).sort();

describe('compareReports', () => {
  it('finds nothing when a run is compared with itself', () => {
    fc.assert(
      fc.property(arbitraryRun, (report) => {
        const comparison = compareReports(report, report);
        expect(comparison.regressions).toBe(0);
        expect(comparison.improvements).toBe(0);
        expect(comparison.scenarios.every((s) => s.status === 'unchanged')).toBe(true);
      }),
    );
  });

  it('flags a worsened check verdict exactly once, whatever the scenario verdict did', () => {
    fc.assert(
      fc.property(
        arbitraryParts.filter((p) => p.checks.some(([, s]) => s !== 'fail')),
        fc.nat(),
        fc.boolean(),
        (before, pick, toFail) => {
          const candidates = before.checks.flatMap(([, s], i) => (s === 'fail' ? [] : [i]));
          const index = candidates[pick % candidates.length] as number;
          const [check, was] = before.checks[index] as [string, VerdictStatus];
          const now: VerdictStatus = toFail || was === 'inconclusive' ? 'fail' : 'inconclusive';
          const after = { ...before, checks: before.checks.map((c, i) => (i === index ? [check, now] : c)) };
          const comparison = compareReports(run(before as Parts), run(after as Parts));
          expect(comparison.regressions).toBe(1);
          expect(comparison.improvements).toBe(0);
          const [only] = comparison.scenarios;
          expect(only?.status).toBe('regressed');
          expect(only?.regressions[0]).toMatchObject({ kind: 'check', check, old: was, new: now });
        },
      ),
    );
  });

  it('swapping the runs swaps regressions and improvements', () => {
    fc.assert(
      fc.property(arbitraryRun, arbitraryRun, (a, b) => {
        const forth = compareReports(a, b);
        const back = compareReports(b, a);
        expect(back.improvements).toBe(forth.regressions);
        expect(back.regressions).toBe(forth.improvements);
        for (const s of forth.scenarios) {
          const mirror = back.scenarios.find((m) => m.scenario === s.scenario);
          expect(subjects(mirror?.improvements ?? [])).toEqual(subjects(s.regressions));
          expect(subjects(mirror?.regressions ?? [])).toEqual(subjects(s.improvements));
        }
      }),
    );
  });

  it('always yields a valid comparison', () => {
    fc.assert(
      fc.property(arbitraryRun, arbitraryRun, (a, b) => {
        expect(comparisonSchema.safeParse(compareReports(a, b)).success).toBe(true);
      }),
    );
  });

  it('flags p95 only beyond both the ratio and the floor (+25% and +50 ms)', () => {
    const p95 = (baseline: number, now: number) =>
      compareReports(
        run(parts('s', { p95: [['baseline', baseline]] })),
        run(parts('s', { p95: [['baseline', now]] })),
      ).scenarios[0];
    expect(p95(400, 500)?.status).toBe('unchanged'); // +25% exactly: within
    expect(p95(400, 504)?.regressions).toEqual([
      {
        kind: 'p95',
        phase: 'baseline',
        old: 400,
        new: 504,
        message: 'p95 of phase baseline: 400 ms → 504 ms (+104 ms, +26%)',
      },
    ]);
    expect(p95(10, 59)?.status).toBe('unchanged'); // +490% but only +49 ms
    expect(p95(10, 60)?.status).toBe('regressed');
    expect(p95(504, 400)?.improvements.map((c) => c.kind)).toEqual(['p95']);
    expect(p95(5, 4010)?.regressions[0]?.message).toBe(
      'p95 of phase baseline: 5 ms → 4.01 s (+4.00 s, ×802)',
    );
  });

  it('flags recovery beyond +25% and +500 ms, and a recovery that never came', () => {
    const recovery = (baseline: number | null, now: number | null) =>
      compareReports(
        run(parts('s', { recovery: [{ fault: 'restart(postgres)', ms: baseline }] })),
        run(parts('s', { recovery: [{ fault: 'restart(postgres)', ms: now }] })),
      ).scenarios[0];
    expect(recovery(0, 499)?.status).toBe('unchanged');
    expect(recovery(0, 500)?.regressions[0]).toMatchObject({ kind: 'recovery', old: 0, new: 500 });
    expect(recovery(4000, 4999)?.status).toBe('unchanged'); // +999 ms but under +25%
    expect(recovery(4000, 5001)?.status).toBe('regressed');
    expect(recovery(200, null)?.regressions).toEqual([
      {
        kind: 'recovery',
        fault: 'restart(postgres)',
        old: 200,
        new: null,
        message: 'recovery after restart(postgres): 200 ms → never recovered',
      },
    ]);
    expect(recovery(null, 200)?.improvements[0]?.message).toBe(
      'recovery after restart(postgres): never recovered → 200 ms',
    );
    expect(recovery(null, null)?.status).toBe('unchanged');
  });

  it('matches recoveries by fault, link and order', () => {
    const heals = (second: number) => [
      { fault: 'blackhole(target→postgres)', link: 'target→postgres', ms: 0 },
      { fault: 'restart(postgres)', ms: 100 },
      { fault: 'restart(postgres)', ms: second },
    ];
    // The baseline lists the blackhole last: matching is by fault and link, not by position.
    const baseline = run(parts('s', { recovery: [...heals(100).slice(1), ...heals(100).slice(0, 1)] }));
    const comparison = compareReports(baseline, run(parts('s', { recovery: heals(3000) })));
    expect(comparison.scenarios[0]?.regressions.map((c) => c.message)).toEqual([
      'recovery after restart(postgres) (#2): 100 ms → 3.00 s (+2.90 s, ×30)',
    ]);
  });

  it('flags the scenario verdict only when no check change explains it', () => {
    const before = run(parts('s'));
    const cut = run(parts('s', { checks: [] }));
    expect(compareReports(before, cut).scenarios[0]?.regressions).toEqual([
      {
        kind: 'verdict',
        old: 'pass',
        new: 'inconclusive',
        message: 'verdict: pass → inconclusive: no check reached a verdict',
      },
    ]);
    expect(compareReports(cut, before).scenarios[0]?.improvements.map((c) => c.kind)).toEqual(['verdict']);
    // A new check that fails is not matched to anything: the verdict change stands for it.
    const newCheck = run(parts('s', { checks: [...parts('s').checks, ['isolation', 'fail']] }));
    expect(compareReports(before, newCheck).scenarios[0]?.regressions.map((c) => c.message)).toEqual([
      'verdict: pass → fail: isolation',
    ]);
  });

  it("quotes the check's summary in a regression, shortened", () => {
    const long = 'x'.repeat(400);
    const before = buildRunReport([scenario('s', [verdict('noHangs', 'pass')])]);
    const after = buildRunReport([scenario('s', [verdict('noHangs', 'fail', long)])]);
    const [change] = compareReports(before, after).scenarios[0]?.regressions ?? [];
    expect(change?.message.startsWith('noHangs: pass → fail: xxx')).toBe(true);
    expect(change?.message.endsWith('…')).toBe(true);
    expect(change?.message.length).toBeLessThan(200);
  });

  it('lists scenarios only in one run as new or missing, never as regressions', () => {
    const comparison = compareReports(run(parts('a'), parts('gone')), run(parts('a'), parts('added')));
    expect(
      comparison.scenarios.map((s) => [s.scenario, s.status, s.baselineStatus, s.currentStatus]),
    ).toEqual([
      ['a', 'unchanged', 'pass', 'pass'],
      ['added', 'new', null, 'pass'],
      ['gone', 'missing', 'pass', null],
    ]);
    expect(comparison.regressions).toBe(0);
  });

  it('names both runs, the paths given and the tolerance used', () => {
    const baseline = { ...run(parts('s')), runId: 'old-run', generatedAt: 5 };
    const tolerance = toleranceWithRatio(0.5);
    const comparison = compareReports(baseline, run(parts('s')), tolerance, { baseline: '/r/old' });
    expect(comparison.baseline).toEqual({ runId: 'old-run', generatedAt: 5, path: '/r/old' });
    expect(comparison.current).toEqual({ runId: 'run-7', generatedAt: 1 });
    expect(comparison.tolerance).toEqual({ ...DEFAULT_TOLERANCE, p95Ratio: 0.5, recoveryRatio: 0.5 });
    expect(toleranceWithRatio(undefined)).toEqual(DEFAULT_TOLERANCE);
  });
});

describe('matching scenarios by target', () => {
  const on = (target: string, status: VerdictStatus) => ({
    ...scenario('database-restart', [verdict('gracefulErrors', status)], { target }),
  });

  it('matches the same scenario on the same target first, as in two self-tests', () => {
    const baseline = buildRunReport([
      on('reference', 'pass'),
      on('reference (defect: sql-in-errors)', 'fail'),
    ]);
    const current = buildRunReport([
      on('reference', 'pass'),
      on('reference (defect: sql-in-errors)', 'pass'),
    ]);
    const comparison = compareReports(baseline, current);
    expect(comparison.scenarios.map((s) => [s.target, s.status])).toEqual([
      ['reference', 'unchanged'],
      ['reference (defect: sql-in-errors)', 'improved'],
    ]);
    const defect = comparisonOf(comparison, {
      scenario: 'database-restart',
      target: 'reference (defect: sql-in-errors)',
    });
    expect(defect?.status).toBe('improved');
    expect(comparisonLabel(defect as ScenarioComparison, comparison)).toBe(
      'database-restart [reference (defect: sql-in-errors)]',
    );
  });

  it('falls back to the name alone: a good run against a defect run of one scenario', () => {
    const comparison = compareReports(
      buildRunReport([on('reference', 'pass')]),
      buildRunReport([on('reference (defect: sql-in-errors)', 'fail')]),
    );
    expect(comparison.scenarios).toHaveLength(1);
    expect(comparison.scenarios[0]).toMatchObject({
      status: 'regressed',
      target: 'reference (defect: sql-in-errors)',
    });
    expect(comparisonLabel(comparison.scenarios[0] as ScenarioComparison, comparison)).toBe(
      'database-restart',
    );
  });
});

describe('pair', () => {
  it('pairs the k-th of a key with the k-th, the current order first, then what only the old has', () => {
    const key = (s: string) => s[0] as string;
    expect(pair(['a1', 'b1', 'a2', 'c1'], ['b2', 'a3', 'd1'], key)).toEqual([
      { old: 'b1', now: 'b2', index: 0 },
      { old: 'a1', now: 'a3', index: 0 },
      { old: undefined, now: 'd1', index: 0 },
      { old: 'a2', now: undefined, index: 1 },
      { old: 'c1', now: undefined, index: 0 },
    ]);
  });
});
