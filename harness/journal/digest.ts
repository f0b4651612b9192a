import { createHash } from 'node:crypto';

/**
 * Canonical JSON: JSON.stringify semantics (toJSON honoured, undefined properties dropped,
 * non-finite numbers become null) with object keys sorted at every depth, so that two equal
 * values digest the same whatever order their keys were built in. Arrays keep their order.
 * A bare `undefined` canonicalises to `null` so that a missing result still has a digest.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortKeys) ?? 'null';
}

/** sha256 hex of the canonical JSON of `value`. */
export function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function sortKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
