import { describe, expect, it } from 'vitest';
import { toJUnit } from './junit.ts';
import { scenarioLabel } from './label.ts';
import { toMarkdown } from './summary-md.ts';
import { comparedRun, mixedRun, scenario, verdict } from './test-run.ts';
import { buildRunReport } from './write.ts';

const cells = (line: string) =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

describe('toMarkdown', () => {
  const report = mixedRun();
  const md = toMarkdown(report);
  const lines = md.split('\n');
  const rows = lines.filter(
    (l) => l.startsWith('| ') && !l.startsWith('| scenario') && !l.startsWith('| ---'),
  );

  it('heads with the worst status and the counts', () => {
    expect(lines[0]).toBe('## ❌ mcp-chaos: 1 passed, 1 failed, 1 inconclusive');
    const passed = toMarkdown(buildRunReport([scenario('s', [verdict('noHangs', 'pass')])]));
    expect(passed.split('\n')[0]).toBe('## ✅ mcp-chaos: 1 passed, 0 failed, 0 inconclusive');
  });

  it('has one table row per scenario with verdict, calls, failed, p95 and failed checks', () => {
    expect(rows.map((r) => cells(r)[0])).toEqual(report.scenarios.map((s) => s.scenario));
    const restart = cells(rows[1] as string);
    expect(restart).toEqual([
      'database-restart',
      '❌ fail',
      '20',
      '2',
      expect.stringMatching(/ms$/),
      'noHangs',
    ]);
    expect(cells(rows[0] as string).slice(1, 4)).toEqual(['✅ pass', '20', '2']);
    expect(cells(rows[0] as string)[5]).toBe('–');
    expect(cells(rows[2] as string)[5]).toBe('driverHealthy (inconclusive)');
  });

  it('lists the failed and inconclusive checks with summaries and evidence collapsed', () => {
    expect(md).toContain('### ❌ database-restart');
    expect(md).toContain('- **noHangs** (fail): 2 calls hung past 1 s');
    expect(md).toContain('<details><summary>evidence (2)</summary>');
    expect(md).toContain('- noHangs: `corr-a` lookup_customer took 1.5 s');
    expect(md).toContain('- noHangs: no id here');
    expect(md).toContain('### ⚠️ load-surge');
    expect(md).toContain('- **driverHealthy** (inconclusive): the driver lagged 2 s');
    expect(md).not.toContain('### ✅');
    expect(md).not.toContain('recoversWithin');
  });

  it('says why a scenario with no verdict at all did not pass', () => {
    const text = toMarkdown(buildRunReport([scenario('cut', [], { complete: false })]));
    expect(text).toContain('### ⚠️ cut');
    expect(text).toContain(
      '- no check reached a verdict: the run was cut short (no end record in the journal)',
    );
  });

  it('keeps a summary with markup or pipes inside its table cell and on one line', () => {
    const run = buildRunReport([scenario('a|b', [verdict('x|y', 'fail', '<script> & |\nnext')])]);
    const text = toMarkdown(run);
    const row = text.split('\n').find((l) => l.startsWith('| a'));
    expect(cells(row as string)).toHaveLength(6);
    expect(text).toContain('- **x\\|y** (fail): &lt;script&gt; &amp; \\| next');
    expect(text).not.toContain('<script>');
  });

  it('stays under 1,000 lines for a 30-scenario run failing five checks each', () => {
    const evidence = Array.from({ length: 50 }, (_, i) => ({ correlationId: `c${i}`, message: `m${i}` }));
    const run = buildRunReport(
      Array.from({ length: 30 }, (_, i) =>
        scenario(
          `s${i}`,
          ['a', 'b', 'c', 'd', 'e'].map((check) => verdict(check, 'fail', 'x', evidence)),
        ),
      ),
    );
    const count = toMarkdown(run).split('\n').length;
    expect(count).toBeLessThan(1000);
    expect(toMarkdown(run)).toContain('evidence (the first 3 per check of 250; all in report.json)');
    expect(toMarkdown(run)).not.toContain('`c3`');
  });

  it('has a "Change since baseline" section under the table: regressions first, then the rest named', () => {
    const text = toMarkdown(comparedRun()).split('\n');
    const at = text.indexOf('### ❌ Change since baseline: 2 regressions, 1 improvement');
    expect(at).toBeGreaterThan(text.findIndex((l) => l.startsWith('| load-surge')));
    expect(at).toBeLessThan(text.indexOf('### ❌ database-restart'));
    expect(text[at + 2]).toMatch(
      /^Against run `run-6` \(rendered 2023-11-14T22:13:20.000Z\) · p95 counts when it grows by 25% and 50 ms/,
    );
    const table = text.slice(at + 4, at + 9);
    expect(table).toEqual([
      '| | scenario | change |',
      '| --- | --- | --- |',
      '| ❌ | steady-load | recovery after restart(postgres): 0 ms → never recovered |',
      '| ❌ | database-restart | noHangs: pass → fail: 2 calls hung past 1 s |',
      '| ✅ | load-surge | driverHealthy: fail → inconclusive |',
    ]);
    expect(text[at + 10]).toBe('Missing (in the baseline, not in this run): gone');
    expect(toMarkdown(mixedRun())).not.toContain('Change since baseline');
  });
});

describe('a self-test run in every format', () => {
  const report = buildRunReport(
    [
      scenario('database-restart', [verdict('noHangs', 'pass')], { target: 'reference' }),
      scenario('database-restart', [verdict('noHangs', 'fail', 'hung')], {
        target: 'reference (defect: pool-timeouts-off)',
      }),
      scenario('steady-load', [verdict('isolation', 'pass')], { target: 'reference' }),
    ],
    {
      selfTest: {
        runtime: 'local',
        seed: 1,
        defects: [
          {
            defect: 'pool-timeouts-off',
            scenario: 'database-restart',
            check: 'noHangs',
            caught: true,
            status: 'fail',
            summary: 'hung',
            evidence: [],
            failedChecks: ['noHangs'],
          },
        ],
        goodBuild: [{ scenario: 'database-restart', status: 'pass', notPassed: [] }],
        exitCode: 0,
      },
    },
  );

  it('heads the Markdown with the table of defects caught', () => {
    const lines = toMarkdown(report).split('\n');
    expect(lines[0]).toBe('## ✅ mcp-chaos self-test: 1 of 1 defects caught, good build passed');
    expect(lines).toContain('| pool-timeouts-off | database-restart | noHangs | ✅ caught |');
    expect(lines).toContain('| none (good build) | database-restart | every check | ✅ passed |');
  });

  it('tells a repeated scenario apart by its target, and only then', () => {
    expect(report.scenarios.map((s) => scenarioLabel(s, report))).toEqual([
      'database-restart [reference]',
      'database-restart [reference (defect: pool-timeouts-off)]',
      'steady-load',
    ]);
    expect(toJUnit(report)).toContain('name="database-restart [reference (defect: pool-timeouts-off)]"');
  });
});
