// The nightly workflow users copy: no YAML parser is a dependency, so its steps are read as the
// text blocks they are (each `- ` item under `steps:`) and checked for what the nightly must do.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../harness/cli/args.ts';

const text = readFileSync(new URL('../.github/workflows/nightly.yml', import.meta.url), 'utf8');
const lines = text.split('\n').filter((l) => !l.trimStart().startsWith('#'));

/** The steps, each its lines joined (a step begins with `- ` at the steps' indentation). */
function steps(): string[] {
  const start = lines.findIndex((l) => l.trim() === 'steps:');
  const indent = (lines[start + 1] ?? '').search(/\S/);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') continue;
    const at = line.search(/\S/);
    if (at < indent) break;
    if (at === indent && line.trimStart().startsWith('- ')) out.push(line);
    else out[out.length - 1] += `\n${line}`;
  }
  return out;
}

const step = (needle: string | RegExp) => {
  const found = steps().filter((s) => (typeof needle === 'string' ? s.includes(needle) : needle.test(s)));
  expect(found, `one step with ${needle}`).toHaveLength(1);
  return found[0] as string;
};

describe('.github/workflows/nightly.yml', () => {
  it('runs every night and on demand, on ubuntu-latest', () => {
    expect(text).toMatch(/^on:\n {2}schedule:\n {4}- cron: ["'](\S+ ){4}\S+["']/m);
    expect(text).toMatch(/^ {2}workflow_dispatch:/m);
    expect(text).toMatch(/^ {4}runs-on: ubuntu-latest$/m);
  });

  it('asks for reading only, and uses no action outside actions/*', () => {
    expect(text).toMatch(/^permissions:\n {2}contents: read\n {2}actions: read\n/m);
    expect(text).not.toMatch(/:\s*write\b/);
    const uses = lines.filter((l) => /^\s*(- )?uses:/.test(l)).map((l) => l.split('uses:')[1]?.trim());
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const u of uses) expect(u).toMatch(/^actions\/[\w-]+@v\d+$/);
  });

  it('checks out, sets up Node 24, installs with npm ci and runs the set-up', () => {
    step('uses: actions/checkout@v4');
    expect(step('uses: actions/setup-node@v4')).toMatch(/node-version: 24\b/);
    step(/run: npm ci$/m);
    step('bash scripts/setup.sh images');
  });

  it('fetches the last successful nightly of the default branch as the baseline, and goes on without one', () => {
    const baseline = step('gh run download');
    expect(baseline).toMatch(/GH_TOKEN: \$\{\{ github\.token \}\}/);
    expect(baseline).toMatch(/gh run list --workflow nightly\.yml --status success/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, verbatim
    expect(baseline).toContain('--branch "${{ github.event.repository.default_branch }}" --limit 1');
    expect(baseline).toContain('--json databaseId');
    expect(baseline).toMatch(/gh run download "\$id" -n mcp-chaos-report -D baseline/);
    expect(baseline).toMatch(/else\n[^\n]*\n\s*rm -rf baseline\n\s*fi/);
  });

  it('lists the regressions since the baseline with report diff, without failing the job by default', () => {
    const diff = step('report diff');
    expect(diff).toContain('node harness/cli/bin.ts report diff baseline reports/nightly');
    expect(diff).toContain('continue-on-error: true');
    expect(diff).toMatch(/if: always\(\) && hashFiles\('baseline\/report\.json'\) != ''/);
    expect(parseCommand(['report', 'diff', 'baseline', 'reports/nightly'])).toMatchObject({
      kind: 'report-diff',
    });
  });

  it('runs the nightly profile on containers, with the baseline when there is one', () => {
    const run = step('harness/cli/bin.ts run');
    const command = run
      .slice(run.indexOf('node harness/cli/bin.ts'))
      .replace(/\\\n\s*/g, '')
      .split('\n')[0] as string;
    expect(command).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell array, verbatim
      'node harness/cli/bin.ts run --profile nightly --runtime containers --report-dir reports/nightly "${baseline[@]}"',
    );
    expect(run).toContain('baseline=(--baseline baseline)');
    // The flags are the CLI's own (the baseline's is checked by its own tests).
    expect(
      parseCommand([
        'run',
        '--profile',
        'nightly',
        '--runtime',
        'containers',
        '--report-dir',
        'reports/nightly',
      ]),
    ).toMatchObject({
      kind: 'run',
      options: { profile: 'nightly', runtime: 'containers', reportDir: 'reports/nightly' },
    });
  });

  it('puts summary.md on the job page and uploads the report for 30 days, whatever the verdict', () => {
    const summary = step('GITHUB_STEP_SUMMARY');
    expect(summary).toMatch(/if: always\(\)/);
    expect(summary).toContain('cat reports/nightly/summary.md >> "$GITHUB_STEP_SUMMARY"');
    const upload = step('uses: actions/upload-artifact@v4');
    expect(upload).toMatch(/if: always\(\)/);
    expect(upload).toMatch(/name: mcp-chaos-report$/m);
    expect(upload).toMatch(/path: reports\/nightly$/m);
    expect(upload).toMatch(/retention-days: 30$/m);
  });
});
