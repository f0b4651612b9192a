/**
 * Headers that belong to one connection, not to the message (RFC 9110 §7.6.1): a proxy must not
 * pass them on. Node writes its own framing (content-length or chunked, keep-alive) on each side.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The end-to-end headers of a message, as a flat raw list (name, value, name, value …: Node's
 * `rawHeaders` format, which keeps repeated headers such as set-cookie apart). Headers the
 * `Connection` header names are hop-by-hop too.
 */
export function endToEndHeaders(rawHeaders: readonly string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== 'connection') continue;
    for (const token of (rawHeaders[i + 1] ?? '').split(',')) named.add(token.trim().toLowerCase());
  }
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    kept.push(name, rawHeaders[i + 1] ?? '');
  }
  return kept;
}

/** A request's headers for the instance: end-to-end ones, and the client's address appended to x-forwarded-for. */
export function upstreamRequestHeaders(
  rawHeaders: readonly string[],
  clientAddress: string | undefined,
): string[] {
  const kept: string[] = [];
  let forwardedFor: string | undefined;
  const headers = endToEndHeaders(rawHeaders);
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] ?? '';
    const value = headers[i + 1] ?? '';
    if (name.toLowerCase() === 'x-forwarded-for')
      forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
    else kept.push(name, value);
  }
  if (clientAddress) forwardedFor = forwardedFor ? `${forwardedFor}, ${clientAddress}` : clientAddress;
  if (forwardedFor) kept.push('x-forwarded-for', forwardedFor);
  return kept;
}

/** The JSON-RPC error body the router answers with itself (id null: the request was not read). */
export function jsonRpcError(message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}
