import { describe, expect, it } from 'vitest';
import { noHangs, runChecks, type ThresholdSpec, thresholds } from '../checks/index.ts';
import { call } from '../checks/test-journal.ts';
import type { CallRecord, JournalRecord } from '../journal/index.ts';
import { buildReport, buildRunReport, percentile } from '../report/index.ts';
import { comparedRun } from '../report/test-run.ts';
import { duration, formatSummary, useColor } from './summary.ts';

const T0 = 1_700_000_000_000;

/** baseline: 100 ok calls of 1..100 ms over two tools; fault: a timeout and a refused connection. */
function journal(): JournalRecord[] {
  const spec: ThresholdSpec = {
    call_duration: ['p(95)<500'],
    call_failed: [{ threshold: 'rate<0.01', abortOnFail: true }],
  };
  const records: JournalRecord[] = [
    {
      type: 'header',
      runId: 'run-1',
      scenario: 'db-restart',
      seed: 42,
      runtime: 'local',
      startedAt: T0,
      versions: { harness: '0.1.0', node: 'v24.21.0' },
      config: { thresholds: spec },
    },
    { type: 'phase', name: 'baseline', event: 'start', at: T0 },
    ...Array.from({ length: 100 }, (_, i) =>
      call({
        at: T0 + i * 10,
        ms: i + 1,
        phase: 'baseline',
        tool: i % 2 ? 'lookup_customer' : 'list_orders',
      }),
    ),
    { type: 'phase', name: 'baseline', event: 'end', at: T0 + 1000 },
    { type: 'phase', name: 'fault', event: 'start', at: T0 + 1000 },
    call({ at: T0 + 1100, ms: 1500, outcome: 'timeout', phase: 'fault' }),
    call({ at: T0 + 1200, ms: 2, outcome: 'transport-error', code: 'ECONNREFUSED', phase: 'fault' }),
    { type: 'phase', name: 'fault', event: 'end', at: T0 + 2000 },
    { type: 'lag', from: T0, to: T0 + 1000, scheduled: 100, maxLagMs: 3, meanLagMs: 1, dropped: 0 },
    { type: 'lag', from: T0 + 1000, to: T0 + 2000, scheduled: 4, maxLagMs: 50, meanLagMs: 26, dropped: 2 },
  ];
  const verdicts = runChecks([noHangs({ maxMs: 1000 }), thresholds(spec)], records);
  return [
    ...records,
    ...verdicts.map((v) => ({ type: 'verdict' as const, ...v })),
    { type: 'end', at: T0 + 2500 },
  ];
}

function run() {
  return buildRunReport([buildReport(journal())]);
}

describe('formatSummary', () => {
  const text = formatSummary(run(), 'reports/report.json');
  const lines = text.split('\n');

  it("lists the run's other report files under report.json", () => {
    const files = ['reports/report.html', 'reports/report.json', 'reports/junit.xml', 'reports/summary.md'];
    const out = formatSummary(run(), 'reports/report.json', { files }).split('\n');
    expect(out.slice(-4)).toEqual([
      'report: reports/report.json',
      '        reports/report.html',
      '        reports/junit.xml',
      '        reports/summary.md',
    ]);
  });

  it('is plain text unless colour is asked for', () => {
    const ESC = '\u001b[';
    expect(text).not.toContain(ESC);
    expect(formatSummary(run(), 'r.json', { color: true })).toContain(`${ESC}31m✗ FAIL${ESC}0m`);
  });

  it('heads the run and each scenario with its status', () => {
    expect(lines[0]).toBe('mcp-chaos: ✗ FAIL (seed 42, exit code 1)');
    expect(lines).toContain('  █ db-restart  ✗ FAIL  local · 2.5s · seed 42 · run run-1');
    expect(lines.at(-1)).toBe('report: reports/report.json');
  });

  it('lists verdicts with ✓/✗ and the first evidence of those that did not pass', () => {
    const verdicts = lines.slice(lines.indexOf('    VERDICTS') + 1, lines.indexOf('    THRESHOLDS') - 1);
    expect(verdicts).toEqual([
      '    ✗ noHangs: 1 of 102 calls ran longer than 1,000 ms or timed out (slowest 1,500 ms).',
      expect.stringMatching(/^ {8}↳ lookup_customer timed out after 1,500 ms \(corr-\d+\)$/),
      '    ✗ thresholds: 1 of 2 thresholds crossed.',
      '        ↳ call_failed: rate<0.01 crossed (actual 0.0196)',
    ]);
  });

  it('lists every threshold under its metric, k6 style', () => {
    const section = lines.slice(lines.indexOf('    THRESHOLDS') + 1, lines.indexOf('    CALLS') - 1);
    expect(section).toEqual([
      '    call_duration',
      "    ✓ 'p(95)<500' p(95)=96.06ms",
      '    call_failed',
      "    ✗ 'rate<0.01' rate=1.96% (abort on fail)",
    ]);
  });

  it('prints the call metrics with dot leaders, per phase and per tool', () => {
    const table = lines.slice(
      lines.indexOf('    CALLS') + 1,
      lines.indexOf('report: reports/report.json') - 1,
    );
    // Every label is led by dots to one column.
    expect(new Set(table.map((l) => l.indexOf(': ')))).toEqual(new Set([33]));
    expect(table.slice(0, 5)).toEqual([
      '    calls........................: 102     51/s',
      '      { phase:baseline }.........: 100     100/s',
      '      { phase:fault }............: 2       2/s',
      '      { tool:list_orders }.......: 50      25/s',
      '      { tool:lookup_customer }...: 52      26/s',
    ]);
    expect(table).toContain('    call_failed..................: 1.96%   ✓ 2   ✗ 100');
    expect(table).toContain('      { phase:fault }............: 100.00% ✓ 2   ✗ 0');
    expect(table).toContain(
      '      { phase:baseline }.........: avg=50.5ms  min=1ms med=50.02ms max=100ms p(90)=90.05ms p(95)=95.04ms p(99)=99.01ms',
    );
    expect(table.find((l) => l.startsWith('    call_duration.'))).toMatch(
      /: avg=64\.24ms min=1ms med=50\.02ms max=1\.5s {2}p\(90\)=91\.01ms p\(95\)=96\.06ms p\(99\)=100\.03ms$/,
    );
    expect(table.find((l) => l.startsWith('    call_service.'))).toBeDefined();
    expect(table.slice(-2)).toEqual([
      '    dropped_calls................: 2 1.92% of 104 scheduled',
      '    driver_lag...................: avg=1.96ms max=50ms windows=2',
    ]);
  });

  it('prints percentiles equal to a recomputation from the journal, within the stated precision', () => {
    const calls = journal().filter((r): r is CallRecord => r.type === 'call');
    const rows: [string, CallRecord[]][] = [
      ['    call_duration.', calls],
      ['      { phase:baseline }.', calls.filter((c) => c.phase === 'baseline')],
      ['      { tool:list_orders }.', calls.filter((c) => c.tool === 'list_orders')],
    ];
    for (const [prefix, subset] of rows) {
      const line = lines.find((l) => l.startsWith(prefix) && l.includes('avg=')) ?? '';
      const sorted = subset.map((c) => c.end - c.intendedStart).sort((a, b) => a - b);
      for (const p of [90, 95, 99]) {
        const printed = new RegExp(`p\\(${p}\\)=([\\d.]+)(ms|s)`).exec(line);
        const ms = Number(printed?.[1]) * (printed?.[2] === 's' ? 1000 : 1);
        const exact = percentile(sorted, p);
        // HDR precision (0.1% + 0.5 µs) plus the two decimals the summary prints.
        expect(Math.abs(ms - exact)).toBeLessThanOrEqual(
          exact * 0.001 + 0.0005 + (printed?.[2] === 's' ? 5 : 0.005),
        );
      }
    }
  });

  it('says so when a scenario made no calls', () => {
    const empty = buildReport(
      [
        {
          type: 'header',
          runId: 'r',
          scenario: 'broken',
          seed: 1,
          runtime: 'local',
          startedAt: T0,
          versions: { harness: '0', node: 'v24' },
          config: {},
        },
      ],
      [{ check: 'harness', status: 'inconclusive', summary: 'no Docker', evidence: [], evidenceTotal: 0 }],
    );
    const out = formatSummary(buildRunReport([empty]), 'r.json').split('\n');
    expect(out).toContain('    ? harness: no Docker');
    expect(out).toContain('    calls...........: 0');
    expect(out).toContain('    call_duration...: no calls');
    expect(out).toContain('    driver_lag......: no lag windows recorded');
  });
});

describe('formatSummary with a baseline', () => {
  it('ends with a "vs baseline" block: regressed scenarios first, each change on its line', () => {
    const lines = formatSummary(comparedRun(), 'r.json').split('\n');
    const at = lines.findIndex((l) => l.startsWith('  █ vs baseline'));
    expect(lines[at]).toBe(
      '  █ vs baseline  ✗ 2 regressions, 1 improvement  run run-6 (/reports/run-6) · tolerance: p95 +25% and +50 ms, recovery +25% and +500 ms',
    );
    expect(lines.slice(at + 2, at + 10)).toEqual([
      '    ✗ steady-load  regressed',
      '        ✗ recovery after restart(postgres): 0 ms → never recovered',
      '    ✗ database-restart  regressed  pass → fail',
      '        ✗ noHangs: pass → fail: 2 calls hung past 1 s',
      '    ✓ load-surge  improved  fail → inconclusive',
      '        ✓ driverHealthy: fail → inconclusive',
      '    − gone  missing: not in this run',
      '',
    ]);
    expect(lines[at + 10]).toContain('regressions do not change the exit code');
    expect(lines.at(-1)).toBe('report: r.json');
  });
});

describe('duration', () => {
  it.each([
    [0, '0s'],
    [0.51237, '512.37µs'],
    [10.1749, '10.17ms'],
    [1200, '1.2s'],
    [63_500, '1m3.5s'],
    [119_999, '2m0s'],
    [3_723_000, '1h2m3s'],
  ])('prints %d ms as %s, as k6 does', (ms, expected) => {
    expect(duration(ms)).toBe(expected);
  });
});

describe('useColor', () => {
  it('colours a terminal only, and never with NO_COLOR or a dumb TERM', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true); // set but empty: no-color.org says ignore
    expect(useColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
