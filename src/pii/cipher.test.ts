import { describe, expect, it } from 'vitest';
import { AesGcmPiiCipher, PiiDecryptError } from './cipher.ts';

const KEY_1 = Buffer.alloc(32, 1);
const KEY_2 = Buffer.alloc(32, 2);
const cipher = new AesGcmPiiCipher(new Map([[1, KEY_1]]), 1);
const CONTEXT = 'customers.email:cus_1';

describe('AesGcmPiiCipher', () => {
  it('round-trips a value, and the stored bytes do not contain it', () => {
    const sealed = cipher.seal('ada.lovelace@tenant1.example', CONTEXT);
    expect(sealed.includes(Buffer.from('ada.lovelace'))).toBe(false);
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(1 + 12 + 16 + Buffer.byteLength('ada.lovelace@tenant1.example'));
    expect(cipher.open(sealed, CONTEXT)).toBe('ada.lovelace@tenant1.example');
    expect(cipher.open(cipher.seal('', CONTEXT), CONTEXT)).toBe('');
    expect(cipher.open(cipher.seal('Zoë ☎ +1-555', CONTEXT), CONTEXT)).toBe('Zoë ☎ +1-555');
  });

  it('uses a fresh IV per value: the same plaintext never seals to the same bytes', () => {
    const a = cipher.seal('same', CONTEXT);
    const b = cipher.seal('same', CONTEXT);
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
  });

  it('detects tampering with the ciphertext, the tag or the IV (GCM tag)', () => {
    const sealed = cipher.seal('ada@x.test', CONTEXT);
    for (const at of [1, 13, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      expect(() => cipher.open(tampered, CONTEXT)).toThrow(PiiDecryptError);
    }
    expect(() => cipher.open(sealed.subarray(0, 20), CONTEXT)).toThrow(/shorter than its header/);
  });

  it('refuses a value moved to another row or column (associated data)', () => {
    const sealed = cipher.seal('ada@x.test', CONTEXT);
    expect(() => cipher.open(sealed, 'customers.email:cus_2')).toThrow(PiiDecryptError);
    expect(() => cipher.open(sealed, 'customers.phone:cus_1')).toThrow(PiiDecryptError);
  });

  it('refuses to open with a wrong key, and says which key version is missing', () => {
    const sealed = cipher.seal('ada@x.test', CONTEXT);
    const wrong = new AesGcmPiiCipher(new Map([[1, KEY_2]]), 1);
    expect(() => wrong.open(sealed, CONTEXT)).toThrow(/failed authentication/);
    const other = new AesGcmPiiCipher(new Map([[2, KEY_2]]), 2);
    expect(() => other.open(sealed, CONTEXT)).toThrow(/key version 1, which is not configured/);
  });

  it('rotates keys: seals with the current version, still opens values sealed under a retired one', () => {
    const old = cipher.seal('ada@x.test', CONTEXT);
    const rotated = new AesGcmPiiCipher(
      new Map([
        [1, KEY_1],
        [2, KEY_2],
      ]),
      2,
    );
    const fresh = rotated.seal('ada@x.test', CONTEXT);
    expect(fresh[0]).toBe(2);
    expect(rotated.open(old, CONTEXT)).toBe('ada@x.test');
    expect(rotated.open(fresh, CONTEXT)).toBe('ada@x.test');
    expect(() => cipher.open(fresh, CONTEXT)).toThrow(PiiDecryptError);
  });

  it('validates its keys', () => {
    expect(() => new AesGcmPiiCipher(new Map([[1, Buffer.alloc(16)]]), 1)).toThrow(/must be 32 bytes/);
    expect(() => new AesGcmPiiCipher(new Map([[0, KEY_1]]), 0)).toThrow(/from 1 to 255/);
    expect(() => new AesGcmPiiCipher(new Map([[1, KEY_1]]), 2)).toThrow(
      /no PII key for the current version 2/,
    );
  });
});
