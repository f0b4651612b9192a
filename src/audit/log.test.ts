import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from './entry.ts';
import { AuditLog } from './log.ts';
import { AuditSpool, parseLines } from './spool.ts';
import type { AuditStore } from './store.ts';

const logger = pino({ level: 'silent' });

function entry(n: number): AuditEntry {
  return {
    id: `e${n}`,
    at: new Date(0).toISOString(),
    tenantId: 't1',
    subject: 'agent-1',
    role: 'agent',
    tool: 'lookup_customer',
    recordIds: [`c${n}`],
    outcome: 'OK',
    correlationId: `corr-${n}`,
  };
}

/** An in-memory store keyed by id like the real table (ON CONFLICT DO NOTHING), switchable off. */
class FakeStore implements AuditStore {
  readonly rows = new Map<string, AuditEntry>();
  readonly batches: number[] = [];
  up = true;
  async insert(entries: readonly AuditEntry[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!this.up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    this.batches.push(entries.length);
    for (const e of entries) if (!this.rows.has(e.id)) this.rows.set(e.id, e);
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function auditLog(store: AuditStore, spool = new AuditSpool(join(dir, 'spool.jsonl')), extra = {}) {
  return new AuditLog({
    store,
    spool,
    logger,
    flushIntervalMs: 10_000,
    databaseRetryMs: 50,
    databaseBudgetMs: 1000,
    ...extra,
  });
}

describe('AuditLog', () => {
  it('commits entries that arrive during a write together (group commit)', async () => {
    const store = new FakeStore();
    const log = auditLog(store);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.record(entry(i))));
    expect(store.rows.size).toBe(50);
    // The first entry goes alone; the 49 queued behind it share the next write.
    expect(store.batches).toEqual([1, 49]);
    await log.close();
  });

  it('spools durably while the database is down and flushes exactly once when it is back', async () => {
    const store = new FakeStore();
    const spool = new AuditSpool(join(dir, 'spool.jsonl'));
    const log = auditLog(store, spool);
    store.up = false;
    await Promise.all([1, 2, 3].map((n) => log.record(entry(n))));
    // Resolved means durable: on disk, not in the store.
    expect(store.rows.size).toBe(0);
    expect(parseLines(await readFile(spool.path, 'utf8')).map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);

    await log.flushSpool(); // still down: nothing lost, still spooled
    expect(await spool.pending()).toBe(true);

    store.up = true;
    await log.flushSpool();
    expect([...store.rows.keys()].sort()).toEqual(['e1', 'e2', 'e3']);
    expect(await spool.pending()).toBe(false);
    await log.flushSpool(); // nothing left: no duplicates
    expect(store.rows.size).toBe(3);
    await log.close();
  });

  it('flushes an interrupted flush again without duplicating (the insert is idempotent)', async () => {
    const store = new FakeStore();
    const spool = new AuditSpool(join(dir, 'spool.jsonl'));
    await spool.append([entry(1), entry(2)]);
    const taken = await spool.takeAside(); // a process that died after the insert, before done()
    expect(taken?.entries).toHaveLength(2);
    await store.insert(taken?.entries ?? []);
    await spool.append([entry(3)]);
    const log = auditLog(store, spool);
    await log.flushSpool(); // the interrupted one first
    await log.flushSpool(); // then the spool
    expect([...store.rows.keys()].sort()).toEqual(['e1', 'e2', 'e3']);
    expect(await spool.pending()).toBe(false);
    await log.close();
  });

  it('after a failure, sends new entries straight to the spool until the retry delay passes', async () => {
    const store = new FakeStore();
    let inserts = 0;
    const counting: AuditStore = {
      insert: (entries) => {
        inserts++;
        return store.insert(entries);
      },
    };
    const log = auditLog(counting, undefined, { databaseRetryMs: 10_000 });
    store.up = false;
    await log.record(entry(1));
    await log.record(entry(2));
    await log.record(entry(3));
    expect(inserts).toBe(1);
    await log.close();
  });

  it('rejects the call when neither the database nor the spool can take the entry', async () => {
    const store = new FakeStore();
    store.up = false;
    const log = auditLog(store, undefined, {
      writeSpool: async () => {
        throw new Error('disk full');
      },
    });
    await expect(log.record(entry(1))).rejects.toThrow('disk full');
    await log.close();
  });

  it('skips a torn last line of the spool', () => {
    const text = `${JSON.stringify(entry(1))}\n{"id":"e2","at`;
    expect(parseLines(text).map((e) => e.id)).toEqual(['e1']);
  });

  it('spools a batch whose insert outlasts the budget; the late commit and the flush store it once', async () => {
    const store = new FakeStore();
    let release: () => void = () => undefined;
    const slow: AuditStore = {
      insert: async (entries) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        await store.insert(entries);
      },
    };
    const spool = new AuditSpool(join(dir, 'spool.jsonl'));
    const log = auditLog(slow, spool, { databaseBudgetMs: 20 });
    const started = Date.now();
    await log.record(entry(1));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await spool.pending()).toBe(true);
    release(); // the slow insert commits after all
    await new Promise((resolve) => setTimeout(resolve, 20));
    await new AuditLog({
      store,
      spool,
      logger,
      flushIntervalMs: 10_000,
      databaseRetryMs: 50,
      databaseBudgetMs: 1000,
    }).flushSpool();
    expect([...store.rows.keys()]).toEqual(['e1']);
    await log.close();
  });

  it("sends a call's entry straight to the spool when the call itself failed on the database", async () => {
    const store = new FakeStore();
    const spool = new AuditSpool(join(dir, 'spool.jsonl'));
    const log = auditLog(store, spool);
    await log.record(entry(1), { databaseFailed: true });
    expect(store.rows.size).toBe(0);
    expect(await spool.pending()).toBe(true);
    await log.close();
  });

  it('sets aside a spooled entry the database refuses as data, and stores the rest of its batch', async () => {
    const store = new FakeStore();
    const picky: AuditStore = {
      insert: async (entries) => {
        if (entries.some((e) => e.id === 'e2'))
          throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
        await store.insert(entries);
      },
    };
    const spool = new AuditSpool(join(dir, 'spool.jsonl'));
    await spool.append([entry(1), entry(2), entry(3)]);
    const log = auditLog(picky, spool);
    await log.flushSpool();
    expect([...store.rows.keys()].sort()).toEqual(['e1', 'e3']);
    expect(await spool.pending()).toBe(false);
    const rejected = await readFile(`${spool.path}.rejected`, 'utf8');
    expect(JSON.parse(rejected)).toMatchObject({
      reason: 'unsupported Unicode escape sequence',
      entry: { id: 'e2' },
    });
    await log.close();
  });

  it('settles: true once everything recorded is in the database, false while it stays spooled', async () => {
    const store = new FakeStore();
    const spool = new AuditSpool(join(dir, 'spool.jsonl'));
    const log = auditLog(store, spool);
    store.up = false;
    await log.record(entry(1));
    expect(await log.settle(100)).toBe(false);
    store.up = true;
    expect(await log.settle(2000)).toBe(true);
    expect([...store.rows.keys()]).toEqual(['e1']);
    await log.close();
  });
});
