// The pure part of `npm run bench:env` (bench/env.ts): what the progress lines of an environment
// start and the output of docker/build-images.sh say, the figures over several runs, the goals.
// Kept apart from the processes it measures so that it can be tested on recorded lines.

/** One progress line of Environment.start, with when it arrived (ms since start() was called). */
export interface ProgressLine {
  atMs: number;
  message: string;
}

/** One step of a start: the time from the previous progress line to the line that ends it. */
export interface StartStep {
  step: string;
  ms: number;
}

/**
 * A step's name from its progress line, with what changes between runs (ports, addresses, ids,
 * durations, details in brackets) taken out, so that the same step of two starts has one name.
 */
export function stepLabel(message: string): string {
  const head = /^([A-Za-z][\w -]*?):\s/.exec(message);
  let label = head ? (head[1] as string) : message;
  label = label
    .replace(/\s*\([^)]*\)/g, '')
    .replace(/\s(on|at)\s\S+/g, '')
    .replace(/\sin\s\d+(\.\d+)?\s?ms\b/g, '')
    .replace(/(^|\s)(container|network)\s\S+/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
  return STEP_NAMES[label] ?? label;
}

/**
 * What the time before some lines is spent on, where the line's words do not say it (the
 * Environment prints "links" after starting the host-side services and creating the proxies).
 */
const STEP_NAMES: Record<string, string> = {
  runtime: 'runtime chosen',
  links: 'identity issuer, shipping service, proxies',
  'environment up': 'identities minted',
};

/** The progress lines of one start as steps, in order. */
export function startSteps(lines: readonly ProgressLine[]): StartStep[] {
  let previous = 0;
  return lines.map((line) => {
    const step = { step: stepLabel(line.message), ms: line.atMs - previous };
    previous = line.atMs;
    return step;
  });
}

export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { n: sorted.length, median, min: sorted[0] as number, max: sorted.at(-1) as number };
}

/** A step's median over the starts that had it (`n` of them: some steps happen only at times). */
export interface StepMedian {
  step: string;
  medianMs: number;
  n: number;
}

/** Each step's median over several starts, in the order of its first appearance. */
export function stepMedians(starts: readonly (readonly StartStep[])[]): StepMedian[] {
  const byStep = new Map<string, number[]>();
  for (const steps of starts) {
    // A step printed twice in one start (two containers started alike) counts once, summed.
    const sums = new Map<string, number>();
    for (const s of steps) sums.set(s.step, (sums.get(s.step) ?? 0) + s.ms);
    for (const [step, ms] of sums) byStep.set(step, [...(byStep.get(step) ?? []), ms]);
  }
  return [...byStep].map(([step, values]) => ({
    step,
    medianMs: spread(values)?.median ?? 0,
    n: values.length,
  }));
}

/** The slowest of the steps every start had (one that happens at times, a sweep, is not "the" step). */
export function slowestStep(steps: readonly StepMedian[], starts: number): string | undefined {
  return [...steps].filter((s) => s.n === starts).sort((a, b) => b.medianMs - a.medianMs)[0]?.step;
}

/** One image in one run of docker/build-images.sh. */
export interface ImageTime {
  /** The image's repository (mcp-chaos/target: its lines name it with and without a tag). */
  image: string;
  /** `unfinished`: the script stopped (failed) before it said either. */
  status: 'built' | 'up to date' | 'unfinished';
  /**
   * From the end of the previous image's lines to the end of its own (the script does one image
   * after another): hashing its inputs, staging its context, the build and its checks.
   */
  ms: number;
  /** What the script itself printed ("built in Ns": whole seconds, the build alone). */
  scriptSeconds?: number;
  /** Of `ms`, from its "docker build" line to its "built in" line: the engine's part. */
  dockerBuildMs?: number;
}

/** One line the script printed on stderr, with when it arrived (ms since the script started). */
export interface ScriptLine {
  atMs: number;
  text: string;
}

/** The images of one run of docker/build-images.sh, from its `[images] <image>: …` lines. */
export function parseImageLog(lines: readonly ScriptLine[]): ImageTime[] {
  const images: ImageTime[] = [];
  let previousEnd = 0;
  let currentEnd = 0;
  let dockerBuildStart: number | undefined;
  for (const line of lines) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the script prints its prefix in bold
    const text = line.text.replace(/\x1b\[[0-9;]*m/g, '');
    const match = /^\[images\] (mcp-chaos\/[\w.-]+)(?::[\w.-]+)?: (.*)$/.exec(text);
    if (!match) continue;
    const image = match[1] as string;
    const rest = match[2] as string;
    let entry = images.at(-1);
    if (entry?.image !== image) {
      previousEnd = currentEnd;
      entry = { image, status: 'unfinished', ms: 0 };
      images.push(entry);
    }
    currentEnd = line.atMs;
    entry.ms = currentEnd - previousEnd;
    if (/^docker build\b/.test(rest)) dockerBuildStart = line.atMs;
    const built = /^built in (\d+)s/.exec(rest);
    if (built) {
      entry.status = 'built';
      entry.scriptSeconds = Number(built[1]);
      if (dockerBuildStart !== undefined) entry.dockerBuildMs = line.atMs - dockerBuildStart;
      dockerBuildStart = undefined;
    } else if (/^up to date\b/.test(rest) && entry.status === 'unfinished') {
      entry.status = 'up to date';
    }
  }
  return images;
}

export interface Goal {
  /** What is measured, as the table says it. */
  what: string;
  limitMs: number;
  /** The figure judged (a median, or the one measurement); undefined when it was not measured. */
  ms: number | undefined;
}

export const passed = (goal: Goal): boolean | undefined =>
  goal.ms === undefined ? undefined : goal.ms <= goal.limitMs;

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 100_000 ? 2 : 1)} s`;
}
