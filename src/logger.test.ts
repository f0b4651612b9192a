import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('info', 'unit', stream), lines };
}

const EMAIL = 'ada.lovelace.1@tenant1.example';
const PHONE = '+1-555-001-0001';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.secret.signature';

describe('createLogger', () => {
  it('censors tokens and headers wherever code puts them', () => {
    const { logger, lines } = capture();
    logger.info({ authorization: `Bearer ${TOKEN}` }, 'a');
    logger.info({ req: { headers: { authorization: `Bearer ${TOKEN}`, cookie: 'sid=1' } } }, 'b');
    logger.info({ token: TOKEN, auth: { token: TOKEN, adminToken: 'admin-secret' } }, 'c');
    logger.info({ config: { adminToken: 'admin-secret', password: 'hunter2' } }, 'd');
    const text = lines.join('');
    for (const secret of [TOKEN, 'admin-secret', 'hunter2', 'sid=1']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('censors personal data in fields: a logged record, a nested one, a list of them', () => {
    const { logger, lines } = capture();
    const customer = { id: 'cus_1', name: 'Ada', email: EMAIL, phone: PHONE };
    logger.warn({ customer }, 'one');
    logger.warn({ email: EMAIL, phone: PHONE }, 'flat');
    logger.warn({ answer: { customer } }, 'nested');
    logger.warn({ customers: [customer, customer] }, 'list');
    logger.warn({ dataset: { customers: [customer] } }, 'dataset');
    const text = lines.join('');
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(PHONE);
    // Ids stay: they are what the log is for.
    expect(text).toContain('cus_1');
    expect(lines).toHaveLength(5);
  });

  it('cannot reach a value interpolated into the message (why code must never do that)', () => {
    const { logger, lines } = capture();
    logger.warn(`answered ${EMAIL}`);
    expect(lines.join('')).toContain(EMAIL);
  });
});
