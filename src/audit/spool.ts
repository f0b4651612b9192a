import { appendFile, type FileHandle, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type AuditEntry, AuditEntrySchema } from './entry.ts';

/**
 * The audit's local append-only file for while PostgreSQL is away: one JSON line an entry,
 * fsynced before the append resolves (the call's answer waits for it: durability before the
 * response). Flushing takes the file aside first (rename), so appends made during a flush go to
 * a fresh file and nothing is truncated under a writer.
 */
export class AuditSpool {
  readonly path: string;
  readonly #flushing: string;
  #handle: FileHandle | undefined;
  // Appends and take-asides are serialised: a rename must never race an open write.
  #chain: Promise<unknown> = Promise.resolve();
  // An append that failed part-way may have left a line without its newline: the next one
  // starts on a fresh line, so the torn line alone is lost, never the acknowledged one after it.
  #torn = false;

  constructor(path: string) {
    this.path = path;
    this.#flushing = `${path}.flushing`;
  }

  append(entries: readonly AuditEntry[]): Promise<void> {
    return this.#serial(async () => {
      if (!this.#handle) {
        await mkdir(dirname(this.path), { recursive: true });
        this.#handle = await open(this.path, 'a', 0o600);
      }
      const lines = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      try {
        await this.#handle.appendFile(this.#torn ? `\n${lines}` : lines);
        await this.#handle.datasync();
        this.#torn = false;
      } catch (error) {
        this.#torn = true;
        await this.#handle.close().catch(() => undefined);
        this.#handle = undefined;
        throw error;
      }
    });
  }

  /** Sets an entry the database refused aside, with the reason, in `<spool>.rejected`. */
  async reject(entry: AuditEntry, reason: string): Promise<void> {
    await appendFile(`${this.path}.rejected`, `${JSON.stringify({ reason, entry })}\n`, { mode: 0o600 });
  }

  /** True when entries are waiting to be flushed (in the spool or in an interrupted flush). */
  async pending(): Promise<boolean> {
    for (const path of [this.#flushing, this.path]) {
      const size = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      if (size > 0) return true;
    }
    return false;
  }

  /**
   * The entries to flush: an interrupted flush's first (a crash between the insert and the
   * removal leaves it; the insert is idempotent, so flushing it again is safe), else the spool,
   * taken aside. Call `done()` once they are stored.
   */
  async takeAside(): Promise<{ entries: AuditEntry[]; done: () => Promise<void> } | undefined> {
    const ready = await this.#serial(async () => {
      if (await exists(this.#flushing)) return true;
      if (!(await exists(this.path))) return false;
      await this.#handle?.close();
      this.#handle = undefined;
      await rename(this.path, this.#flushing);
      return true;
    });
    if (!ready) return undefined;
    const entries = parseLines(await readFile(this.#flushing, 'utf8'));
    return { entries, done: () => rm(this.#flushing, { force: true }) };
  }

  async close(): Promise<void> {
    await this.#serial(async () => {
      await this.#handle?.close();
      this.#handle = undefined;
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(work, work);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A torn last line (a crash mid-append, never acknowledged) is skipped, not fatal. */
export function parseLines(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = AuditEntrySchema.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
    } catch {
      // not JSON: the torn tail of an append that never completed
    }
  }
  return entries;
}
