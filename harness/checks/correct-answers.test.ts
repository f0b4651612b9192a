import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { correctAnswers } from './correct-answers.ts';
import { MAX_PENDING } from './dataset.ts';
import { runChecks } from './run.ts';
import { call, dataset, type JournalRecord } from './test-journal.ts';

const c1 = { id: 'c1', tenantId: 't1', name: 'Name c1', email: 'c1@example.test', tier: 'gold' };
const lookup = (customerId: string, customer: unknown) =>
  call({ tool: 'lookup_customer', args: { customerId }, result: { customer } });
const orders = (customerId: string, list: unknown[]) =>
  call({ tool: 'list_orders', args: { customerId }, result: { customerId, orders: list } });
const o1 = { id: 'o1', customerId: 'c1', status: 'shipped', totalCents: 1000 };
const ticket = (args: Record<string, string>, t: unknown) =>
  call({ tool: 'create_ticket', args, result: { ticket: t } });

describe('correctAnswers', () => {
  it('passes when every ok answer matches the dataset, even if the dataset comes later', () => {
    const journal = [
      lookup('c1', c1),
      dataset(),
      orders('c1', [o1]),
      ticket({ customerId: 'c1', idempotencyKey: 'k1' }, { id: 'x', customerId: 'c1', idempotencyKey: 'k1' }),
      call({ tool: 'lookup_customer', outcome: 'error', code: 'NOT_FOUND' }), // not an answer to compare
    ];
    const [v] = runChecks([correctAnswers()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'All 3 ok answers checked against the dataset were correct (1 lookup_customer, 1 list_orders, 1 create_ticket).',
    );
  });

  it('fails on the wrong customer, wrong fields, foreign or unknown orders and mismatched tickets', () => {
    const wrongCustomer = lookup('c1', { ...c1, id: 'c2' });
    const wrongEmail = lookup('c1', { ...c1, email: 'x@y' });
    const badOrders = orders('c1', [{ ...o1, totalCents: 1 }, { id: 'o3' }, { id: 'tk1' }]);
    const badTicket = ticket(
      { customerId: 'c1', idempotencyKey: 'k1' },
      { customerId: 'c1', idempotencyKey: 'k2' },
    );
    const [v] = runChecks([correctAnswers()], [dataset(), wrongCustomer, wrongEmail, badOrders, badTicket]);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe(
      '4 of 4 ok answers disagreed with the dataset (2 lookup_customer, 1 list_orders, 1 create_ticket).',
    );
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'lookup_customer: asked for "c1", got "c2"',
      'lookup_customer: email is "x@y", dataset says "c1@example.test"',
      'list_orders: order o1 totalCents is 1, dataset says 1000; order o3 belongs to c3; order "tk1" is not in the dataset',
      'create_ticket: ticket idempotencyKey is "k2", the call sent "k1"',
    ]);
    expect(v?.evidence[0]?.correlationId).toBe(wrongCustomer.correlationId);
  });

  it('is inconclusive without a dataset or without ok answers', () => {
    expect(runChecks([correctAnswers()], [lookup('c1', c1)])[0]?.summary).toMatch(/^No dataset record/);
    const [v] = runChecks([correctAnswers()], [dataset(), call({ tool: 'toString', args: {} })]);
    expect(v?.status).toBe('inconclusive');
  });

  it('holds at most maxPending ok calls while no dataset record has come, and says what went unchecked', () => {
    const check = correctAnswers({ maxPending: 2 });
    const state = check.init();
    for (let i = 0; i < 5; i++) check.update(state, lookup('c1', c1));
    expect(state.pending).toHaveLength(2);
    check.update(state, dataset());
    check.update(state, lookup('c1', c1));
    expect(check.finish(state)).toMatchObject({
      status: 'inconclusive',
      summary:
        'All 3 ok answers checked against the dataset were correct (3 lookup_customer), but not all could be checked: 3 ok answers journaled before the dataset record, beyond the ones held for it, went unchecked.',
    });
    check.update(state, lookup('c1', { ...c1, id: 'c2' }));
    expect(check.finish(state)).toMatchObject({
      status: 'fail',
      summary:
        '1 of 4 ok answers disagreed with the dataset (1 lookup_customer). 3 ok answers journaled before the dataset record, beyond the ones held for it, went unchecked.',
    });
  });

  it('keeps memory bounded on a long journal without a dataset record', () => {
    const check = correctAnswers();
    const state = check.init();
    for (let i = 0; i < 100_000; i++) check.update(state, lookup('c1', c1));
    expect(state.pending).toHaveLength(MAX_PENDING);
    expect(check.finish(state).summary).toMatch(/^No dataset record/);
  });
});

describe('correctAnswers: stale answers', () => {
  const header = (startedAt: number): JournalRecord => ({
    type: 'header',
    runId: 'r',
    scenario: 's',
    seed: 1,
    runtime: 'local',
    startedAt,
    versions: { harness: '0', node: 'v24' },
    config: {},
  });
  const stop = (event: RecordOf<'fault'>['event'], at: number): RecordOf<'fault'> => ({
    type: 'fault',
    fault: 'stop(postgres)',
    event,
    at,
  });
  // PostgreSQL stopped from 10,000 (inject done) until 30,000 (heal begins).
  const outage = [
    stop('injecting', 9_800),
    stop('inject', 10_000),
    stop('healing', 30_000),
    stop('heal', 30_900),
  ];
  const read = (at: number, stale?: unknown, tool = 'lookup_customer') =>
    call({
      at,
      tool,
      args: { customerId: 'c1' },
      result:
        tool === 'lookup_customer'
          ? { customer: c1, ...(stale === undefined ? {} : { stale }) }
          : { customerId: 'c1', orders: [o1], ...(stale === undefined ? {} : { stale }) },
    });
  /** The journal in the order it is written: records by time (calls at their end). */
  const journal = (...records: JournalRecord[]) =>
    [header(0), dataset(), ...records].sort((a, b) => timeOf(a) - timeOf(b));
  const timeOf = (r: JournalRecord) => (r.type === 'call' ? r.end : r.type === 'fault' ? r.at : -1);

  it('passes marked stale answers with plausible ages, and says how many and how old', () => {
    const [v] = runChecks(
      [correctAnswers({ minStaleAnswers: 2 })],
      journal(
        ...outage,
        read(5_000),
        read(10_300), // unmarked, but within the first second: a copy still fresh when PostgreSQL went
        read(15_000, { ageMs: 9_000 }),
        read(29_000, { ageMs: 24_500 }, 'list_orders'),
        read(31_000),
      ),
    );
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'All 5 ok answers checked against the dataset were correct (4 lookup_customer, 1 list_orders). ' +
        '2 answers were served stale and marked so (1 lookup_customer, 1 list_orders; ages 9,000–24,500 ms). ' +
        '3 ok reads started while PostgreSQL was down (stop(postgres) 00:00:10.000Z–00:00:30.000Z); every one more than 1,000 ms into an outage was marked stale.',
    );
  });

  it('fails an unmarked read answered well inside the outage, naming it', () => {
    const unmarked = read(12_000);
    const orders = read(20_000, undefined, 'list_orders');
    const [v] = runChecks(
      [correctAnswers()],
      journal(...outage, read(15_000, { ageMs: 9_000 }), unmarked, orders),
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe(
      '2 of 3 ok answers were reads answered unmarked while PostgreSQL was down, claiming a freshness they cannot have had.',
    );
    expect(v?.evidence[0]).toEqual({
      correlationId: unmarked.correlationId,
      message:
        'lookup_customer: answered ok and unmarked 2,000 ms into stop(postgres) (PostgreSQL down since 00:00:10.000Z): a freshness it cannot have had; an older copy must be marked stale with its age',
    });
    expect(v?.evidence[1]?.correlationId).toBe(orders.correlationId);
  });

  it('leaves unmarked answers alone outside the certain outage: before the inject completed, from the heal on', () => {
    const [v] = runChecks(
      [correctAnswers()],
      journal(...outage, read(9_900), read(29_995, undefined), read(30_100)),
    );
    expect(v?.summary).toMatch(/^All \d ok answers/);
    expect(v?.status).toBe('pass');
  });

  it('fails stale marks without a valid age, older than the run, or younger than the outage', () => {
    const noAge = read(12_000, true);
    const negative = read(12_500, { ageMs: -5 });
    const beforeRun = read(13_000, { ageMs: 20_000 });
    const tooYoung = read(25_000, { ageMs: 2_000 });
    const [v] = runChecks(
      [correctAnswers()],
      [header(1_000), ...journal(...outage, noAge, negative, beforeRun, tooYoung).slice(1)],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe('4 of 4 ok answers carried an implausible stale mark.');
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'lookup_customer: marked stale without a valid age (stale is true)',
      'lookup_customer: marked stale without a valid age (stale is {"ageMs":-5})',
      'lookup_customer: marked stale 20,000 ms old, older than the run (which began 12,010 ms before the answer)',
      'lookup_customer: marked stale only 2,000 ms old, yet PostgreSQL had been down for 15,000 ms (stop(postgres)) when it was asked',
    ]);
  });

  it('judges a stale answer on its content like any other', () => {
    const wrong = call({
      at: 15_000,
      args: { customerId: 'c1' },
      result: { customer: { ...c1, id: 'c2' }, stale: { ageMs: 9_000 } },
    });
    const [v] = runChecks([correctAnswers()], journal(...outage, wrong));
    expect(v?.summary).toBe('1 of 1 ok answers disagreed with the dataset (1 lookup_customer).');
  });

  it('fails when fewer answers were marked stale than required, naming the outage', () => {
    const [v] = runChecks(
      [correctAnswers({ minStaleAnswers: 1 })],
      journal(...outage, read(5_000), read(31_000)),
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe(
      'Only 0 answers were marked stale, fewer than the 1 required (0 ok reads started while PostgreSQL was down (stop(postgres) 00:00:10.000Z–00:00:30.000Z)).',
    );
    expect(v?.evidence[0]?.message).toBe(
      'stale answers: 0 of at least 1; PostgreSQL outages: stop(postgres) 00:00:10.000Z–00:00:30.000Z',
    );
  });

  it('treats a link black-holed to PostgreSQL as an outage, and latency as none', () => {
    const link = (fault: string, event: RecordOf<'fault'>['event'], at: number): RecordOf<'fault'> => ({
      type: 'fault',
      fault,
      event,
      at,
      link: 'target→postgres',
    });
    const during = (fault: string) =>
      runChecks(
        [correctAnswers()],
        journal(link(fault, 'inject', 10_000), read(15_000), link(fault, 'healing', 20_000)),
      )[0]?.status;
    expect(during('blackhole(target→postgres)')).toBe('fail');
    expect(during('latency(target→postgres, 3000 ms)')).toBe('pass');
  });
});
