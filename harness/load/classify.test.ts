import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { classifyResult, classifyThrown } from './classify.ts';

describe('classifying how a call ended', () => {
  it('reads a tool error with its stable code', () => {
    expect(
      classifyResult({ isError: true, structuredContent: { error: { code: 'NOT_FOUND', message: 'no' } } }),
    ).toEqual({ outcome: 'error', code: 'NOT_FOUND', message: 'no' });
    expect(classifyResult({ isError: true })).toMatchObject({ outcome: 'error', code: 'UNSTRUCTURED_ERROR' });
    expect(classifyResult({ structuredContent: {} })).toEqual({ outcome: 'ok' });
  });

  it('tells the client timeout, JSON-RPC errors, HTTP failures and socket errors apart', () => {
    expect(classifyThrown(new McpError(ErrorCode.RequestTimeout, 'timed out'))).toMatchObject({
      outcome: 'timeout',
      code: 'CLIENT_TIMEOUT',
    });
    expect(classifyThrown(new McpError(ErrorCode.InvalidParams, 'bad'))).toMatchObject({
      outcome: 'protocol-error',
      code: 'JSONRPC_-32602',
    });
    expect(classifyThrown(new StreamableHTTPError(503, 'unavailable'))).toMatchObject({
      outcome: 'transport-error',
      code: 'HTTP_503',
    });
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(classifyThrown(refused)).toMatchObject({ outcome: 'transport-error', code: 'ECONNREFUSED' });
  });
});
