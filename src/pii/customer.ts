import type { Customer } from '../domain.ts';
import type { PiiCipher } from './cipher.ts';

/** A customers row as PostgreSQL holds it: the contact fields sealed (see cipher.ts). */
export interface SealedCustomerRow {
  id: string;
  tenantId: string;
  name: string;
  email: Buffer;
  phone: Buffer | null;
  tier: string;
}

// The associated data of each sealed field: its column and its row, so that a value copied into
// another customer's row (or from email to phone) fails to open rather than read as theirs.
const context = (column: 'email' | 'phone', customerId: string) => `customers.${column}:${customerId}`;

export function sealContact(
  cipher: PiiCipher,
  customer: Pick<Customer, 'id' | 'email' | 'phone'>,
): { email: Buffer; phone: Buffer | null } {
  return {
    email: cipher.seal(customer.email, context('email', customer.id)),
    phone: customer.phone === undefined ? null : cipher.seal(customer.phone, context('phone', customer.id)),
  };
}

/** The customer a sealed row holds; throws PiiDecryptError for a value that does not open. */
export function openCustomer(cipher: PiiCipher, row: SealedCustomerRow): Customer {
  const { email, phone, ...rest } = row;
  return {
    ...rest,
    email: cipher.open(email, context('email', row.id)),
    ...(phone === null ? {} : { phone: cipher.open(phone, context('phone', row.id)) }),
  };
}
