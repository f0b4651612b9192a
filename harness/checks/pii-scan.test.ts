import { describe, expect, it } from 'vitest';
import type { PiiHit, PiiSourceScan, RecordOf } from '../journal/index.ts';
import { piiScan } from './pii-scan.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';

const SOURCES: PiiSourceScan[] = [
  { source: 'logs', scanned: '120 lines' },
  { source: 'database', scanned: '14 columns of 5 tables' },
  { source: 'state', scanned: '1 files, 3 lines' },
];

function scan(hits: PiiHit[] = [], sources = SOURCES, values = 72): RecordOf<'snapshot'> {
  return { type: 'snapshot', name: 'piiScan', at: 1e6, values, sources, hits, hitsTotal: hits.length };
}

const hit = (over: Partial<PiiHit> = {}): PiiHit => ({
  source: 'logs',
  location: 'log line 57',
  kind: 'email',
  owner: 'cus_1',
  masked: 'ad… (28 chars)',
  occurrences: 1,
  ...over,
});

describe('piiScan', () => {
  it('passes when no value was found anywhere, saying what was searched', () => {
    const [v] = runChecks([piiScan()], [call(), scan()]);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'None of the 72 seeded sensitive values found in plaintext; searched logs: 120 lines; database: 14 columns of 5 tables; STATE_DIR: 1 files, 3 lines.',
    );
  });

  it('fails on a hit, naming where it was and whose value it is, masked', () => {
    const [v] = runChecks(
      [piiScan()],
      [
        scan([
          hit(),
          hit({
            source: 'database',
            location: 'customers.phone',
            kind: 'phone',
            owner: 'cus_2',
            occurrences: 12,
          }),
          hit({ source: 'state', location: 'audit-spool.jsonl line 3' }),
        ]),
      ],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain(
      'Plaintext personal data found: 3 hits (1 in logs, 1 in database, 1 in STATE_DIR)',
    );
    expect(v?.summary).toContain('values of 2 customers');
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'logs: log line 57: the email of cus_1 (ad… (28 chars)) in plaintext',
      'database: customers.phone: the phone of cus_2 (ad… (28 chars)) in plaintext, 12 rows',
      'STATE_DIR: audit-spool.jsonl line 3: the email of cus_1 (ad… (28 chars)) in plaintext',
    ]);
  });

  it('counts hits beyond the journaled ones', () => {
    const record = { ...scan([hit()]), hitsTotal: 500 } as RecordOf<'snapshot'>;
    const [v] = runChecks([piiScan()], [record]);
    expect(v?.status).toBe('fail');
    expect(v?.evidenceTotal).toBe(500);
    expect(v?.summary).toContain('500 hits (1 in logs, of the first 1)');
  });

  it('is inconclusive without a snapshot, without values, or when the database could not be searched', () => {
    expect(runChecks([piiScan()], [call()])[0]?.status).toBe('inconclusive');
    expect(runChecks([piiScan()], [scan([], SOURCES, 0)])[0]?.status).toBe('inconclusive');
    const [v] = runChecks(
      [piiScan()],
      [
        scan(
          [],
          [
            {
              source: 'database',
              scanned: 'nothing',
              error: 'the database could not be searched: ECONNREFUSED',
            },
          ],
        ),
      ],
    );
    expect(v?.status).toBe('inconclusive');
    expect(v?.summary).toContain('ECONNREFUSED');
  });

  it('still fails on a hit when another source could not be searched', () => {
    const [v] = runChecks(
      [piiScan()],
      [
        scan(
          [hit()],
          [{ source: 'database', scanned: 'nothing', error: 'down' }, SOURCES[0] as PiiSourceScan],
        ),
      ],
    );
    expect(v?.status).toBe('fail');
  });

  it('passes, naming a source the runtime could not offer', () => {
    const [v] = runChecks(
      [piiScan()],
      [
        scan(
          [],
          [
            SOURCES[0] as PiiSourceScan,
            SOURCES[1] as PiiSourceScan,
            {
              source: 'state',
              scanned: 'nothing',
              error: "the containers runtime cannot read the target's STATE_DIR",
            },
          ],
        ),
      ],
    );
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain(
      "STATE_DIR: nothing (incomplete: the containers runtime cannot read the target's STATE_DIR)",
    );
  });
});
