// One load-driver worker thread: its own MCP sessions and its share of an open-model schedule.
// Records go back to the main thread in batches (the journal and the live checks live there);
// the main thread sends phase changes and the stop signal.
import { parentPort, workerData } from 'node:worker_threads';
import type { Dataset } from '../dataset/generate.ts';
import type { JournalRecord } from '../journal/records.ts';
import { runArrivals } from './executor.ts';
import { McpSession } from './mcp-session.ts';
import { rampingArrivals } from './schedule.ts';
import type { WorkerPoolOptions } from './worker-pool.ts';

/** What one thread needs: the pool's options but its count, and its own share of the run. */
export interface WorkerInput extends Omit<WorkerPoolOptions, 'workers'> {
  index: number;
  runId: string;
  seed: number;
  dataset: Dataset;
  vuBase: number;
  phase: string | undefined;
}

export type ToWorker = { type: 'phase'; name: string | undefined } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'records'; records: JournalRecord[] }
  | { type: 'done'; summary: Awaited<ReturnType<typeof runArrivals>> }
  | { type: 'failed'; message: string };

/** Records are sent in batches: one message per record would cost more than the call. */
const FLUSH_MS = 20;

async function main(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  const stop = new AbortController();
  let phase = input.phase;
  let start: (() => void) | undefined;
  const started = new Promise<void>((resolve) => {
    start = resolve;
  });
  port.on('message', (message: ToWorker | { type: 'start' }) => {
    if (message.type === 'phase') phase = message.name;
    else if (message.type === 'stop') stop.abort();
    else if (message.type === 'start') start?.();
  });
  const sessions = await Promise.all(
    input.identities.map((identity) =>
      Promise.all(
        Array.from({ length: input.sessionsPerIdentity }, () =>
          McpSession.connect(input.mcpUrl, identity, {
            client: input.client,
            ...(input.churn ? { churn: true } : {}),
          }),
        ),
      ),
    ),
  );
  let batch: JournalRecord[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    port.postMessage({ type: 'records', records: batch } satisfies FromWorker);
    batch = [];
  };
  const timer = setInterval(flush, FLUSH_MS);
  try {
    port.postMessage({ type: 'ready' } satisfies FromWorker);
    await started;
    const summary = await runArrivals(
      {
        arrivals: rampingArrivals(input.profile.startRate, input.profile.stages),
        mix: input.mix,
        callTimeoutMs: input.callTimeoutMs,
        maxInFlightPerIdentity: input.maxInFlightPerIdentity,
        ...(input.retry ? { retry: input.retry } : {}),
        ...(input.endMs !== undefined ? { endMs: input.endMs } : {}),
      },
      {
        runId: input.runId,
        seed: input.seed,
        dataset: input.dataset,
        sessions,
        stream: `w${input.index}`,
        vuBase: input.vuBase,
        append: (record) => batch.push(record),
        phase: () => phase,
        signal: stop.signal,
      },
    );
    flush();
    port.postMessage({ type: 'done', summary } satisfies FromWorker);
  } finally {
    clearInterval(timer);
    await Promise.allSettled(sessions.flat().map((s) => s.close()));
  }
}

if (parentPort) {
  const port = parentPort;
  main(port, workerData as WorkerInput).catch((error: unknown) => {
    port.postMessage({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
    } satisfies FromWorker);
  });
}
