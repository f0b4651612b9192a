import type { VerdictStatus } from '../checks/index.ts';
import type {
  CallStats,
  LatencySummary,
  RunReport,
  ScenarioReport,
  ThresholdReport,
} from '../report/index.ts';
import { scenarioLabel } from '../report/index.ts';
import { formatComparison } from './comparison.ts';

/**
 * The end-of-run summary a person reads in the terminal or the CI log, in k6's style: per
 * scenario the verdicts and thresholds with ✓/✗, then the call metrics with dot leaders —
 * `calls`, `call_failed`, `call_duration` (latency: from the intended start) and `call_service`
 * (from the actual start) — each with `{ phase:… }` and `{ tool:… }` sub-lines, then the
 * driver's dropped calls and lag. Colour only when asked (see `useColor`).
 */
export interface SummaryOptions {
  color?: boolean;
  /** Evidence items shown under a verdict that did not pass (default 3). */
  evidence?: number;
  /** The run's other report files (report.html, junit.xml, summary.md…), listed under report.json. */
  files?: readonly string[];
}

/** Colour when writing to a terminal, unless NO_COLOR is set (https://no-color.org) or TERM is dumb. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

const ANSI = { green: 32, red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
type Paint = (style: keyof typeof ANSI, text: string) => string;

const MARK: Record<VerdictStatus, { mark: string; word: string; style: keyof typeof ANSI }> = {
  pass: { mark: '✓', word: 'PASS', style: 'green' },
  fail: { mark: '✗', word: 'FAIL', style: 'red' },
  inconclusive: { mark: '?', word: 'INCONCLUSIVE', style: 'yellow' },
};

export function formatSummary(report: RunReport, reportPath: string, options: SummaryOptions = {}): string {
  const paint: Paint = options.color
    ? (style, text) => `\u001b[${ANSI[style]}m${text}\u001b[0m`
    : (_style, text) => text;
  const status = MARK[report.status];
  const lines = [
    `mcp-chaos: ${paint(status.style, `${status.mark} ${status.word}`)} (seed ${report.seed}, exit code ${report.exitCode})`,
  ];
  for (const scenario of report.scenarios) {
    lines.push('', ...scenarioBlock(scenario, scenarioLabel(scenario, report), paint, options.evidence ?? 3));
  }
  if (report.comparison) {
    lines.push('', ...formatComparison(report.comparison, { color: options.color ?? false }));
    if (report.comparison.regressions > 0)
      lines.push(
        '',
        paint(
          'dim',
          '    (regressions do not change the exit code: `mcp-chaos report diff` exits 1 on them)',
        ),
      );
  }
  lines.push('', `report: ${reportPath}`);
  for (const file of options.files ?? []) if (file !== reportPath) lines.push(`        ${file}`);
  return lines.join('\n');
}

function scenarioBlock(s: ScenarioReport, name: string, paint: Paint, evidence: number): string[] {
  const status = MARK[s.status];
  const facts = [s.runtime, seconds(s.durationMs), `seed ${s.seed}`, `run ${s.runId}`];
  if (!s.complete) facts.push('journal cut short');
  const lines = [
    `  █ ${paint('bold', name)}  ${paint(status.style, `${status.mark} ${status.word}`)}  ${paint('dim', facts.join(' · '))}`,
    '',
    `    ${paint('bold', 'VERDICTS')}`,
  ];
  if (s.verdicts.length === 0) lines.push(`    ${paint('yellow', '?')} no verdicts: the run checked nothing`);
  for (const v of s.verdicts) {
    const mark = MARK[v.status];
    lines.push(`    ${paint(mark.style, mark.mark)} ${v.check}: ${v.summary}`);
    if (v.status === 'pass') continue;
    const shown = v.evidence.slice(0, evidence);
    for (const e of shown) {
      lines.push(
        `        ${paint('dim', '↳')} ${e.message}${e.correlationId ? paint('dim', ` (${e.correlationId})`) : ''}`,
      );
    }
    if (v.evidenceTotal > shown.length)
      lines.push(`        ${paint('dim', `… and ${v.evidenceTotal - shown.length} more`)}`);
  }
  if (s.thresholds.length > 0)
    lines.push('', `    ${paint('bold', 'THRESHOLDS')}`, ...thresholdLines(s.thresholds, paint));
  lines.push('', `    ${paint('bold', 'CALLS')}`, ...metricLines(s, paint));
  return lines;
}

function thresholdLines(thresholds: readonly ThresholdReport[], paint: Paint): string[] {
  const lines: string[] = [];
  let metric: string | undefined;
  for (const t of thresholds) {
    if (t.metric !== metric) {
      metric = t.metric;
      lines.push(`    ${metric}`);
    }
    const mark = t.ok === null ? MARK.inconclusive : t.ok ? MARK.pass : MARK.fail;
    const actual =
      t.actual === null ? 'no calls matched' : `${t.aggregation}=${paint('cyan', value(t.actual, t.unit))}`;
    const abort = t.abortOnFail ? paint('dim', ' (abort on fail)') : '';
    lines.push(`    ${paint(mark.style, mark.mark)} '${t.threshold}' ${actual}${abort}`);
  }
  return lines;
}

/** One row of the metrics table: a label and its cells, aligned with the other rows of its kind. */
interface Row {
  label: string;
  /** Rows of one kind (counts, trends) align their columns; a row of its own kind stands alone. */
  kind: string;
  cells: { key?: string; value: string; style?: keyof typeof ANSI }[];
}

function metricLines(s: ScenarioReport, paint: Paint): string[] {
  const subsets: { label: string; stats: CallStats }[] = [
    ...s.phases.map((p) => ({ label: `  { phase:${p.name} }`, stats: p as CallStats })),
    ...s.tools.map((t) => ({ label: `  { tool:${t.tool} }`, stats: t as CallStats })),
  ];
  const withSubsets = (name: string, row: (stats: CallStats) => Row['cells']): Row[] => {
    const kind = name === 'calls' || name === 'call_failed' ? 'count' : 'trend';
    return [
      { label: name, kind, cells: row(s.total) },
      ...subsets.map(({ label, stats }) => ({ label, kind, cells: row(stats) })),
    ];
  };
  const rows: Row[] = [
    ...withSubsets('calls', (c) => [
      { value: String(c.calls), style: 'cyan' },
      ...(c.ratePerSecond === null
        ? []
        : [{ value: `${number(c.ratePerSecond)}/s`, style: 'cyan' as const }]),
    ]),
    // k6's rate line: the share of true values, ✓ how many were true (failed), ✗ how many were not.
    ...withSubsets('call_failed', (c) => [
      { value: c.calls === 0 ? '-' : percent(c.failed / c.calls), style: 'cyan' },
      { key: '✓', value: String(c.failed), style: 'cyan' },
      { key: '✗', value: String(c.calls - c.failed), style: 'cyan' },
    ]),
    ...withSubsets('call_duration', (c) => trend(c.latencyMs)),
    ...withSubsets('call_service', (c) => trend(c.serviceMs)),
    ...driverRows(s),
  ];
  return render(rows, paint);
}

function trend(summary: LatencySummary): Row['cells'] {
  if (summary === null) return [{ value: 'no calls' }];
  const { mean, min, p50, max, p90, p95, p99 } = summary;
  return (
    [
      ['avg', mean],
      ['min', min],
      ['med', p50],
      ['max', max],
      ['p(90)', p90],
      ['p(95)', p95],
      ['p(99)', p99],
    ] as const
  ).map(([key, ms]) => ({ key, value: duration(ms), style: 'cyan' as const }));
}

function driverRows(s: ScenarioReport): Row[] {
  const lag = s.lag;
  if (lag === null)
    return [{ label: 'driver_lag', kind: 'lag', cells: [{ value: 'no lag windows recorded' }] }];
  const dropped =
    lag.scheduled === 0 ? '' : ` ${percent(lag.dropped / lag.scheduled)} of ${lag.scheduled} scheduled`;
  return [
    {
      label: 'dropped_calls',
      kind: 'dropped',
      cells: [{ value: `${lag.dropped}`, style: 'cyan' }, { value: dropped.trim() }],
    },
    {
      label: 'driver_lag',
      kind: 'lag',
      cells: [
        { key: 'avg', value: duration(lag.meanLagMs), style: 'cyan' },
        { key: 'max', value: duration(lag.maxLagMs), style: 'cyan' },
        { key: 'windows', value: String(lag.windows), style: 'cyan' },
      ],
    },
  ];
}

/** Dot leaders to one width, and each column as wide as its widest cell among rows of a kind. */
function render(rows: readonly Row[], paint: Paint): string[] {
  const labelWidth = Math.max(...rows.map((r) => r.label.length)) + 3;
  const widths = new Map<string, number[]>();
  for (const row of rows) {
    const w = widths.get(row.kind) ?? [];
    row.cells.forEach((cell, i) => {
      w[i] = Math.max(w[i] ?? 0, plain(cell).length);
    });
    widths.set(row.kind, w);
  }
  return rows.map((row) => {
    const w = widths.get(row.kind) ?? [];
    const cells = row.cells.map((cell, i) => {
      const text =
        cell.key === undefined ? '' : cell.key === '✓' || cell.key === '✗' ? `${cell.key} ` : `${cell.key}=`;
      const styled = `${text}${cell.style ? paint(cell.style, cell.value) : cell.value}`;
      const last = i === row.cells.length - 1;
      return last ? styled : styled + ' '.repeat((w[i] ?? 0) - plain(cell).length);
    });
    const dots = '.'.repeat(labelWidth - row.label.length);
    return `    ${row.label}${paint('dim', dots)}: ${cells.join(' ')}`;
  });
}

function plain(cell: Row['cells'][number]): string {
  if (cell.key === undefined) return cell.value;
  return cell.key === '✓' || cell.key === '✗' ? `${cell.key} ${cell.value}` : `${cell.key}=${cell.value}`;
}

function value(actual: number, unit: ThresholdReport['unit']): string {
  if (unit === 'ms') return duration(actual);
  if (unit === 'ratio') return percent(actual);
  return number(actual);
}

/** As k6 prints durations: 512.37µs, 10.17ms, 1.2s, 1m3.5s, 1h2m0s. */
export function duration(ms: number): string {
  if (ms < 0) return `-${duration(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 1) return `${trim(ms * 1000)}µs`;
  if (ms < 1000) return `${trim(ms)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  // Round once, to hundredths of a second, so that 1m59.999s reads 2m0s and not 1m60s.
  const centis = Math.round(ms / 10);
  const hours = Math.floor(centis / 360_000);
  const minutes = Math.floor((centis % 360_000) / 6000);
  const rest = `${minutes}m${trim((centis % 6000) / 100)}s`;
  return hours > 0 ? `${hours}h${rest}` : rest;
}

function trim(n: number): string {
  return String(Number(n.toFixed(2)));
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

function number(n: number): string {
  return Number.isInteger(n) ? String(n) : n < 1 ? String(Number(n.toPrecision(2))) : trim(n);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
