import { describe, expect, it } from 'vitest';
import { sensitiveValues } from '../dataset/sensitive.ts';
import { LineScanner, scanFiles } from './text.ts';

const values = sensitiveValues({
  customers: [
    { id: 'c1', tenantId: 't', name: 'n', email: 'ada@x.example', phone: '+1-555-0101-0001', tier: 'x' },
  ],
});

describe('LineScanner', () => {
  it('records each hit with its place and the value masked, never in full', () => {
    const scanner = new LineScanner(values, 'logs');
    scanner.line('{"level":40,"msg":"tool call","customerId":"c1"}', 'log line 1');
    scanner.line('{"level":40,"msg":"debug: answered ada@x.example / ada@x.example"}', 'log line 2');
    expect(scanner.lines).toBe(2);
    expect(scanner.hits).toEqual([
      {
        source: 'logs',
        location: 'log line 2',
        kind: 'email',
        owner: 'c1',
        masked: 'ad… (13 chars)',
        occurrences: 2,
      },
    ]);
    expect(JSON.stringify(scanner.hits)).not.toContain('ada@x.example');
  });
});

describe('scanFiles', () => {
  it('searches every line of every file (a spool with a leaked value, one without)', () => {
    const spool = [
      JSON.stringify({ id: 'e1', tool: 'lookup_customer', recordIds: ['c1'], outcome: 'OK' }),
      JSON.stringify({ id: 'e2', tool: 'lookup_customer', recordIds: ['+1-555-0101-0001'], outcome: 'OK' }),
    ].join('\n');
    const scanner = scanFiles(
      [
        { path: 'audit-spool.jsonl', content: Buffer.from(spool) },
        { path: 'clean.jsonl', content: Buffer.from('{"id":"e3"}\n') },
      ],
      values,
    );
    expect(scanner.hits.map((h) => `${h.location} ${h.kind}`)).toEqual(['audit-spool.jsonl line 2 phone']);
    expect(scanner.lines).toBe(4);
  });
});
