import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Field-level encryption of personal data at rest (customers' email and phone): AES-256-GCM
 * from node:crypto, a fresh random 12-byte IV per value, the 16-byte tag checked on every read.
 *
 * Stored layout (a bytea column):  version (1 byte) | IV (12) | tag (16) | ciphertext
 *
 * The version byte names the key that sealed the value, so a key can be rotated: new writes use
 * the current key, values sealed under an older one still open as long as that key is configured.
 * The associated data binds each value to its row and column (`customers.email:cus_…`): a
 * ciphertext copied into another row or column fails its tag instead of reading as that row's.
 */
export const PII_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/** Sealing and opening personal data; the production cipher is AES-256-GCM, a defect may differ. */
export interface PiiCipher {
  seal(plaintext: string, context: string): Buffer;
  open(sealed: Buffer, context: string): string;
}

/** A stored value that cannot be opened: tampered with, sealed for another row, or an unknown key. */
export class PiiDecryptError extends Error {
  override readonly name = 'PiiDecryptError';
}

export class AesGcmPiiCipher implements PiiCipher {
  readonly #keys: ReadonlyMap<number, Buffer>;
  readonly #current: number;

  /** `keys` by version (1–255); `current` is the one new values are sealed with. */
  constructor(keys: ReadonlyMap<number, Buffer>, current: number) {
    for (const [version, key] of keys) {
      if (!Number.isInteger(version) || version < 1 || version > 255) {
        throw new RangeError(`PII key version ${version} must be an integer from 1 to 255`);
      }
      if (key.length !== PII_KEY_BYTES) {
        throw new RangeError(`PII key version ${version} must be ${PII_KEY_BYTES} bytes, not ${key.length}`);
      }
    }
    if (!keys.has(current)) throw new RangeError(`no PII key for the current version ${current}`);
    this.#keys = keys;
    this.#current = current;
  }

  seal(plaintext: string, context: string): Buffer {
    const key = this.#keys.get(this.#current) as Buffer;
    // Random, never a counter: several instances seal with the same key and share no state.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([this.#current]), iv, cipher.getAuthTag(), ciphertext]);
  }

  open(sealed: Buffer, context: string): string {
    if (sealed.length < HEADER_BYTES) {
      throw new PiiDecryptError(`a sealed ${context} is ${sealed.length} bytes, shorter than its header`);
    }
    const version = sealed[0] as number;
    const key = this.#keys.get(version);
    if (!key) {
      throw new PiiDecryptError(
        `${context} was sealed with PII key version ${version}, which is not configured (PII_PREVIOUS_KEYS)`,
      );
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      // GCM says only "unable to authenticate": a wrong key and a tampered value look the same.
      throw new PiiDecryptError(
        `${context} failed authentication: tampered with, sealed for another record, or a wrong key`,
      );
    }
  }
}
