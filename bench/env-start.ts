// A child process of `npm run bench:env` (bench/env.ts): starts an environment on one runtime
// --starts times in a row, stopping each before the next, and prints one JSON line per start on
// stdout (the time to ready, the progress lines with when they came, the stop time). The first
// start is the cold one: this process has loaded nothing of the harness before it (the import
// is timed apart); the later ones find the JIT warm and the binaries in the page cache.
// Usage: node bench/env-start.ts --runtime local|containers [--starts 3]
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'local' },
    starts: { type: 'string', default: '3' },
  },
});
const runtime = values.runtime;
if (runtime !== 'local' && runtime !== 'containers') {
  process.stderr.write(`env-start: --runtime must be local or containers, not ${runtime}\n`);
  process.exit(2);
}
const starts = Number.parseInt(values.starts, 10);
const emit = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(record)}\n`);

const importStart = performance.now();
const { Environment } = await import('../harness/index.ts');
type Started = Awaited<ReturnType<InstanceType<typeof Environment>['start']>>;
const importMs = performance.now() - importStart;

// Ctrl-C (forwarded by the parent): what runs or is starting is stopped, as any run of the
// harness does; a start under way is let finish first, so that nothing it started is left behind.
let running: Started | undefined;
let starting: Promise<Started> | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    void (async () => {
      const env = running ?? (await starting?.catch(() => undefined));
      await env?.stop().catch(() => undefined);
      process.exit(130);
    })();
  });
}

for (let index = 0; index < starts && !interrupted; index++) {
  const progress: { atMs: number; message: string }[] = [];
  const t0 = performance.now();
  try {
    starting = new Environment()
      .withRuntime(runtime)
      .withProgress((message) => progress.push({ atMs: performance.now() - t0, message }))
      .start();
    running = await starting;
  } catch (error) {
    const e = error as Error & { code?: string };
    emit({ type: 'error', index, code: e.code, message: e.message, progress });
    process.exit(1);
  }
  const readyMs = performance.now() - t0;
  // Since this process began (performance's time origin): Node's own start and the import too.
  const sinceProcessStartMs = performance.now();
  const t1 = performance.now();
  try {
    await running.stop();
  } catch (error) {
    emit({
      type: 'error',
      index,
      code: (error as { code?: string }).code,
      message: (error as Error).message,
    });
    process.exit(1);
  }
  const stopMs = performance.now() - t1;
  running = undefined;
  emit({ type: 'start', index, readyMs, sinceProcessStartMs, importMs, stopMs, progress });
}
// Interrupted: the signal handler exits once the environment is stopped.
if (!interrupted) process.exit(0);
