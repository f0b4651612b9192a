// The detection table, asserted: every deliberately broken build of the reference server fails
// its scenario on the check named for it, with evidence, and the good build passes every
// scenario of the table. This is what makes each check of the suite trustworthy. The journals
// are kept where MCP_CHAOS_SELFTEST_DIR says (scripts/test.sh: for the coverage test).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../harness/cli/report.ts';
import { formatSelfTest, referenceTarget, runSelfTests, type SelfTestReport } from '../harness/index.ts';
import { selfTests } from '../scenarios/selftest.ts';

const kept = process.env.MCP_CHAOS_SELFTEST_DIR;
let reportDir: string;
let report: SelfTestReport;

beforeAll(async () => {
  reportDir = kept ?? (await mkdtemp(join(tmpdir(), 'mcp-chaos-selftest-')));
  report = await runSelfTests(selfTests, {
    runtime: 'local',
    seed: 3,
    reportDir,
    goodTarget: referenceTarget(),
    // Two environments at a time, as `mcp-chaos selftest` runs by default on two cores.
    concurrency: 2,
    progress: (line) => process.stderr.write(`[selftest] ${line}\n`),
  });
  process.stderr.write(`${formatSelfTest(report)}\n`);
}, 1_200_000);

afterAll(async () => {
  if (!kept) await rm(reportDir, { recursive: true, force: true });
});

describe('mcp-chaos selftest on the local runtime', () => {
  it.each(selfTests.map((c) => [c.defect, c.scenario.name, c.check] as const))(
    'defect %s: %s fails on %s, with evidence',
    (defect, scenario, check) => {
      // A defect may have several rows (shedding-off: load-surge and noisy-neighbour).
      const row = report.defects.find((d) => d.defect === defect && d.scenario === scenario);
      expect(row, `no result for ${defect} on ${scenario}`).toBeDefined();
      expect({ check: row?.check, status: row?.status, summary: row?.summary }).toMatchObject({
        check,
        status: 'fail',
      });
      expect(row?.evidence.length).toBeGreaterThan(0);
      expect(row?.caught).toBe(true);
    },
  );

  it("the deploy guard's self-tests: what each broken build did, and the exposure window in calls and seconds", () => {
    const guard = (defect: string) => {
      const row = report.defects.find((d) => d.defect === defect && d.check === 'deployed');
      const window = /exposure window (\d+) calls? in ([\d.]+) s/.exec(row?.summary ?? '');
      expect(window, `${defect}: ${row?.summary}`).not.toBeNull();
      return { summary: row?.summary ?? '', calls: Number(window?.[1]), seconds: Number(window?.[2]) };
    };
    // Never ready: no traffic ever moved to it.
    const crash = guard('crash-on-start');
    expect(crash.summary).toMatch(/aborted: the new build's instance did not become ready/);
    expect(crash.summary).toContain('aborted before any traffic');
    expect([crash.calls, crash.seconds]).toEqual([0, 0]);
    // Slow: the guard's latency threshold rolled it back after some calls.
    const slow = guard('slow-queries');
    expect(slow.summary).toMatch(/rolled back by the guard .*thresholds crossed: call_duration p\(95\)<250/);
    expect(slow.calls).toBeGreaterThan(0);
    expect(slow.seconds).toBeGreaterThan(0);
    // Wrong answers: the guard's correctness or isolation check rolled it back.
    const wrong = guard('tenant-cache-key');
    expect(wrong.summary).toMatch(/rolled back by the guard .*guard breached: (correctAnswers|isolation):/);
    expect(wrong.calls).toBeGreaterThan(0);
    expect(wrong.seconds).toBeGreaterThan(0);
  });

  it('the good build passes every scenario of the table', () => {
    expect(report.goodBuild.map((g) => g.scenario).sort()).toEqual(
      [...new Set(selfTests.map((c) => c.scenario.name))].sort(),
    );
    expect(report.goodBuild.filter((g) => g.status !== 'pass')).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('its report, rendered from the journals, has the table in its own section and every run', async () => {
    const { report: rendered } = await renderReport(reportDir);
    expect(rendered.selfTest?.defects).toEqual(report.defects.map(({ journalPath: _, ...row }) => row));
    expect(rendered.selfTest?.exitCode).toBe(0);
    // One scenario report per run: each defect's, and the good build's of each scenario.
    expect(rendered.scenarios).toHaveLength(report.defects.length + report.goodBuild.length);
    const failedTargets = rendered.scenarios.filter((s) => s.status === 'fail').map((s) => s.target);
    expect(failedTargets.every((t) => /\(defect: |\(deploys defect: /.test(t ?? ''))).toBe(true);
  });
});
