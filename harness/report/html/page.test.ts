import { describe, expect, it } from 'vitest';
import type { RunReport } from '../schema.ts';
import { mixedRun, scenario, verdict } from '../test-run.ts';
import { buildRunReport } from '../write.ts';
import { readComparison, scenarioRegressions } from './comparison.ts';
import { pageData } from './data.ts';
import { toHtml } from './page.ts';

const hostile = '</script><script>window.pwned=1</script>';
const report = buildRunReport([
  scenario('steady-load', [verdict('noHangs', 'pass')]),
  scenario('database-restart', [
    verdict('noHangs', 'fail', '2 calls hung <b>past</b> 1 s', [
      { correlationId: hostile, message: 'took 1.5 s & more' },
      { correlationId: 'corr-b', message: 'lookup_customer took 1.2 s' },
    ]),
  ]),
]);
const html = toHtml(report);
const embedded = (page: string) => {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
  return JSON.parse(match?.[1] ?? 'null');
};

describe('toHtml', () => {
  it('is one self-contained file: no external script, style, image, font or link', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain('<link rel="icon" href="data:,">');
    // uPlot itself is inlined, not referenced.
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=/i);
  });

  it('escapes report text: a correlation id cannot close the data element or inject markup', () => {
    expect(html).not.toContain(hostile);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(html).toContain('2 calls hung &lt;b&gt;past&lt;/b&gt; 1 s');
    expect(html.match(/<script/g)?.length).toBe(3); // data, uPlot, client
  });

  it('embeds the chart data as JSON equal to pageData', () => {
    expect(embedded(html)).toEqual(JSON.parse(JSON.stringify(pageData(report))));
  });

  it('lists every scenario in the overview with its verdict spelled out, linking to its section', () => {
    for (const [i, s] of report.scenarios.entries()) {
      const row = new RegExp(
        `<tr data-scenario="${s.scenario}" data-status="${s.status}">\\s*<td><a href="#s${i}-${s.scenario}">${s.scenario}</a></td><td><span class="badge status-${s.status}">. ${s.status}</span>`,
      );
      expect(html).toMatch(row);
      expect(html).toContain(`<section class="scenario" id="s${i}-${s.scenario}"`);
    }
  });

  it('puts a failed check’s evidence, correlation ids shown, in a collapsed block', () => {
    expect(html).toMatch(
      /<li class="check status-fail" data-check="noHangs">[\s\S]*?<details class="evidence"><summary>Evidence \(2\)<\/summary><ul><li><code class="cid">[^<]*&lt;\/script/,
    );
    expect(html).toContain('<code class="cid">corr-b</code> lookup_customer took 1.2 s');
  });

  it('shows the self-test section only when the report has one', () => {
    expect(html).not.toContain('id="self-test"');
    const withSelfTest = toHtml({
      ...report,
      selfTest: {
        runtime: 'local',
        seed: 1,
        defects: [
          {
            defect: 'sql-in-errors',
            scenario: 'database-restart',
            check: 'gracefulErrors',
            caught: false,
            status: 'pass',
            summary: 'no leak seen',
            evidence: [],
            failedChecks: [],
          },
        ],
        goodBuild: [{ scenario: 'database-restart', status: 'pass', notPassed: [] }],
        exitCode: 1,
      },
    });
    expect(withSelfTest).toMatch(/<section id="self-test"><h2>Self-test <span class="badge status-fail">/);
    expect(withSelfTest).toContain(
      '<td>sql-in-errors</td><td>database-restart</td><td>gracefulErrors</td><td>✗ <strong>missed</strong></td>',
    );
  });
});

describe('comparison with a baseline', () => {
  const compared = (comparison: unknown) => ({ ...mixedRun(), comparison }) as RunReport;
  const ok = {
    baseline: { runId: 'old-run', generatedAt: 1_700_000_000_000 },
    regressions: 1,
    scenarios: [
      {
        scenario: 'database-restart',
        regressions: [
          { kind: 'verdict', old: 'pass', new: 'fail', message: 'noHangs went from pass to fail' },
        ],
      },
    ],
  };

  it('adds a vs-baseline column and lists each scenario’s regressions', () => {
    const page = toHtml(compared(ok));
    expect(page).toContain('<th>vs baseline</th>');
    expect(page).toContain('Compared with baseline run <code>old-run</code>');
    const row = (name: string) =>
      new RegExp(`<tr data-scenario="${name}"[^>]*>([\\s\\S]*?)</tr>`).exec(page)?.[1];
    expect(row('database-restart')).toMatch(/<td><span class="regressed">1 regression<\/span><\/td>$/);
    expect(page).toContain('<span class="regressed">regression</span> noHangs went from pass to fail');
    expect(row('steady-load')).toMatch(/<td>no regression<\/td>$/);
  });

  it('gives each run of a repeated scenario its own regressions, matched by target', () => {
    const view = readComparison(
      compared({
        ...ok,
        scenarios: [
          { scenario: 'db', target: 'good', regressions: [] },
          {
            scenario: 'db',
            target: 'broken',
            regressions: [{ kind: 'check', old: 'pass', new: 'fail', message: 'x' }],
          },
        ],
      }),
    );
    expect(scenarioRegressions(view, { scenario: 'db', target: 'good' })).toEqual([]);
    expect(scenarioRegressions(view, { scenario: 'db', target: 'broken' })).toHaveLength(1);
    // Named once: matched by name alone (a good run compared with a defect run of it).
    expect(
      scenarioRegressions(readComparison(compared(ok)), { scenario: 'database-restart', target: 'x' }),
    ).toHaveLength(1);
  });

  it('renders a report without one, or with a shape it does not know, without the column', () => {
    expect(readComparison(mixedRun())).toEqual({ kind: 'none' });
    expect(toHtml(mixedRun())).not.toContain('vs baseline');
    const odd = compared({ baseline: 'yesterday' });
    expect(readComparison(odd).kind).toBe('unreadable');
    const page = toHtml(odd);
    expect(page).not.toContain('<th>vs baseline</th>');
    expect(page).toContain('has a comparison this page cannot read (baseline:');
  });
});
