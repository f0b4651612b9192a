import { describe, expect, it } from 'vitest';
import { AesGcmPiiCipher, PiiDecryptError } from './cipher.ts';
import { openCustomer, sealContact } from './customer.ts';

const cipher = new AesGcmPiiCipher(new Map([[1, Buffer.alloc(32, 3)]]), 1);
const ada = {
  id: 'c1',
  tenantId: 't1',
  name: 'Ada',
  email: 'ada@x.test',
  phone: '+1-555-0101-0001',
  tier: 'gold',
};

describe('sealContact / openCustomer', () => {
  it('round-trips a customer; a customer without a phone stays without one', () => {
    const sealed = sealContact(cipher, ada);
    expect(sealed.email.includes(Buffer.from(ada.email))).toBe(false);
    expect(openCustomer(cipher, { ...ada, ...sealed })).toEqual(ada);
    const { phone: _phone, ...noPhone } = ada;
    const sealedNoPhone = sealContact(cipher, noPhone);
    expect(sealedNoPhone.phone).toBeNull();
    expect(openCustomer(cipher, { ...noPhone, ...sealedNoPhone })).toEqual(noPhone);
  });

  it("refuses another customer's sealed email pasted into this row, and an email moved to phone", () => {
    const other = sealContact(cipher, { id: 'c2', email: 'grace@x.test' });
    const mine = sealContact(cipher, ada);
    expect(() => openCustomer(cipher, { ...ada, ...mine, email: other.email })).toThrow(PiiDecryptError);
    expect(() => openCustomer(cipher, { ...ada, ...mine, phone: mine.email })).toThrow(PiiDecryptError);
  });
});
