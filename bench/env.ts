// `npm run bench:env`: how long an environment takes to start and stop on each runtime, and how
// long docker/build-images.sh takes, beside the goals of issue 6 (local start <= 2 s, containers
// start <= 10 s with the images built, images from nothing <= 3 min, unchanged rebuild <= 5 s).
//
// Starts: for each runtime, --runs fresh Node processes (bench/env-start.ts) each start an
// environment (the default one: the reference server, its dataset loaded, identities minted —
// "ready" is Environment.start() resolving) --starts times, stopping it before the next. A
// process's first start is the cold one: nothing of the harness was loaded before it (the
// import is timed apart, and the time from the process's own start is shown beside); the later
// starts are warm (JIT warm, binaries in the page cache). Each start is broken down by its
// progress lines: a step is the time from the previous line to its own, so that the slowest
// step shows. The goals judge the medians of start(); the containers runtime is skipped, and
// says why, when no Docker engine answers or its images are missing.
//
// Images: docker/build-images.sh is run as it is (whatever it finds out of date, it builds),
// then --runs times more with nothing changed ("unchanged rebuild"), then once on a temp copy of
// src/ with one comment changed, built under another image name (MCP_CHAOS_TARGET_SRC and
// MCP_CHAOS_TARGET_IMAGE) so that the real target image is untouched, and that image removed
// after ("source changed"). --from-nothing first removes the project's images (base, postgres,
// toxiproxy, target) and the staged production node_modules, and times the script building them
// all again (minutes, and it needs root for debootstrap); the run ends with every image present.
// Each image's time is read from the script's lines as they arrive.
//
// Options: --runs 3, --starts 3, --runtimes local,containers, --no-images (starts only),
// --from-nothing, --json FILE (the figures), --no-fail (report only: exit 0 when a goal fails).
// Exit code: 1 a goal failed, 2 a measurement could not be taken (a start or a build failed).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, promisify } from 'node:util';
import { dockerEngineAnswers } from '../harness/runtime/select.ts';
import {
  fmtMs,
  type Goal,
  type ImageTime,
  type ProgressLine,
  parseImageLog,
  passed,
  type ScriptLine,
  type Spread,
  type StepMedian,
  slowestStep,
  spread,
  startSteps,
  stepMedians,
} from './env-report.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    starts: { type: 'string', default: '3' },
    runtimes: { type: 'string', default: 'local,containers' },
    'no-images': { type: 'boolean', default: false },
    'from-nothing': { type: 'boolean', default: false },
    json: { type: 'string' },
    'no-fail': { type: 'boolean', default: false },
  },
});
const RUNS = positive('runs');
const STARTS = positive('starts');
const RUNTIMES = values.runtimes
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const r of RUNTIMES) {
  if (r !== 'local' && r !== 'containers') fail(`--runtimes: ${r} is not a runtime (local, containers)`);
}

/** The goals of issue 6, acceptance 4. */
const GOAL_MS = { local: 2_000, containers: 10_000, fromNothing: 180_000, unchanged: 5_000 };
/** A start that takes this long has hung: its process is stopped and the runtime reported failed. */
const RUN_TIMEOUT_MS = { local: 60_000, containers: 240_000 };
/** The images build-images.sh makes (their repositories; a tag is whatever the script gives). */
const IMAGE_REPOS = ['mcp-chaos/base', 'mcp-chaos/postgres', 'mcp-chaos/toxiproxy', 'mcp-chaos/target'];
const CONTAINERS_IMAGES = ['mcp-chaos/postgres:18', 'mcp-chaos/toxiproxy:2.12.0', 'mcp-chaos/target:latest'];

const root = join(import.meta.dirname, '..');
const script = join(root, 'docker', 'build-images.sh');
const say = (line: string) => process.stdout.write(`${line}\n`);
const run = promisify(execFile);

/**
 * Ctrl-C: the child that runs now is told (it stops its environment, the script its build), the
 * temp image and copy are removed, and the benchmark ends with 130 instead of going on.
 */
let interrupted = false;
const children = new Set<ChildProcess>();
process.on('SIGINT', () => {
  interrupted = true;
  for (const child of children) child.kill('SIGINT');
});

/** Runs `child` to its end (tracked for Ctrl-C), giving its exit code. */
async function exitOf(child: ChildProcess): Promise<number | null> {
  children.add(child);
  try {
    return await new Promise<number | null>((resolve) => child.on('close', resolve));
  } finally {
    children.delete(child);
  }
}

function fail(message: string): never {
  process.stderr.write(`bench:env: ${message}\n`);
  process.exit(2);
}

function positive(name: 'runs' | 'starts'): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number >= 1, not ${values[name]}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Starts

interface StartRecord {
  index: number;
  readyMs: number;
  sinceProcessStartMs: number;
  importMs: number;
  stopMs: number;
  progress: ProgressLine[];
}

interface RuntimeResult {
  runtime: string;
  skipped?: string;
  error?: string;
  /** Every start of every run, in order (index 0 of each run is its cold start). */
  runs: StartRecord[][];
  cold?: Spread;
  coldFromProcessStart?: Spread;
  importMs?: Spread;
  warm?: Spread;
  stop?: Spread;
  steps?: { cold: StepMedian[]; warm: StepMedian[] };
}

/** One fresh process: its starts, or why it failed (with its last lines). */
async function startRun(runtime: 'local' | 'containers'): Promise<StartRecord[]> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'env-start.ts'), '--runtime', runtime, '--starts', String(STARTS)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const records: StartRecord[] = [];
  const stderr: string[] = [];
  let error: string | undefined;
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 40) stderr.shift();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let record: { type?: string; message?: string; code?: string } & Partial<StartRecord>;
    try {
      record = JSON.parse(line);
    } catch {
      stderr.push(line);
      return;
    }
    if (record.type === 'start') {
      records.push(record as StartRecord);
      say(
        `    ${record.index === 0 ? 'cold' : 'warm'} start ${fmtMs(record.readyMs)} ` +
          `(${fmtMs(record.sinceProcessStartMs)} since the process began), stop ${fmtMs(record.stopMs)}`,
      );
    } else if (record.type === 'error') {
      error = `${record.code ?? 'error'}: ${record.message}`;
    }
  });
  const timer = setTimeout(() => child.kill('SIGINT'), RUN_TIMEOUT_MS[runtime]);
  const code = await exitOf(child);
  clearTimeout(timer);
  if (code !== 0 || records.length < STARTS) {
    throw new Error(
      `${runtime}: the start process exited with ${code}${error ? ` (${error})` : ''} after ${records.length} of ${STARTS} starts` +
        (stderr.length > 0 ? `; its last lines:\n${stderr.slice(-15).join('\n')}` : ''),
    );
  }
  return records;
}

async function missingImages(): Promise<string[]> {
  const missing: string[] = [];
  for (const image of CONTAINERS_IMAGES) {
    try {
      await run('docker', ['image', 'inspect', image], { timeout: 10_000 });
    } catch {
      missing.push(image);
    }
  }
  return missing;
}

async function benchRuntime(runtime: 'local' | 'containers'): Promise<RuntimeResult> {
  const result: RuntimeResult = { runtime, runs: [] };
  if (runtime === 'containers') {
    if (!(await dockerEngineAnswers())) {
      result.skipped = 'no Docker engine answers (bash scripts/ensure-docker.sh start, as root)';
      return result;
    }
    const missing = await missingImages();
    if (missing.length > 0) {
      result.skipped = `images missing: ${missing.join(', ')} (bash docker/build-images.sh)`;
      return result;
    }
  }
  say(`- ${runtime}: ${RUNS} processes, ${STARTS} starts each`);
  // A failed process is reported, and the figures come from the others: one start that another
  // process of this machine disturbed should not hide what the rest measured.
  const errors: string[] = [];
  for (let i = 0; i < RUNS && !interrupted; i++) {
    try {
      result.runs.push(await startRun(runtime));
    } catch (error) {
      errors.push((error as Error).message);
      say(`    ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) result.error = `${errors.length} of ${RUNS} processes failed: ${errors.join('; ')}`;
  if (result.runs.length === 0) return result;
  const cold = result.runs.map((r) => r[0] as StartRecord);
  const warm = result.runs.flatMap((r) => r.slice(1));
  result.cold = spread(cold.map((s) => s.readyMs));
  result.coldFromProcessStart = spread(cold.map((s) => s.sinceProcessStartMs));
  result.importMs = spread(cold.map((s) => s.importMs));
  result.warm = spread(warm.map((s) => s.readyMs));
  result.stop = spread(result.runs.flat().map((s) => s.stopMs));
  result.steps = {
    cold: stepMedians(cold.map((s) => startSteps(s.progress))),
    warm: stepMedians(warm.map((s) => startSteps(s.progress))),
  };
  return result;
}

// ---------------------------------------------------------------------------------------------
// Images

interface ScriptRun {
  ms: number;
  code: number | null;
  images: ImageTime[];
  lines: ScriptLine[];
}

async function buildImages(env: Record<string, string> = {}): Promise<ScriptRun> {
  const t0 = performance.now();
  const child = spawn('bash', [script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ScriptLine[] = [];
  const collect = (text: string) => {
    lines.push({ atMs: performance.now() - t0, text });
    say(`      ${text}`);
  };
  createInterface({ input: child.stderr }).on('line', collect);
  createInterface({ input: child.stdout }).on('line', collect);
  const code = await exitOf(child);
  return { ms: performance.now() - t0, code, images: parseImageLog(lines), lines };
}

const REBUILD_HINT = 'rebuild them with: bash docker/build-images.sh';

async function imageTags(): Promise<string[]> {
  const { stdout } = await run('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
  return stdout.split('\n').filter((tag) => IMAGE_REPOS.includes(tag.slice(0, tag.lastIndexOf(':'))));
}

/**
 * The project's images removed. Another process may be running a container of one (a test of
 * another worktree): its removal is retried for a while, then forced — a forced removal only
 * takes the tag away from a running container's image, it does not stop the container.
 */
async function removeImages(): Promise<void> {
  for (const tag of await imageTags()) {
    for (let attempt = 1; ; attempt++) {
      try {
        await run('docker', ['image', 'rm', ...(attempt > 12 ? ['--force'] : []), tag], { timeout: 60_000 });
        say(`    removed ${tag}`);
        break;
      } catch (error) {
        if (attempt > 12) throw error;
        if (attempt === 1) say(`    ${tag} is in use; waiting for it (then forced)…`);
        await sleep(5_000);
      }
    }
  }
  // The staged production node_modules too: a build from nothing stages them again.
  await rm(join(root, '.cache', 'images', 'target-deps'), { recursive: true, force: true });
}

/**
 * Why the base image could not be built from nothing here, checked before anything is removed:
 * debootstrap, root, and the Debian mirror the script reads from the apt sources.
 */
async function fromNothingBlocked(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'debootstrap needs root to build mcp-chaos/base';
  try {
    await run('bash', ['-c', 'command -v debootstrap']);
  } catch {
    return 'debootstrap is missing: apt-get install debootstrap';
  }
  const { stdout } = await run('bash', [
    '-c',
    "grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2; exit}'; grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2; exit}'",
  ]).catch(() => ({ stdout: '' }));
  const mirror = stdout.split('\n').find(Boolean);
  if (!mirror) return 'no Debian mirror in /etc/apt/sources.list{,.d/*.sources}';
  const release = `${mirror.replace(/\/$/, '')}/dists/bookworm/Release`;
  try {
    const response = await fetch(release, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return `the Debian mirror answers ${response.status} for ${release}`;
  } catch (error) {
    return `the Debian mirror does not answer (${release}: ${(error as Error).message})`;
  }
  return undefined;
}

/** A temp copy of src/ with one comment changed: the target's sources changed, nothing else. */
async function changedSources(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-bench-env-'));
  await cp(join(root, 'src'), join(dir, 'src'), { recursive: true });
  const main = join(dir, 'src', 'main.ts');
  const text = await readFile(main, 'utf8');
  const lines = text.split('\n');
  const comment = lines.findIndex((l) => l.trimStart().startsWith('//'));
  const mark = ` (bench:env ${Date.now()})`;
  if (comment >= 0) lines[comment] += mark;
  else lines.push(`//${mark}`);
  await writeFile(main, lines.join('\n'));
  return dir;
}

interface ImagesResult {
  skipped?: string;
  error?: string;
  fromNothing?: ScriptRun;
  first?: ScriptRun;
  unchanged: ScriptRun[];
  unchangedMs?: Spread;
  sourceChanged?: ScriptRun;
}

const summary = (r: ScriptRun) => ({ ms: r.ms, code: r.code, images: r.images });

async function benchImages(): Promise<ImagesResult> {
  const result: ImagesResult = { unchanged: [] };
  if (!(await dockerEngineAnswers())) {
    result.skipped = 'no Docker engine answers (bash scripts/ensure-docker.sh start, as root)';
    return result;
  }
  const checked = (label: string, r: ScriptRun): ScriptRun => {
    if (interrupted) throw new Error(`${label}: interrupted`);
    if (r.code !== 0) throw new Error(`${label}: docker/build-images.sh exited with ${r.code}`);
    return r;
  };
  try {
    if (values['from-nothing']) {
      // Nothing is removed that could not be built again.
      const blocked = await fromNothingBlocked();
      if (blocked) throw new Error(`from nothing: not possible here, nothing removed: ${blocked}`);
      say('- images from nothing: removing the project images');
      await removeImages();
      say('    building every image');
      result.fromNothing = checked('from nothing', await buildImages());
    } else {
      say('- images: bringing them up to date');
      result.first = checked('first build', await buildImages());
    }
    for (let i = 0; i < RUNS; i++) {
      say(`- images: unchanged rebuild ${i + 1}/${RUNS}`);
      const r = checked('unchanged rebuild', await buildImages());
      const built = r.images.filter((img) => img.status !== 'up to date');
      if (built.length > 0) {
        // Something changed under the run (another worktree building): not an unchanged rebuild.
        throw new Error(`unchanged rebuild: the script built ${built.map((b) => b.image).join(', ')} again`);
      }
      result.unchanged.push(r);
    }
    result.unchangedMs = spread(result.unchanged.map((r) => r.ms));
    say('- images: the target with a source changed (a temp copy of src/, another image name)');
    const dir = await changedSources();
    const image = `mcp-chaos/target-bench-env-${process.pid}`;
    try {
      result.sourceChanged = checked(
        'source changed',
        await buildImages({ MCP_CHAOS_TARGET_SRC: join(dir, 'src'), MCP_CHAOS_TARGET_IMAGE: image }),
      );
    } finally {
      const { stdout } = await run('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', image]);
      const tags = stdout.split('\n').filter(Boolean);
      if (tags.length > 0) await run('docker', ['image', 'rm', ...tags]);
      await rm(dir, { recursive: true, force: true });
    }
  } catch (error) {
    result.error = (error as Error).message;
    say(`    ${result.error}`);
  }
  if (values['from-nothing']) {
    const tags = await imageTags();
    const missing = IMAGE_REPOS.filter((repo) => !tags.some((t) => t.startsWith(`${repo}:`)));
    if (missing.length > 0) {
      say(`    images missing after the run: ${missing.join(', ')}; ${REBUILD_HINT}`);
      result.error ??= `images missing after the run: ${missing.join(', ')}`;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

function printStarts(results: RuntimeResult[]): void {
  say('  environment start (to ready: target ready, dataset loaded, identities minted) and stop');
  const header = `  ${'runtime'.padEnd(12)}${'figure'.padEnd(34)}${'n'.padStart(3)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}   goal`;
  say(header);
  say(`  ${'-'.repeat(header.length + 12)}`);
  for (const r of results) {
    if (r.skipped || r.error) {
      say(
        `  ${r.runtime.padEnd(12)}${r.skipped ? `skipped: ${r.skipped}` : `FAILED: ${r.error?.split('\n')[0]}`}`,
      );
    }
    if (!r.cold) continue;
    const goal = GOAL_MS[r.runtime as 'local' | 'containers'];
    const row = (figure: string, s: Spread | undefined, judged: boolean) => {
      const verdict = judged && s ? `<= ${fmtMs(goal)} ${s.median <= goal ? 'pass' : 'FAIL'}` : '';
      say(
        `  ${r.runtime.padEnd(12)}${figure.padEnd(34)}${String(s?.n ?? 0).padStart(3)}${fmtMs(s?.median).padStart(10)}` +
          `${fmtMs(s?.min).padStart(10)}${fmtMs(s?.max).padStart(10)}   ${verdict}`,
      );
    };
    row('cold start', r.cold, true);
    row('  cold, since the process began', r.coldFromProcessStart, false);
    row('  of which the harness import', r.importMs, false);
    row('warm start', r.warm, true);
    row('stop', r.stop, false);
  }
  for (const r of results) {
    if (!r.steps) continue;
    say('');
    say(`  ${r.runtime}: start by step (median; a step ends with its progress line)    cold      warm`);
    const coldStarts = r.runs.length;
    const warmStarts = r.runs.reduce((n, run) => n + run.length - 1, 0);
    const warm = new Map(r.steps.warm.map((s) => [s.step, s]));
    const slowest = slowestStep(r.steps.cold, coldStarts);
    // Cold first, then what only warm starts had.
    const names = [...new Set([...r.steps.cold, ...r.steps.warm].map((s) => s.step))];
    const cold = new Map(r.steps.cold.map((s) => [s.step, s]));
    for (const name of names) {
      const c = cold.get(name);
      const w = warm.get(name);
      const sometimes = [
        c && c.n < coldStarts ? `${c.n} of ${coldStarts} cold` : '',
        w && w.n < warmStarts ? `${w.n} of ${warmStarts} warm` : '',
      ].filter(Boolean);
      say(
        `    ${name.padEnd(66).slice(0, 66)}${fmtMs(c?.medianMs).padStart(10)}${fmtMs(w?.medianMs).padStart(10)}` +
          (name === slowest ? '   slowest' : '') +
          (sometimes.length > 0 ? `   (in ${sometimes.join(', ')} starts)` : ''),
      );
    }
  }
}

function printImages(r: ImagesResult): void {
  say('  image builds (docker/build-images.sh)');
  if (r.skipped) {
    say(`  skipped: ${r.skipped}`);
    return;
  }
  const cols = IMAGE_REPOS.map((repo) => repo.replace('mcp-chaos/', ''));
  const header = `  ${'run'.padEnd(34)}${'total'.padStart(10)}${cols.map((c) => c.padStart(12)).join('')}   goal`;
  say(header);
  say(`  ${'-'.repeat(header.length + 12)}`);
  const row = (label: string, s: ScriptRun | undefined, totalMs: number | undefined, goalMs?: number) => {
    if (!s) return;
    const cells = IMAGE_REPOS.map((repo) => {
      const image = s.images.find((i) => i.image === repo || i.image.startsWith(`${repo}-bench-env-`));
      if (!image) return '';
      return image.status === 'built'
        ? fmtMs(image.ms)
        : image.status === 'up to date'
          ? 'up to date'
          : 'unfinished';
    });
    const verdict =
      goalMs === undefined || totalMs === undefined
        ? ''
        : `<= ${fmtMs(goalMs)} ${totalMs <= goalMs ? 'pass' : 'FAIL'}`;
    say(
      `  ${label.padEnd(34)}${fmtMs(totalMs).padStart(10)}${cells.map((c) => c.padStart(12)).join('')}   ${verdict}`,
    );
  };
  row('from nothing', r.fromNothing, r.fromNothing?.ms, GOAL_MS.fromNothing);
  row('first run (as found)', r.first, r.first?.ms);
  row(
    `unchanged rebuild (median of ${r.unchanged.length})`,
    r.unchanged.at(-1),
    r.unchangedMs?.median,
    GOAL_MS.unchanged,
  );
  row('source changed (target only)', r.sourceChanged, r.sourceChanged?.ms);
  // Where a built image's time went: staging its context (the script) or the engine's build.
  const runs: [string, ScriptRun | undefined][] = [
    ['from nothing', r.fromNothing],
    ['first run', r.first],
    ['source changed', r.sourceChanged],
  ];
  for (const [label, s] of runs) {
    for (const image of s?.images.filter((i) => i.dockerBuildMs !== undefined) ?? []) {
      say(
        `    ${label}: ${image.image} ${fmtMs(image.ms)}, of which docker build ${fmtMs(image.dockerBuildMs)}` +
          ` (the rest: hashing its inputs, staging its context, checks)`,
      );
    }
  }
  if (r.error) say(`  FAILED: ${r.error}${values['from-nothing'] ? ` (${REBUILD_HINT})` : ''}`);
}

function goals(starts: RuntimeResult[], images: ImagesResult | undefined): Goal[] {
  const list: Goal[] = [];
  for (const r of starts) {
    const limitMs = GOAL_MS[r.runtime as 'local' | 'containers'];
    list.push(
      { what: `${r.runtime} cold start (median)`, limitMs, ms: r.cold?.median },
      { what: `${r.runtime} warm start (median)`, limitMs, ms: r.warm?.median },
    );
  }
  if (images) {
    if (values['from-nothing']) {
      list.push({ what: 'images from nothing', limitMs: GOAL_MS.fromNothing, ms: images.fromNothing?.ms });
    }
    list.push({
      what: 'unchanged rebuild (median)',
      limitMs: GOAL_MS.unchanged,
      ms: images.unchangedMs?.median,
    });
  }
  return list;
}

// ---------------------------------------------------------------------------------------------

const startedAt = new Date();
const loadAtStart = loadavg();
const fmtLoad = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');
say(
  `bench:env — ${RUNS} runs; starts: ${STARTS} per process on ${RUNTIMES.join(', ') || 'no runtime'}; images: ` +
    (values['no-images']
      ? 'not measured'
      : values['from-nothing']
        ? 'from nothing, unchanged, source changed'
        : 'unchanged, source changed'),
);
const images = values['no-images'] ? undefined : await benchImages();
const starts: RuntimeResult[] = [];
for (const runtime of RUNTIMES as ('local' | 'containers')[]) {
  if (!interrupted) starts.push(await benchRuntime(runtime));
}
if (interrupted) {
  say(`bench:env: interrupted${values['from-nothing'] ? ` (if an image is missing: ${REBUILD_HINT})` : ''}`);
  process.exit(130);
}

const loadAtEnd = loadavg();
say('');
// The machine's load beside the figures: on a shared machine it explains more of a spread than the code does.
say(
  `bench:env — ${startedAt.toISOString()}, ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s; ` +
    `load average ${fmtLoad(loadAtStart)} at the start, ${fmtLoad(loadAtEnd)} at the end (${cpus().length} cores)`,
);
printStarts(starts);
if (images) {
  say('');
  printImages(images);
}
const judged = goals(starts, images);
say('');
say('  goals');
for (const g of judged) {
  const p = passed(g);
  say(
    `    ${g.what.padEnd(34)}${fmtMs(g.ms).padStart(10)}   <= ${fmtMs(g.limitMs).padEnd(8)} ${p === undefined ? 'not measured' : p ? 'pass' : 'FAIL'}`,
  );
}
if (values.json) {
  await writeFile(
    values.json,
    `${JSON.stringify(
      {
        at: startedAt.toISOString(),
        loadAverage: { start: loadAtStart, end: loadAtEnd },
        runs: RUNS,
        starts: STARTS,
        goals: judged.map((g) => ({ ...g, passed: passed(g) })),
        runtimes: starts,
        images: images && {
          ...images,
          fromNothing: images.fromNothing && summary(images.fromNothing),
          first: images.first && summary(images.first),
          unchanged: images.unchanged.map(summary),
          sourceChanged: images.sourceChanged && summary(images.sourceChanged),
        },
      },
      null,
      2,
    )}\n`,
  );
  say(`figures written to ${values.json}`);
}
const failed = judged.filter((g) => passed(g) === false);
const broken = starts.some((r) => r.error) || images?.error !== undefined;
if (failed.length > 0 && !values['no-fail']) {
  say(`a goal failed: ${failed.map((g) => g.what).join(', ')} (--no-fail only reports)`);
  process.exit(1);
}
// As the harness's own inconclusive: the figures could not be taken, which says nothing of the goals.
if (broken) {
  say('a measurement failed (see above): exit code 2');
  process.exit(2);
}
process.exit(0);
