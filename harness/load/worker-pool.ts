import { Worker } from 'node:worker_threads';
import { HarnessError } from '../errors.ts';
import { digest } from '../journal/digest.ts';
import type { IdentityClaims } from '../journal/records.ts';
import type { WorkloadContext, WorkloadSummary } from './executor.ts';
import type { McpClientKind } from './mcp-session.ts';
import type { RetryPolicy } from './retry.ts';
import type { RateProfile } from './schedule.ts';
import type { FromWorker, ToWorker, WorkerInput } from './worker-entry.ts';
import type { ToolMix } from './workload.ts';

export type Identity = IdentityClaims & { token: string };

export interface WorkerPoolOptions {
  workers: number;
  mcpUrl: string;
  identities: Identity[];
  sessionsPerIdentity: number;
  client: McpClientKind;
  churn?: boolean;
  profile: RateProfile;
  mix: ToolMix;
  callTimeoutMs: number;
  maxInFlightPerIdentity: number;
  /** Each thread retries its own calls, on its own sessions, under its share of the cap. */
  retry?: RetryPolicy;
  /** Where the timeline ends (ms from the start): no retry starts from then on. */
  endMs?: number;
}

/**
 * Runs an open-model schedule on `workers` threads, for machines with cores to spare: each
 * thread has its own sessions for every identity and 1/n of the rate (and of the in-flight cap);
 * their records come back here, where the journal and the live checks are. All threads start
 * their schedules together, once every one has connected. Each thread plans its calls from its
 * own seeded stream, so a run is reproducible for a given seed and number of workers.
 */
export async function runInWorkers(
  options: WorkerPoolOptions,
  ctx: WorkloadContext,
): Promise<WorkloadSummary> {
  const n = options.workers;
  const share = (x: number) => x / n;
  const profile: RateProfile = {
    startRate: share(options.profile.startRate),
    stages: options.profile.stages.map((s) => ({ ...s, target: share(s.target) })),
  };
  const workers = Array.from({ length: n }, (_, index) => {
    const input: WorkerInput = {
      index,
      mcpUrl: options.mcpUrl,
      identities: options.identities,
      sessionsPerIdentity: Math.max(1, Math.ceil(share(options.sessionsPerIdentity))),
      client: options.client,
      ...(options.churn ? { churn: true } : {}),
      profile,
      mix: options.mix,
      callTimeoutMs: options.callTimeoutMs,
      maxInFlightPerIdentity: Math.max(1, Math.ceil(share(options.maxInFlightPerIdentity))),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.endMs !== undefined ? { endMs: options.endMs } : {}),
      runId: ctx.runId,
      seed: ctx.seed + index * 7919,
      dataset: ctx.dataset,
      vuBase: (ctx.vuBase ?? 0) + index * options.identities.length,
      phase: ctx.phase(),
    };
    return new Worker(new URL('./worker-entry.ts', import.meta.url), { workerData: input });
  });
  const send = (message: ToWorker | { type: 'start' }) => {
    for (const worker of workers) worker.postMessage(message);
  };
  let phase = ctx.phase();
  const phaseWatch = setInterval(() => {
    if (ctx.phase() !== phase) {
      phase = ctx.phase();
      send({ type: 'phase', name: phase });
    }
  }, 5);
  const stop = () => send({ type: 'stop' });
  ctx.signal?.addEventListener('abort', stop, { once: true });
  let ready = 0;
  try {
    const summaries = await Promise.all(
      workers.map(
        (worker, index) =>
          new Promise<WorkloadSummary>((resolve, reject) => {
            worker.on('message', (message: FromWorker) => {
              switch (message.type) {
                case 'ready':
                  if (++ready === n) send({ type: 'start' });
                  break;
                case 'records':
                  for (const record of message.records) ctx.append(record);
                  break;
                case 'done':
                  resolve(message.summary);
                  break;
                case 'failed':
                  reject(new HarnessError('LOAD_FAILED', `load worker ${index} failed: ${message.message}`));
                  break;
              }
            });
            worker.on('error', (error) =>
              reject(
                new HarnessError('LOAD_FAILED', `load worker ${index} crashed: ${error.message}`, {
                  cause: error,
                }),
              ),
            );
            worker.on('exit', (code) => {
              if (code !== 0)
                reject(new HarnessError('LOAD_FAILED', `load worker ${index} exited with ${code}`));
            });
          }),
      ),
    );
    return {
      scheduled: summaries.reduce((s, x) => s + x.scheduled, 0),
      started: summaries.reduce((s, x) => s + x.started, 0),
      dropped: summaries.reduce((s, x) => s + x.dropped, 0),
      ...(options.retry
        ? {
            retried: summaries.reduce((s, x) => s + (x.retried ?? 0), 0),
            retriesDropped: summaries.reduce((s, x) => s + (x.retriesDropped ?? 0), 0),
          }
        : {}),
      sequenceDigest: digest(summaries.map((s) => s.sequenceDigest)),
    };
  } finally {
    clearInterval(phaseWatch);
    ctx.signal?.removeEventListener('abort', stop);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
