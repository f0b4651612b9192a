/**
 * DELIBERATE DEFECTS. This module exists only to prove that the mcp-chaos harness catches real
 * bugs: each defect reproduces a class of production incident (the reference story's deployment
 * that served one customer's data to another). A defect is active only when the DEFECT setting
 * names it explicitly; the server logs it loudly at start and reports it on /version. With
 * DEFECT=none (the default) every function here is the identity.
 *
 * The answer defects affect only lookup_customer, and authorization still runs on the customer
 * the caller asked for, exactly like the real bug: the policy passes, then the wrong record is
 * answered. `sql-in-errors` affects error messages only: the driver's error and the failing
 * statement reach the client, as in a service that returns its exceptions' text.
 */
import type { Repository } from '../db/repository.ts';
import type { Customer } from '../domain.ts';
import type { DefectName } from './names.ts';

export { DEFECT_NAMES, type DefectName } from './names.ts';

export interface Defects {
  readonly name: DefectName;
  /** Chooses the record lookup_customer answers with, given the one it was authorized for. */
  answerForLookup(repository: Repository, authorized: Customer): Promise<Customer>;
  /** The message an error result carries, given the contract's message and what was thrown. */
  errorMessage(message: string, cause: unknown): string;
}

const contractMessage = (message: string): string => message;

// What a service that returns its exceptions' text shows: the driver's error and the statement.
function withInternals(message: string, cause: unknown): string {
  if (!(cause instanceof Error)) return message;
  const query = (cause as { query?: unknown }).query;
  return `${message}: ${cause.message}${typeof query === 'string' ? ` (query: ${query.replace(/\s+/g, ' ')})` : ''}`;
}

const pickAt = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[((index % items.length) + items.length) % items.length];

// The next customer (by id) of the same tenant: isolation checks pass, correctness checks must not.
async function wrongCustomerSameTenant(repository: Repository, authorized: Customer): Promise<Customer> {
  const peers = await repository.listTenantCustomers(authorized.tenantId);
  const index = peers.findIndex((c) => c.id === authorized.id);
  return pickAt(peers, index + 1) ?? authorized;
}

// The customer at the same position in the next tenant (by id): a cross-tenant leak.
async function crossTenantCustomer(repository: Repository, authorized: Customer): Promise<Customer> {
  const tenants = await repository.listTenantIds();
  const nextTenant = pickAt(tenants, tenants.indexOf(authorized.tenantId) + 1);
  if (nextTenant === undefined || nextTenant === authorized.tenantId) return authorized;
  const own = await repository.listTenantCustomers(authorized.tenantId);
  const foreign = await repository.listTenantCustomers(nextTenant);
  return (
    pickAt(
      foreign,
      own.findIndex((c) => c.id === authorized.id),
    ) ?? authorized
  );
}

const asAuthorized = async (_repository: Repository, authorized: Customer): Promise<Customer> => authorized;

export function selectDefects(name: DefectName): Defects {
  switch (name) {
    case 'none':
      return { name, answerForLookup: asAuthorized, errorMessage: contractMessage };
    case 'wrong-customer-same-tenant':
      return { name, answerForLookup: wrongCustomerSameTenant, errorMessage: contractMessage };
    case 'cross-tenant-customer':
      return { name, answerForLookup: crossTenantCustomer, errorMessage: contractMessage };
    case 'sql-in-errors':
      return { name, answerForLookup: asAuthorized, errorMessage: withInternals };
  }
}
