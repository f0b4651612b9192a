import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Outcome } from '../journal/records.ts';
import { MalformedResponse } from './mcp-contract.ts';

export interface Classified {
  outcome: Outcome;
  code?: string;
  message?: string;
}

/** Tool results: ok, or a well-formed error with the target's stable code. */
export function classifyResult(result: { isError?: boolean; structuredContent?: unknown }): Classified {
  if (!result.isError) return { outcome: 'ok' };
  const error = (result.structuredContent as { error?: { code?: unknown; message?: unknown } } | undefined)
    ?.error;
  return {
    outcome: 'error',
    code: typeof error?.code === 'string' ? error.code : 'UNSTRUCTURED_ERROR',
    message: typeof error?.message === 'string' ? error.message : undefined,
  };
}

/** Thrown failures: the client's timeout, JSON-RPC errors, HTTP and socket failures. */
export function classifyThrown(error: unknown): Classified {
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout)
      return { outcome: 'timeout', code: 'CLIENT_TIMEOUT', message: error.message };
    return { outcome: 'protocol-error', code: `JSONRPC_${error.code}`, message: error.message };
  }
  // The SDK rejects a result that fails its schema with the ZodError itself.
  if (error instanceof MalformedResponse || (error as Error)?.name === 'ZodError') {
    return { outcome: 'protocol-error', code: 'MALFORMED_RESPONSE', message: (error as Error).message };
  }
  if (error instanceof StreamableHTTPError) {
    return { outcome: 'transport-error', code: `HTTP_${error.code ?? 'UNKNOWN'}`, message: error.message };
  }
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  return {
    outcome: 'transport-error',
    code: typeof code === 'string' ? code : 'TRANSPORT',
    message: (error as Error)?.message ?? String(error),
  };
}
