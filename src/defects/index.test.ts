import { describe, expect, it } from 'vitest';
import type { Repository } from '../db/repository.ts';
import type { Customer } from '../domain.ts';
import { DEFECT_NAMES, selectDefects } from './index.ts';

const c = (id: string, tenantId: string): Customer => ({
  id,
  tenantId,
  name: id,
  email: `${id}@x.test`,
  tier: 'gold',
});
const CUSTOMERS = [c('a1', 'ta'), c('a2', 'ta'), c('b1', 'tb'), c('b2', 'tb')];

const repository = {
  listTenantIds: async () => ['ta', 'tb'],
  listTenantCustomers: async (tenantId: string) => CUSTOMERS.filter((x) => x.tenantId === tenantId),
} as unknown as Repository;

describe('defects', () => {
  it('knows exactly the documented settings', () => {
    expect(DEFECT_NAMES).toEqual([
      'none',
      'wrong-customer-same-tenant',
      'cross-tenant-customer',
      'sql-in-errors',
    ]);
  });

  it('sql-in-errors puts the driver error and the failing statement in the message; the others do not', () => {
    const cause = Object.assign(new Error('Connection terminated unexpectedly'), {
      query: 'SELECT id\n  FROM customers WHERE id = $1',
    });
    expect(selectDefects('sql-in-errors').errorMessage('the database is unavailable', cause)).toBe(
      'the database is unavailable: Connection terminated unexpectedly (query: SELECT id FROM customers WHERE id = $1)',
    );
    for (const name of DEFECT_NAMES.filter((n) => n !== 'sql-in-errors')) {
      expect(selectDefects(name).errorMessage('the database is unavailable', cause)).toBe(
        'the database is unavailable',
      );
    }
  });

  it('none answers with the authorized customer', async () => {
    expect(await selectDefects('none').answerForLookup(repository, c('a1', 'ta'))).toEqual(c('a1', 'ta'));
  });

  it('wrong-customer-same-tenant answers with the next customer of the same tenant', async () => {
    const defects = selectDefects('wrong-customer-same-tenant');
    expect(await defects.answerForLookup(repository, c('a1', 'ta'))).toEqual(c('a2', 'ta'));
    expect(await defects.answerForLookup(repository, c('a2', 'ta'))).toEqual(c('a1', 'ta'));
  });

  it('cross-tenant-customer answers with the same position in the next tenant', async () => {
    const defects = selectDefects('cross-tenant-customer');
    expect(await defects.answerForLookup(repository, c('a2', 'ta'))).toEqual(c('b2', 'tb'));
    expect(await defects.answerForLookup(repository, c('b1', 'tb'))).toEqual(c('a1', 'ta'));
  });
});
