import type { z } from 'zod';
import { HarnessError } from '../errors.ts';
import { type JournalRecord, journalRecord } from './records.ts';

/**
 * Parses one record against the journal schema. Errors name the offending field and the record
 * type (when known), because "invalid record" alone sends a reader digging through a JSONL file.
 */
export function parseRecord(value: unknown, where: string): JournalRecord {
  const parsed = journalRecord.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HarnessError('JOURNAL_INVALID', `${where}: ${describeIssues(value, parsed.error)}`);
}

function describeIssues(value: unknown, error: z.ZodError): string {
  const type =
    typeof value === 'object' && value !== null && 'type' in value ? String(value.type) : undefined;
  const issues = error.issues.slice(0, 3).map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(record)';
    return `${field}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `invalid ${type ?? 'journal'} record: ${issues.join('; ')}${more}`;
}
