/**
 * A parser for Prometheus' text exposition format (version 0.0.4, what prom-client and most
 * exporters serve), and the OpenMetrics text that is close enough to it (`# EOF`, `# UNIT`).
 * Small on purpose: the one npm package for it has been unmaintained since 2018, and the format
 * is a few line rules (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
import { HarnessError } from '../errors.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface MetricSample {
  /** The sample's own name: for a histogram, `x_bucket`, `x_sum` or `x_count`. */
  name: string;
  labels: Record<string, string>;
  /** May be NaN or ±Infinity: the format allows them. */
  value: number;
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: MetricSample[];
}

const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
// Suffixes by which a sample belongs to the family declared before it.
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_gsum', '_gcount'];
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Families by name, in the order the text declares them. Throws on a line that breaks the format. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  const family = (name: string): MetricFamily => {
    let found = families.get(name);
    if (!found) {
      found = { name, type: 'untyped', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    try {
      if (line.startsWith('#')) {
        const meta = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
        if (!meta) continue; // any other comment, `# EOF`, `# UNIT`
        const [, keyword, name = '', rest = ''] = meta;
        current = family(name);
        if (keyword === 'HELP') current.help = unescapeText(rest, false);
        else if (TYPES.has(rest.trim())) current.type = rest.trim() as MetricType;
        else throw new Error(`unknown metric type '${rest.trim()}'`);
        continue;
      }
      const sample = parseSample(line);
      const owner =
        current && belongsTo(sample.name, current.name) ? current : family(familyName(sample.name, families));
      owner.samples.push(sample);
      current = owner;
    } catch (error) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `line ${i + 1} is not Prometheus text format (${(error as Error).message}): ${line.slice(0, 120)}`,
        { cause: error },
      );
    }
  }
  return families;
}

function belongsTo(sampleName: string, familyName: string): boolean {
  return sampleName === familyName || SUFFIXES.some((s) => sampleName === familyName + s);
}

/** A sample seen outside its family's block still joins a family declared earlier. */
function familyName(sampleName: string, families: Map<string, MetricFamily>): string {
  if (families.has(sampleName)) return sampleName;
  for (const suffix of SUFFIXES) {
    if (sampleName.endsWith(suffix)) {
      const base = sampleName.slice(0, -suffix.length);
      if (families.has(base)) return base;
    }
  }
  return sampleName;
}

/** `name{label="value",…} value [timestamp]` */
export function parseSample(line: string): MetricSample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error('no metric name');
  let rest = line.slice(name.length).trimStart();
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const label = LABEL_NAME.exec(rest)?.[0];
      if (!label) throw new Error('bad label name');
      rest = rest.slice(label.length).trimStart();
      if (!rest.startsWith('=')) throw new Error(`no '=' after label ${label}`);
      rest = rest.slice(1).trimStart();
      if (!rest.startsWith('"')) throw new Error(`label ${label}'s value is not quoted`);
      const end = closingQuote(rest);
      labels[label] = unescapeText(rest.slice(1, end), true);
      rest = rest.slice(end + 1).trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new Error(`expected ',' or '}' after label ${label}`);
    }
  }
  const [value, timestamp, extra] = rest.trim().split(/\s+/);
  if (value === undefined || value === '') throw new Error('no value');
  if (extra !== undefined) throw new Error('more than a value and a timestamp');
  const sample: MetricSample = { name, labels, value: parseValue(value) };
  if (timestamp !== undefined) {
    const ms = Number(timestamp);
    if (!Number.isFinite(ms)) throw new Error(`bad timestamp '${timestamp}'`);
    sample.timestampMs = ms;
  }
  return sample;
}

/** Index of the `"` closing the quoted string `text` starts with, skipping escaped ones. */
function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  throw new Error('unterminated label value');
}

/** Label values escape `\\`, `\"` and `\n`; HELP text escapes `\\` and `\n` only. */
function unescapeText(text: string, quotes: boolean): string {
  return text.replace(/\\(.)/g, (whole, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    if (c === '"' && quotes) return '"';
    return whole;
  });
}

/** A Go float: decimal or exponent notation, `NaN`, `+Inf`, `-Inf`. */
function parseValue(text: string): number {
  switch (text.toLowerCase()) {
    case 'nan':
      return Number.NaN;
    case '+inf':
    case 'inf':
      return Number.POSITIVE_INFINITY;
    case '-inf':
      return Number.NEGATIVE_INFINITY;
  }
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`bad value '${text}'`);
  return value;
}
