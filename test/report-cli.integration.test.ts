// `mcp-chaos report <dir>` as a user runs it: a real run of a short built-in scenario, then
// everything but the journals deleted, and the report rendered anew from them alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunReport, runReportSchema } from '../harness/report/index.ts';

const bin = 'harness/cli/bin.ts';

/** Runs the CLI to its end; killed if the test gives up first, so no run outlives it. */
async function cli(args: string[], children: ChildProcess[]): Promise<{ code: number; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stderr };
}

async function readReport(dir: string): Promise<RunReport> {
  return runReportSchema.parse(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')));
}

/** The report without what depends on when it was generated rather than on the journal. */
function withoutGenerationTime(report: RunReport): Omit<RunReport, 'generatedAt'> {
  const { generatedAt: _, ...rest } = report;
  return {
    ...rest,
    scenarios: report.scenarios.map((s) => {
      const { generatedAt: _, ...meta } = s.meta;
      return { ...s, meta };
    }),
  };
}

describe('mcp-chaos report <dir>', () => {
  it('renders report.json, junit.xml and summary.md anew from the journals alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-report-'));
    const children: ChildProcess[] = [];
    try {
      const ran = await cli(['run', 'steady-load', '--runtime', 'local', '--report-dir', dir], children);
      expect(ran.code, ran.stderr).toBe(0);
      for (const file of ['report.json', 'junit.xml', 'summary.md'])
        expect(existsSync(join(dir, file))).toBe(true);
      const original = await readReport(dir);
      const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
      const summary = await readFile(join(dir, 'summary.md'), 'utf8');
      expect(junit).toContain('<testcase classname="mcp-chaos" name="steady-load"');
      expect(summary).toContain('| steady-load | ✅ pass |');

      // Everything but the journals goes: the run's own files and each scenario's other files.
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) {
          await rm(join(dir, entry.name));
          continue;
        }
        for (const file of await readdir(join(dir, entry.name))) {
          if (file !== 'journal.jsonl') await rm(join(dir, entry.name, file), { recursive: true });
        }
      }
      expect(await readdir(join(dir, 'steady-load'))).toEqual(['journal.jsonl']);
      expect(existsSync(join(dir, 'report.json'))).toBe(false);

      const rendered = await cli(['report', dir], children);
      expect(rendered.code, rendered.stderr).toBe(original.exitCode);
      const again = await readReport(dir);
      expect(again.generatedAt).toBeGreaterThan(original.generatedAt);
      expect(again.schemaVersion).toBe(2);
      // The metadata came from the journal's header, not from the machine that re-rendered it.
      expect(again.versions.toxiproxy).toMatch(/^\d+\.\d+/);
      expect(again.versions.postgres).toMatch(/^\d+/);
      expect(again.host?.cpus).toBeGreaterThan(0);
      expect(again.scenarios[0]?.timeline.buckets.length).toBeGreaterThan(0);
      expect(withoutGenerationTime(again)).toEqual(withoutGenerationTime(original));
      expect(again.scenarios.map((s) => s.verdicts)).toEqual(original.scenarios.map((s) => s.verdicts));
      expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toBe(junit);
      expect(await readFile(join(dir, 'summary.md'), 'utf8')).toBe(summary);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('exits 64 and says what to give when the directory holds no journal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-report-empty-'));
    const children: ChildProcess[] = [];
    try {
      const { code, stderr } = await cli(['report', dir], children);
      expect(code).toBe(64);
      expect(stderr).toContain('holds no <scenario>/journal.jsonl: give the --report-dir of a run');
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
