import { describe, expect, it } from 'vitest';
import { endToEndHeaders, jsonRpcError, upstreamRequestHeaders } from './headers.ts';

describe('endToEndHeaders', () => {
  it('drops hop-by-hop headers and those Connection names, keeps repeated ones apart', () => {
    const raw = [
      'Host',
      'a:1',
      'Connection',
      'keep-alive, X-Trace',
      'Keep-Alive',
      'timeout=5',
      'Transfer-Encoding',
      'chunked',
      'X-Trace',
      'secret',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'Mcp-Session-Id',
      's1',
      'TE',
      'trailers',
      'Upgrade',
      'h2c',
    ];
    expect(endToEndHeaders(raw)).toEqual([
      'Host',
      'a:1',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'Mcp-Session-Id',
      's1',
    ]);
  });
});

describe('upstreamRequestHeaders', () => {
  it("appends the client's address to x-forwarded-for", () => {
    expect(upstreamRequestHeaders(['Host', 'r', 'X-Forwarded-For', '10.0.0.1'], '127.0.0.1')).toEqual([
      'Host',
      'r',
      'x-forwarded-for',
      '10.0.0.1, 127.0.0.1',
    ]);
    expect(upstreamRequestHeaders(['Host', 'r'], '::1')).toEqual(['Host', 'r', 'x-forwarded-for', '::1']);
  });
});

describe('jsonRpcError', () => {
  it('is a JSON-RPC error with a null id', () => {
    expect(JSON.parse(jsonRpcError('boom'))).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'boom' },
      id: null,
    });
  });
});
