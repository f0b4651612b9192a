import { readFile } from 'node:fs/promises';
import { HarnessError } from '../errors.ts';
import type { JournalRecord } from './records.ts';
import { parseRecord } from './validate.ts';

/** Reads a JSONL journal; every line must parse and validate. Errors say `path:line: …`. */
export async function readJournal(path: string): Promise<JournalRecord[]> {
  const text = await readFile(path, 'utf8');
  return parseJournal(text, path);
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
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new HarnessError('JOURNAL_INVALID', `${where}: not JSON (${(cause as Error).message})`, {
        cause,
      });
    }
    records.push(parseRecord(value, where));
  }
  return records;
}
