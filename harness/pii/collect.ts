import type { Dataset } from '../dataset/generate.ts';
import { type SensitiveValue, sensitiveValues } from '../dataset/sensitive.ts';
import type { PiiHit, PiiSourceScan, RecordOf } from '../journal/index.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { scanDatabase } from './database.ts';
import { LineScanner, scanFiles } from './text.ts';

/** Hits kept in the journal; the total is kept too. */
export const PII_HITS_CAP = 200;
/**
 * How often STATE_DIR is read during the run: the audit spool lives only while the database is
 * away (a flush takes it aside and removes it), so a look at the end alone would see nothing.
 */
export const STATE_SAMPLE_MS = 1_000;

type PiiScanRecord = Extract<RecordOf<'snapshot'>, { name: 'piiScan' }>;

/**
 * The evidence piiScan judges: follows the target's logs from the start of the run, reads its
 * STATE_DIR every STATE_SAMPLE_MS and once more at the end, and at the end searches its database,
 * for every plaintext sensitive value of the dataset. start() before the load begins, finish()
 * after it ends (the target still up). A STATE_DIR file that lives less than STATE_SAMPLE_MS may
 * be missed.
 */
export class PiiScanCollector {
  readonly #env: StartedEnvironment;
  readonly #values: SensitiveValue[];
  readonly #logs: LineScanner;
  #logsUnsubscribe: (() => void) | undefined;
  #logsNote: string | undefined;
  #stateTimer: NodeJS.Timeout | undefined;
  #stateReading: Promise<void> | undefined;
  #stateReads = 0;
  #stateError: string | undefined;
  readonly #stateFiles = new Set<string>();
  /** Hits in STATE_DIR by file, line and value: the same line read twice is one hit. */
  readonly #stateHits = new Map<string, PiiHit>();

  constructor(env: StartedEnvironment, dataset: Pick<Dataset, 'customers'> = env.dataset) {
    this.#env = env;
    this.#values = sensitiveValues(dataset);
    this.#logs = new LineScanner(this.#values, 'logs');
  }

  start(): this {
    const follower = this.#env.targetLogs;
    if (follower) {
      const { unsubscribe, earlyDropped } = follower.subscribe((line, n) =>
        this.#logs.line(line, `log line ${n}`),
      );
      this.#logsUnsubscribe = unsubscribe;
      if (earlyDropped > 0)
        this.#logsNote = `the first ${earlyDropped} lines were printed before the scan began`;
    } else {
      this.#logsNote = `the ${this.#env.runtime} runtime cannot follow the target's output`;
    }
    if (this.#env.target.stateFiles) {
      this.#stateTimer = setInterval(() => {
        this.#stateReading ??= this.#readState().finally(() => {
          this.#stateReading = undefined;
        });
      }, STATE_SAMPLE_MS);
      this.#stateTimer.unref();
    }
    return this;
  }

  async #readState(): Promise<void> {
    const target = this.#env.target;
    if (!target.stateFiles) return;
    try {
      const files = await target.stateFiles();
      this.#stateReads++;
      for (const file of files) this.#stateFiles.add(file.path);
      for (const hit of scanFiles(files, this.#values).hits) {
        this.#stateHits.set(`${hit.location}\u0000${hit.owner}\u0000${hit.kind}`, hit);
      }
    } catch (error) {
      this.#stateError = `STATE_DIR could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
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
    clearInterval(this.#stateTimer);
    await this.#stateReading;
    if (this.#env.target.stateFiles) {
      await this.#readState(); // and once more at the end
      sources.push({
        source: 'state',
        scanned: `${this.#stateFiles.size} files, read ${this.#stateReads} times`,
        ...(this.#stateError ? { error: this.#stateError } : {}),
      });
      hits.push(...this.#stateHits.values());
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
