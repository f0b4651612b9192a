import type { CheckStatus, DoctorReport } from './schema.ts';

/** How `mcp-chaos doctor` reads in a terminal: the summary's ✓/✗ marks, aligned columns, fixes under each. */
const ANSI = { green: 32, red: 31, yellow: 33, dim: 2, bold: 1 } as const;
type Style = keyof typeof ANSI;

const MARK: Record<CheckStatus, { mark: string; word: string; style: Style }> = {
  ok: { mark: '✓', word: 'ok', style: 'green' },
  missing: { mark: '✗', word: 'MISSING', style: 'red' },
  broken: { mark: '✗', word: 'BROKEN', style: 'red' },
  warn: { mark: '!', word: 'WARN', style: 'yellow' },
};

export function formatDoctor(report: DoctorReport, options: { color?: boolean } = {}): string {
  const paint = (style: Style, text: string) =>
    options.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text;
  const idWidth = Math.max(...report.checks.map((c) => c.id.length));
  const wordWidth = Math.max(...Object.values(MARK).map((m) => m.word.length));
  const lines = ['mcp-chaos doctor', ''];
  for (const check of report.checks) {
    const m = MARK[check.status];
    // Padding before painting: escape codes would otherwise count as width.
    lines.push(
      `  ${paint(m.style, m.mark)} ${check.id.padEnd(idWidth)}  ${paint(m.style, m.word.padEnd(wordWidth))}  ${check.detail}`,
    );
    if (check.status !== 'ok' && check.fix) {
      lines.push(`${' '.repeat(idWidth + wordWidth + 8)}${paint('dim', 'fix:')} ${check.fix}`);
    }
  }
  lines.push('');
  const nameWidth = Math.max(...report.runtimes.map((r) => r.runtime.length)) + 1;
  for (const verdict of report.runtimes) {
    const name = `${verdict.runtime}:`.padEnd(nameWidth);
    if (verdict.ready) {
      lines.push(`  ${name} ${paint('green', '✓ ready')}`);
      continue;
    }
    const n = verdict.fixes.length;
    lines.push(`  ${name} ${paint('red', `✗ not ready (${n} fix${n === 1 ? '' : 'es'})`)}`);
    for (const fix of verdict.fixes) lines.push(`  ${' '.repeat(nameWidth)}   ${fix}`);
  }
  return `${lines.join('\n')}\n`;
}
