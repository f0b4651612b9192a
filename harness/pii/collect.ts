import type { Dataset } from '../dataset/generate.ts';
import { type SensitiveValue, sensitiveValues } from '../dataset/sensitive.ts';
import type { PiiHit, PiiSourceScan, RecordOf } from '../journal/index.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { scanDatabase } from './database.ts';
import { LineScanner, scanFiles } from './text.ts';

/** Hits kept in the journal; the total is kept too. */
export const PII_HITS_CAP = 200;

type PiiScanRecord = Extract<RecordOf<'snapshot'>, { name: 'piiScan' }>;

/**
 * The evidence piiScan judges: follows the target's logs from the start of the run, and at its
 * end searches the target's database and STATE_DIR, for every plaintext sensitive value of the
 * dataset. start() before the load begins, finish() after it ends (the target still up).
 */
export class PiiScanCollector {
  readonly #env: StartedEnvironment;
  readonly #values: SensitiveValue[];
  readonly #logs: LineScanner;
  #logsUnsubscribe: (() => void) | undefined;
  #logsNote: string | undefined;

  constructor(env: StartedEnvironment, dataset: Pick<Dataset, 'customers'> = env.dataset) {
    this.#env = env;
    this.#values = sensitiveValues(dataset);
    this.#logs = new LineScanner(this.#values, 'logs');
  }

  start(): this {
    const follower = this.#env.targetLogs;
    if (!follower) {
      this.#logsNote = `the ${this.#env.runtime} runtime cannot follow the target's output`;
      return this;
    }
    const { unsubscribe, earlyDropped } = follower.subscribe((line, n) =>
      this.#logs.line(line, `log line ${n}`),
    );
    this.#logsUnsubscribe = unsubscribe;
    if (earlyDropped > 0)
      this.#logsNote = `the first ${earlyDropped} lines were printed before the scan began`;
    return this;
  }

  async finish(at: number): Promise<PiiScanRecord> {
    this.#logsUnsubscribe?.();
    const sources: PiiSourceScan[] = [];
    const hits: PiiHit[] = [];
    sources.push({
      source: 'logs',
      scanned: `${this.#logs.lines} lines`,
      ...(this.#logsNote ? { error: this.#logsNote } : {}),
    });
    hits.push(...this.#logs.hits);
    const database = await scanDatabase(this.#env.postgresUrl, this.#values);
    sources.push(database.scan);
    hits.push(...database.hits);
    const target = this.#env.target;
    if (target.stateFiles) {
      try {
        const files = await target.stateFiles();
        const state = scanFiles(files, this.#values);
        sources.push({ source: 'state', scanned: `${files.length} files, ${state.lines} lines` });
        hits.push(...state.hits);
      } catch (error) {
        sources.push({
          source: 'state',
          scanned: 'nothing',
          error: `STATE_DIR could not be read: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    } else {
      sources.push({
        source: 'state',
        scanned: 'nothing',
        error: `the ${this.#env.runtime} runtime cannot read the target's STATE_DIR`,
      });
    }
    return {
      type: 'snapshot',
      name: 'piiScan',
      at,
      values: this.#values.length,
      sources,
      hits: hits.slice(0, PII_HITS_CAP),
      hitsTotal: hits.length,
    };
  }
}
