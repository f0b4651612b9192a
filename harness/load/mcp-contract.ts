import type { IdentityClaims } from '../journal/records.ts';

export const CORRELATION_KEY = 'mcp-chaos/correlation-id';
export const BUILD_KEY = 'mcp-chaos/build-id';

export interface ToolResult {
  isError?: boolean;
  structuredContent?: unknown;
  content?: unknown;
  _meta?: Record<string, unknown>;
}

/** A response that is not the JSON-RPC message MCP promises (classified as a protocol error). */
export class MalformedResponse extends Error {
  override readonly name = 'MalformedResponse';
}

/** One virtual user's real MCP session, with its own identity and bearer token. */
export interface McpSession {
  readonly identity: IdentityClaims;
  call(
    tool: string,
    args: Record<string, unknown>,
    correlationId: string,
    timeoutMs: number,
  ): Promise<ToolResult>;
  close(): Promise<void>;
}
