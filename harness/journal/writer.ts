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

/**
 * Append-only JSONL journal. `append` is synchronous: the record is validated, queued on the
 * file stream (which keeps order and buffers under backpressure), kept in memory for live
 * checks, then handed to subscribers. `close()` resolves once every queued line is on disk.
 */
export class JournalWriter implements JournalSource, AsyncDisposable {
  readonly path: string;
  readonly #stream: WriteStream;
  readonly #records: JournalRecord[] = [];
  readonly #listeners = new Set<JournalListener>();
  #failure: Error | undefined;
  #retain = true;
  #lines = 0;
  #closing: Promise<void> | undefined;

  private constructor(path: string, stream: WriteStream) {
    this.path = path;
    this.#stream = stream;
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
  static async open(path: string, options: { retain?: boolean } = {}): Promise<JournalWriter> {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'w', encoding: 'utf8' });
    await once(stream, 'open'); // an unwritable path fails here, not at close
    const writer = new JournalWriter(path, stream);
    writer.#retain = options.retain ?? true;
    return writer;
  }

  /** Validates and appends one record; throws HarnessError('JOURNAL_INVALID') naming the field. */
  append(record: JournalRecord): JournalRecord {
    if (this.#closing !== undefined)
      throw new HarnessError('JOURNAL_INVALID', `${this.path}: append after close`);
    if (this.#failure) {
      throw new HarnessError('JOURNAL_INVALID', `${this.path}: write failed: ${this.#failure.message}`, {
        cause: this.#failure,
      });
    }
    const valid = parseRecord(record, `${this.path}:${++this.#lines}`);
    this.#stream.write(`${JSON.stringify(valid)}\n`);
    if (this.#retain) this.#records.push(valid);
    for (const listener of this.#listeners) listener(valid);
    return valid;
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

  async #finish(): Promise<void> {
    this.#listeners.clear();
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
