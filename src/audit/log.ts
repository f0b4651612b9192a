import type { Logger } from 'pino';
import { withinMs } from '../lifecycle.ts';
import type { AuditEntry } from './entry.ts';
import type { AuditSpool } from './spool.ts';
import type { AuditStore } from './store.ts';

export type SpoolWriter = (entries: readonly AuditEntry[]) => Promise<void>;

export interface AuditLogOptions {
  readonly store: AuditStore;
  readonly spool: AuditSpool;
  readonly logger: Logger;
  /** How entries reach the spool when the database cannot take them (a defect may drop them). */
  readonly writeSpool?: SpoolWriter;
  /** How often the spool is flushed to the database while it has entries. */
  readonly flushIntervalMs: number;
  /** After a failed insert, how long new entries go straight to the spool. */
  readonly databaseRetryMs: number;
  /**
   * How long an insert may take before its batch is spooled instead: the audit must not add a
   * connect timeout to a call's answer. The late insert may still commit; the flush of the
   * spooled copy is then a no-op (same ids).
   */
  readonly databaseBudgetMs: number;
  readonly maxBatch?: number;
  /** Counts where entries went: database, spool, flushed (from the spool), failed. */
  readonly count?: (sink: 'database' | 'spool' | 'flushed' | 'failed', n: number) => void;
}

interface Waiting {
  entry: AuditEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The audit log: `record()` resolves only once the entry is durable — committed to PostgreSQL,
 * or fsynced to the local spool while PostgreSQL is away — so a call is answered only after
 * its audit entry is safe. Entries that arrive while a write is in flight are committed together
 * in the next one (group commit): durability costs one round trip per batch, not per call.
 * A background flush moves spooled entries to PostgreSQL once it is back, exactly once.
 */
export class AuditLog {
  readonly #options: AuditLogOptions;
  readonly #writeSpool: SpoolWriter;
  #queue: Waiting[] = [];
  #writing: Promise<void> | undefined;
  #kicked = false;
  #databaseDownUntil = 0;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #outage = false;

  constructor(options: AuditLogOptions) {
    this.#options = options;
    this.#writeSpool = options.writeSpool ?? ((entries) => options.spool.append(entries));
  }

  /** Starts the periodic spool flush (it also picks up what an earlier process spooled). */
  start(): void {
    this.#timer ??= setInterval(() => void this.flushSpool(), this.#options.flushIntervalMs);
    this.#timer.unref();
  }

  /**
   * Resolves once `entry` is durable. `databaseFailed`: the call itself just failed on the
   * database, so its entry (and its batch) go straight to the spool instead of waiting on it.
   */
  record(entry: AuditEntry, options: { databaseFailed?: boolean } = {}): Promise<void> {
    if (options.databaseFailed) this.#databaseDownUntil = Date.now() + this.#options.databaseRetryMs;
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#kicked) return;
    this.#kicked = true;
    this.#writing = this.#drain().finally(() => {
      this.#kicked = false;
      // An entry queued after the loop's last look but before this ran would otherwise wait forever.
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.maxBatch ?? 500);
      try {
        await this.#persist(batch.map((w) => w.entry));
        for (const w of batch) w.resolve();
      } catch (error) {
        this.#options.count?.('failed', batch.length);
        for (const w of batch) w.reject(error);
      }
    }
  }

  async #persist(entries: AuditEntry[]): Promise<void> {
    if (Date.now() >= this.#databaseDownUntil) {
      try {
        const insert = this.#options.store.insert(entries);
        // The insert goes on after the budget; its own failure then is nobody's concern.
        insert.catch(() => undefined);
        await withinMs(insert, this.#options.databaseBudgetMs);
        this.#options.count?.('database', entries.length);
        return;
      } catch (error) {
        this.#databaseDownUntil = Date.now() + this.#options.databaseRetryMs;
        if (!this.#outage) {
          this.#outage = true;
          this.#options.logger.warn(
            { reason: error instanceof Error ? error.message : String(error) },
            'audit: the database cannot take entries; spooling them locally until it is back',
          );
        }
      }
    }
    await this.#writeSpool(entries);
    this.#options.count?.('spool', entries.length);
  }

  /** Moves spooled entries to the database; a failure leaves them spooled for the next try. */
  flushSpool(): Promise<void> {
    this.#flushing ??= this.#flushOnce().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    const { spool, logger } = this.#options;
    try {
      if (!(await spool.pending())) return;
      const taken = await spool.takeAside();
      if (!taken) return;
      const size = this.#options.maxBatch ?? 500;
      for (let i = 0; i < taken.entries.length; i += size)
        await this.#insertOrSetAside(taken.entries.slice(i, i + size));
      await taken.done();
      this.#options.count?.('flushed', taken.entries.length);
      this.#databaseDownUntil = 0;
      if (this.#outage) {
        this.#outage = false;
        logger.info({ flushed: taken.entries.length }, 'audit: the database is back; spooled entries stored');
      }
    } catch (error) {
      logger.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'audit: spool flush failed; the entries stay spooled for the next try',
      );
    }
  }

  /**
   * Inserts a spooled batch. The database refusing the data itself (SQLSTATE class 22: a value
   * it cannot store) is no outage: retried, that batch would block every flush after it for
   * good. So its entries are tried one by one and the refused ones set aside, with the reason,
   * in the spool's `.rejected` file for a person to look at; the others are stored.
   */
  async #insertOrSetAside(entries: AuditEntry[]): Promise<void> {
    const { store, spool, logger } = this.#options;
    try {
      await store.insert(entries);
      return;
    } catch (error) {
      if (!isDataError(error)) throw error;
    }
    for (const entry of entries) {
      try {
        await store.insert([entry]);
      } catch (error) {
        if (!isDataError(error)) throw error;
        await spool.reject(entry, error instanceof Error ? error.message : String(error));
        this.#options.count?.('failed', 1);
        logger.error(
          { auditId: entry.id },
          'audit: the database refused a spooled entry; set aside in the .rejected file',
        );
      }
    }
  }

  /**
   * Waits until every entry recorded so far is in the database: the group commit done and the
   * spool flushed. False when entries are still spooled after `timeoutMs` (the database away).
   */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#kicked && Date.now() < deadline) await this.#writing;
    while (Date.now() < deadline) {
      await this.flushSpool();
      if (!(await this.#options.spool.pending())) return !this.#kicked;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  /** Shutdown: waits for pending entries, tries one last flush, closes the spool. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    while (this.#kicked) await this.#writing;
    await this.flushSpool();
    await this.#options.spool.close();
  }
}

function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
