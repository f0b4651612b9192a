import { hash } from 'node:crypto';

/**
 * Canonical JSON: JSON.stringify semantics (toJSON honoured, undefined, functions and symbols
 * dropped from objects and null in arrays, non-finite numbers become null) with object keys
 * sorted at every depth, so that two equal values digest the same whatever order their keys
 * were built in. Arrays keep their order. A bare `undefined` canonicalises to `null` so that a
 * missing result still has a digest. The driver digests every call's arguments and result, so
 * this copies only the objects whose keys are out of order and leaves the writing to the
 * native JSON.stringify (a property test holds it equal to the plain definition).
 */
export function canonicalJson(value: unknown): string {
  const ordered = sorted(value, '');
  // Objects list integer-like keys first whatever the order they were added in, so where there
  // are some, the native writer cannot give code-unit order: write those values by hand.
  if (ordered === INTEGER_KEYS) return write(value, '') ?? 'null';
  return JSON.stringify(ordered) ?? 'null';
}

const INTEGER_KEYS = Symbol('integer-like keys');
const INTEGER_KEY = /^(?:0|[1-9]\d*)$/;

/** sha256 hex of the canonical JSON of `value`. */
export function digest(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex');
}

/** `value` with object keys in order at every depth: the same object where they already are. */
function sorted(value: unknown, key: string): unknown {
  // (INTEGER_KEYS travels up from any depth.)
  if (typeof value !== 'object' || value === null) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    // What JSON.stringify would write is what toJSON returns: order that.
    return sorted((value as { toJSON: (key: string) => unknown }).toJSON(key), key);
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = sorted(value[i], String(i));
      if (item === INTEGER_KEYS) return INTEGER_KEYS;
      if (item !== value[i]) {
        copy ??= value.slice();
        copy[i] = item;
      }
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1 && INTEGER_KEY.test(keys[0] as string)) return INTEGER_KEYS; // they come first
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = (keys[i - 1] as string) < (keys[i] as string);
  if (inOrder) {
    let copy: Record<string, unknown> | undefined;
    for (const k of keys) {
      const item = sorted(record[k], k);
      if (item === INTEGER_KEYS) return INTEGER_KEYS;
      if (item !== record[k]) {
        copy ??= { ...record };
        copy[k] = item;
      }
    }
    return copy ?? value;
  }
  keys.sort();
  // A null-prototype object: a key such as "__proto__" stays an ordinary key.
  const copy: Record<string, unknown> = Object.create(null);
  for (const k of keys) {
    const item = sorted(record[k], k);
    if (item === INTEGER_KEYS) return INTEGER_KEYS;
    copy[k] = item;
  }
  return copy;
}

/** Object keys repeat call after call (one schema, many calls): quote each once. */
const quotedKeys = new Map<string, string>();

function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, text);
  }
  return text;
}

function write(value: unknown, key: string): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      // As JSON.stringify does.
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += write(value[i], String(i)) ?? 'null';
        }
        return `${out}]`;
      }
      if (value instanceof Number || value instanceof String || value instanceof Boolean) {
        return write(value.valueOf(), key);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const text = write(record[k], k);
        if (text === undefined) continue;
        out += `${first ? '' : ','}${quoted(k)}:${text}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

/**
 * The digest of a call's arguments for the call sequence: as sent, but with the run id taken out
 * of any value that starts with it (idempotency keys are `${runId}-…` so that two runs never
 * share one), since the run id is random and the sequence must depend on the seed alone.
 */
export function sequenceArgsDigest(
  args: Record<string, unknown>,
  runId: string,
  argsDigest?: string,
): string {
  const prefix = `${runId}-`;
  let changed = false;
  const normalized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (typeof value === 'string' && value.startsWith(prefix)) {
      normalized[key] = `<run>-${value.slice(prefix.length)}`;
      changed = true;
    } else {
      normalized[key] = value;
    }
  }
  return changed ? digest(normalized) : (argsDigest ?? digest(args));
}
