// `mcp-chaos run` with stderr not a terminal (a CI log): milestone lines only — no redraws, no
// per-second lines — enough for a reader to see where a run stopped; `--quiet`: the summary alone.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = 'harness/cli/bin.ts';
/** A carriage return or an ANSI control sequence (erase, cursor moves, colour). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is looked for
const CONTROL = /\r|\u001b\[/;

async function run(...flags: string[]): Promise<{ code: number | null; stderr: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-progress-'));
  const env = { ...process.env };
  delete env.MCP_CHAOS_PROGRESS;
  delete env.NO_COLOR;
  const child = spawn(
    process.execPath,
    [bin, 'run', 'steady-load', '--runtime', 'local', '--report-dir', dir, ...flags],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.resume();
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr, dir };
}

describe('mcp-chaos run, stderr piped', () => {
  it('writes one line per milestone, no redraw and no control sequence, then the summary', async () => {
    const { code, stderr, dir } = await run();
    try {
      expect(code, stderr).toBe(0);
      expect(stderr).not.toMatch(CONTROL);
      expect(stderr).not.toContain('@@mcp-chaos-event');
      const milestones = stderr.split('\n').filter((l) => l.startsWith('[mcp-chaos] '));
      expect(milestones).toEqual([
        '[mcp-chaos] steady-load: started: baseline 5s → steady 6s',
        expect.stringMatching(/^\[mcp-chaos\] steady-load: environment up \(local\) in \d+\.\ds$/),
        '[mcp-chaos] steady-load: phase baseline (5s)',
        expect.stringMatching(
          /^\[mcp-chaos\] steady-load: phase steady \(6s\) · \d+ calls, 0 failed so far$/,
        ),
        expect.stringMatching(/^\[mcp-chaos\] steady-load: PII scan: /),
        expect.stringMatching(/^\[mcp-chaos\] steady-load: ✓ pass in \d+\.\ds · \d+ calls, 0 failed$/),
      ]);
      expect(stderr).toContain('mcp-chaos: ✓ PASS');
      expect(stderr).toContain(`report: ${join(dir, 'report.json')}\n`);
      expect(stderr).toContain(`        ${join(dir, 'junit.xml')}\n`);
      expect(stderr).toContain(`        ${join(dir, 'summary.md')}\n`);
      // The summary once.
      expect(stderr.split('mcp-chaos: ✓ PASS')).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('--quiet: the summary alone', async () => {
    const { code, stderr, dir } = await run('--quiet');
    try {
      expect(code, stderr).toBe(0);
      expect(stderr).not.toMatch(CONTROL);
      expect(stderr).not.toContain('[mcp-chaos]');
      expect(stderr.trimStart().startsWith('mcp-chaos: ✓ PASS')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
