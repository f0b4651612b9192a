import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { HarnessError } from '../errors.ts';
import type { JournalRecord } from './records.ts';
import { parseRecord } from './validate.ts';

/** Reads a whole JSONL journal into memory; every line must parse and validate. */
export async function readJournal(path: string): Promise<JournalRecord[]> {
  const records: JournalRecord[] = [];
  for await (const record of streamJournal(path)) records.push(record);
  return records;
}

/**
 * Reads a journal as a stream of validated records, one line at a time, so that a journal of
 * millions of calls is folded in constant memory. Errors say `path:line: …`.
 */
export async function* streamJournal(path: string): AsyncGenerator<JournalRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      const record = parseLine(line, `${path}:${number}`);
      if (record) yield record;
    }
  } catch (error) {
    if (error instanceof HarnessError) throw error;
    throw new HarnessError('JOURNAL_INVALID', `${path}: cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    lines.close();
  }
}

/**
 * Parses journal text. Blank lines are skipped (the file ends with a newline); anything else
 * that is not a valid record is an error, including a torn last line: a journal cut short
 * by a crash should be noticed, not silently shortened.
 */
export function parseJournal(text: string, source = 'journal'): JournalRecord[] {
  const records: JournalRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const record = parseLine(lines[i] ?? '', `${source}:${i + 1}`);
    if (record) records.push(record);
  }
  return records;
}

function parseLine(line: string, where: string): JournalRecord | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new HarnessError('JOURNAL_INVALID', `${where}: not JSON (${(cause as Error).message})`, { cause });
  }
  return parseRecord(value, where);
}
