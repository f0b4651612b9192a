import { maskValue, PlaintextMatcher, type SensitiveValue } from '../dataset/sensitive.ts';
import type { PiiHit, PiiSource } from '../journal/index.ts';

/** Searches text line by line for the values, recording each hit with its line number. */
export class LineScanner {
  readonly #values: readonly SensitiveValue[];
  readonly #matcher: PlaintextMatcher;
  readonly #source: PiiSource;
  readonly hits: PiiHit[] = [];
  lines = 0;

  constructor(values: readonly SensitiveValue[], source: PiiSource) {
    this.#values = values;
    this.#matcher = new PlaintextMatcher(values);
    this.#source = source;
  }

  /** One line; `where` names it in the report (`log line 12`, `audit-spool.jsonl line 3`). */
  line(text: string, where: string): void {
    this.lines++;
    for (const index of this.#matcher.find(text)) {
      const value = this.#values[index] as SensitiveValue;
      this.hits.push({
        source: this.#source,
        location: where,
        kind: value.kind,
        owner: value.owner,
        masked: maskValue(value.value),
        occurrences: text.split(value.value).length - 1,
      });
    }
  }
}

/** Searches files (a target's STATE_DIR) line by line. */
export function scanFiles(
  files: readonly { path: string; content: Buffer }[],
  values: readonly SensitiveValue[],
): LineScanner {
  const scanner = new LineScanner(values, 'state');
  for (const file of files) {
    // UTF-8 for text files; the values are ASCII in practice, so a binary file read as UTF-8
    // still shows them byte for byte.
    file.content
      .toString('utf8')
      .split('\n')
      .forEach((line, i) => {
        scanner.line(line, `${file.path} line ${i + 1}`);
      });
  }
  return scanner;
}
