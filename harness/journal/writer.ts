import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { HarnessError } from '../errors.ts';
import type { JournalRecord } from './records.ts';
import { parseRecord } from './validate.ts';

export type JournalListener = (record: JournalRecord) => void;

/** What live consumers (checks, abort conditions) need from a journal being written. */
export interface JournalSource {
  records(): readonly JournalRecord[];
  subscribe(listener: JournalListener): () => void;
}

export interface JournalOptions {
  /** Keep every record in memory for `records()` (default true). */
  retain?: boolean;
  /**
   * Validate every record against its schema before writing (default true). The load driver's
   * records are typed where they are built, and at tens of thousands of calls a second the
   * schema check is a tenth of the driver's CPU, so the runner turns it off; the reader still
   * validates every line, so a bad record cannot pass unnoticed.
   */
  validate?: boolean;
}

/** Lines are gathered into chunks this big before they go to the file stream. */
const CHUNK = 64 * 1024;
/** Beyond this much unwritten text, `pressure()` asks producers to wait for the disk. */
const HIGH_WATER = 8 * 1024 * 1024;

/**
 * Append-only JSONL journal. `append` is synchronous: the record is (optionally) validated,
 * gathered into a chunk that goes to the file stream when full or at the end of the current
 * tick (so order is kept and a crash loses at most one tick), kept in memory if asked, then
 * handed to subscribers. Memory is bounded by `pressure()`, which producers await; `close()`
 * resolves once every line is on disk.
 */
export class JournalWriter implements JournalSource, AsyncDisposable {
  readonly path: string;
  readonly #stream: WriteStream;
  readonly #records: JournalRecord[] = [];
  readonly #listeners = new Set<JournalListener>();
  readonly #retain: boolean;
  readonly #validate: boolean;
  #pending = '';
  #flushScheduled = false;
  #failure: Error | undefined;
  #lines = 0;
  #closing: Promise<void> | undefined;

  private constructor(path: string, stream: WriteStream, options: JournalOptions) {
    this.path = path;
    this.#stream = stream;
    this.#retain = options.retain ?? true;
    this.#validate = options.validate ?? true;
    // Remember a write failure: append and close report it instead of losing it silently.
    stream.on('error', (error) => {
      this.#failure ??= error;
    });
  }

  /**
   * Creates the directory and the file (truncating any old journal at that path). With
   * `retain: false` records go to disk and to subscribers only, so memory stays bounded however
   * long the run: `records()` is then empty, and live consumers must subscribe before appending.
   */
  static async open(path: string, options: JournalOptions = {}): Promise<JournalWriter> {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'w', encoding: 'utf8', highWaterMark: CHUNK });
    await once(stream, 'open'); // an unwritable path fails here, not at close
    return new JournalWriter(path, stream, options);
  }

  /** Appends one record; with validation on, throws HarnessError('JOURNAL_INVALID') naming the field. */
  append(record: JournalRecord): JournalRecord {
    if (this.#closing !== undefined)
      throw new HarnessError('JOURNAL_INVALID', `${this.path}: append after close`);
    if (this.#failure) {
      throw new HarnessError('JOURNAL_INVALID', `${this.path}: write failed: ${this.#failure.message}`, {
        cause: this.#failure,
      });
    }
    this.#lines++;
    const valid = this.#validate ? parseRecord(record, `${this.path}:${this.#lines}`) : record;
    this.#pending += `${JSON.stringify(valid)}\n`;
    if (this.#pending.length >= CHUNK) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    if (this.#retain) this.#records.push(valid);
    for (const listener of this.#listeners) listener(valid);
    return valid;
  }

  /** Lines appended so far. */
  get lines(): number {
    return this.#lines;
  }

  /**
   * A promise to await before producing more when the disk has fallen behind (more than 8 MiB
   * not yet written), else undefined — so that a fast driver cannot fill memory with journal.
   */
  pressure(): Promise<void> | undefined {
    if (this.#stream.writableLength + this.#pending.length < HIGH_WATER) return undefined;
    this.#flush();
    return once(this.#stream, 'drain').then(() => undefined);
  }

  records(): readonly JournalRecord[] {
    return this.#records;
  }

  /** Calls `listener` for every record appended from now on; returns the unsubscribe function. */
  subscribe(listener: JournalListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Flushes and closes the file. Idempotent; rejects if any write failed. */
  close(): Promise<void> {
    this.#closing ??= this.#finish();
    return this.#closing;
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#pending === '' || this.#stream.destroyed) return;
    this.#stream.write(this.#pending);
    this.#pending = '';
  }

  async #finish(): Promise<void> {
    this.#listeners.clear();
    this.#flush();
    this.#stream.end();
    try {
      await finished(this.#stream);
    } catch (error) {
      this.#failure ??= error as Error;
    }
    if (this.#failure) {
      throw new HarnessError('JOURNAL_INVALID', `${this.path}: write failed: ${this.#failure.message}`, {
        cause: this.#failure,
      });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
