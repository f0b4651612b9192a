import { defineConfig } from 'vitest/config';

// The load driver runs in the workers forked from here. With io_uring, libuv completes buffered
// file writes inline in the submitting thread, so a journal write that meets the kernel's dirty
// page throttling stalls the driver's event loop (measured: 9% of its thread at 10k calls/s);
// the thread pool keeps the disk off the event loop. Inherited by every forked worker.
process.env.UV_USE_IO_URING ??= '0';

const scenarioConcurrency = Math.max(1, Number.parseInt(process.env.MCP_CHAOS_CONCURRENCY ?? '1', 10) || 1);

// Three projects, one command: `unit` needs nothing running; `integration` starts real
// PostgreSQL, Toxiproxy and Docker; `scenarios` is the built-in suite. Nothing is retried:
// a flaky scenario is a bug this tool exists to expose.
export default defineConfig({
  test: {
    retry: 0,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'harness/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/*.coverage.test.ts', '**/node_modules/**'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.integration.test.ts'],
          // .cache holds copies of src/ (the target image's build context): never tests of ours.
          exclude: ['**/node_modules/**', '.cache/**', 'reports/**'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      // Reads the journals the suite and the self-test left (scripts/test.sh names them), so it
      // exists only when they are given: a plain `vitest run` has none to read.
      ...(process.env.MCP_CHAOS_COVERAGE_DIRS
        ? [{ test: { name: 'coverage', include: ['test/**/*.coverage.test.ts'], testTimeout: 120_000 } }]
        : []),
      {
        test: {
          name: 'scenarios',
          include: ['scenarios/**/*.scenario.ts'],
          // Scenarios at once (`mcp-chaos run --concurrency N`): each has its own environment,
          // so they do not share state, only the machine's cores.
          fileParallelism: scenarioConcurrency > 1,
          maxWorkers: scenarioConcurrency,
          // Per-scenario timeouts are derived from each timeline by the scenario DSL.
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
