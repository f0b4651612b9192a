import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { canonicalJson, digest } from './digest.ts';
import { parseJournal, readJournal } from './reader.ts';
import type { JournalRecord } from './records.ts';
import { JournalWriter } from './writer.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const phase = (i: number): JournalRecord => ({ type: 'phase', name: `p${i}`, event: 'start', at: i });

describe('JournalWriter', () => {
  it('creates its directory and keeps every record, in order, after close', async () => {
    const path = join(dir, 'a', 'b', 'journal.jsonl');
    const writer = await JournalWriter.open(path);
    for (let i = 0; i < 5000; i++) writer.append(phase(i));
    await writer.close();
    const back = await readJournal(path);
    expect(back).toHaveLength(5000);
    expect(back.map((r) => (r.type === 'phase' ? r.at : -1))).toEqual([...Array(5000).keys()]);
    expect(writer.records()).toHaveLength(5000);
  });

  it('with retain: false, keeps nothing in memory but still writes and notifies everything', async () => {
    const path = join(dir, 'bounded.jsonl');
    const writer = await JournalWriter.open(path, { retain: false });
    let seen = 0;
    writer.subscribe(() => seen++);
    for (let i = 0; i < 1000; i++) writer.append(phase(i));
    await writer.close();
    expect(writer.records()).toHaveLength(0);
    expect(seen).toBe(1000);
    expect(await readJournal(path)).toHaveLength(1000);
  });

  it('rejects an invalid record, naming the field, and writes nothing for it', async () => {
    const path = join(dir, 'j.jsonl');
    const writer = await JournalWriter.open(path);
    const bad = { type: 'phase', name: 'x', event: 'start', at: 'soon' } as unknown as JournalRecord;
    expect(() => writer.append(bad)).toThrow(HarnessError);
    expect(() => writer.append(bad)).toThrow(/invalid phase record: at:/);
    await writer.close();
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('notifies subscribers until they unsubscribe, and refuses appends after close', async () => {
    await using writer = await JournalWriter.open(join(dir, 'j.jsonl'));
    const seen: string[] = [];
    const off = writer.subscribe((r) => seen.push(r.type));
    writer.append(phase(1));
    off();
    writer.append(phase(2));
    expect(seen).toEqual(['phase']);
    await writer.close();
    await writer.close(); // idempotent
    expect(() => writer.append(phase(3))).toThrow(/append after close/);
  });

  it('fails to open an unwritable path at open time', async () => {
    await writeFile(join(dir, 'file'), '');
    await expect(JournalWriter.open(join(dir, 'file', 'j.jsonl'))).rejects.toThrow();
  });
});

describe('readJournal', () => {
  it('names the file and line of an invalid record', async () => {
    const path = join(dir, 'j.jsonl');
    await writeFile(path, `${JSON.stringify(phase(1))}\n{"type":"end"}\n`);
    await expect(readJournal(path)).rejects.toThrow(`${path}:2: invalid end record: at:`);
  });

  it('names the line of a torn JSON line and skips blank lines', () => {
    expect(parseJournal(`\n${JSON.stringify(phase(1))}\n\n`)).toHaveLength(1);
    expect(() => parseJournal(`${JSON.stringify(phase(1))}\n{"type":"ph`, 'x.jsonl')).toThrow(
      /^x\.jsonl:2: not JSON/,
    );
  });
});

describe('digest', () => {
  it('is independent of key order at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
    expect(digest({ x: { b: 1, a: 2 } })).toBe(digest({ x: { a: 2, b: 1 } }));
    expect(digest([1, 2])).not.toBe(digest([2, 1]));
    expect(digest(undefined)).toBe(digest(null));
    expect(digest('')).toMatch(/^[0-9a-f]{64}$/);
  });
});
