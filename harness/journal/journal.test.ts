import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { canonicalJson, digest } from './digest.ts';
import { parseJournal, readJournal, streamJournal } from './reader.ts';
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

  it('asks producers to wait when the disk falls behind, and releases them once it caught up', async () => {
    const path = join(dir, 'big.jsonl');
    const writer = await JournalWriter.open(path, { retain: false });
    const big: JournalRecord = {
      type: 'probe',
      name: 'x',
      at: 1,
      ok: true,
      latencyMs: 1,
      detail: 'y'.repeat(4096),
    };
    let waits = 0;
    for (let i = 0; i < 5000; i++) {
      writer.append(big);
      const pressure = writer.pressure();
      if (pressure !== undefined) {
        waits++;
        await pressure;
        expect(writer.pressure()).toBeUndefined();
      }
    }
    await writer.close();
    expect(waits).toBeGreaterThan(0); // 20 MB appended in one go cannot all sit in memory
    expect(writer.lines).toBe(5000);
    expect(await readJournal(path)).toHaveLength(5000);
  });

  it('with validate: false writes what it is given, and the reader still rejects a bad record', async () => {
    const path = join(dir, 'unchecked.jsonl');
    const writer = await JournalWriter.open(path, { validate: false });
    writer.append({ type: 'phase', name: 'x', event: 'start', at: 'soon' } as unknown as JournalRecord);
    await writer.close();
    await expect(readJournal(path)).rejects.toThrow(`${path}:1: invalid phase record: at:`);
  });

  it('fails to open an unwritable path at open time', async () => {
    await writeFile(join(dir, 'file'), '');
    await expect(JournalWriter.open(join(dir, 'file', 'j.jsonl'))).rejects.toThrow();
  });
});

describe('streamJournal', () => {
  it('yields the records one at a time and names the line of the first bad one', async () => {
    const path = join(dir, 'j.jsonl');
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify(phase(i)));
    await writeFile(path, `${lines.join('\n')}\n{"type":"end"}\n`);
    let seen = 0;
    const read = async () => {
      for await (const record of streamJournal(path)) {
        expect(record).toEqual(phase(seen));
        seen++;
      }
    };
    await expect(read()).rejects.toThrow(`${path}:20001: invalid end record: at:`);
    expect(seen).toBe(20_000);
  });

  it('stops reading when the consumer stops', async () => {
    const path = join(dir, 'j.jsonl');
    await writeFile(path, `${[1, 2, 3].map((i) => JSON.stringify(phase(i))).join('\n')}\n`);
    for await (const record of streamJournal(path)) {
      expect(record).toEqual(phase(1));
      break;
    }
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

describe('canonicalJson', () => {
  const anything = fc.anything({ withNullPrototype: true, withSparseArray: true, withDate: true });

  it('means what JSON.stringify means', () => {
    fc.assert(
      fc.property(anything, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the order in which keys were added', () => {
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed);
      if (typeof value !== 'object' || value === null) return value;
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([k, v]) => [k, reversed(v)]),
      );
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(reversed(value))).toBe(canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by code unit at every depth and honours toJSON', () => {
    const value = { b: 1, a: { d: [2, 1], c: undefined }, 10: 'x', 9: 'y', t: new Date(0), f: () => 1 };
    expect(canonicalJson(value)).toBe(
      '{"10":"x","9":"y","a":{"d":[2,1]},"b":1,"t":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson([undefined, () => 1, Number.NaN])).toBe('[null,null,null]');
    expect(canonicalJson(undefined)).toBe('null');
  });
});
