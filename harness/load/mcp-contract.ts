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

/**
 * What the session did for one call beyond sending it, for the journal: `reinitialized` when the
 * target answered 404 for the session (it forgot it: a restart, an eviction) and the client, as
 * the MCP spec asks, opened a new session with initialize and sent the call again on it.
 */
export interface CallNotes {
  reinitialized?: boolean;
}

/** One virtual user's real MCP session, with its own identity and bearer token. */
export interface McpSession {
  readonly identity: IdentityClaims;
  call(
    tool: string,
    args: Record<string, unknown>,
    correlationId: string,
    timeoutMs: number,
    notes?: CallNotes,
  ): Promise<ToolResult>;
  close(): Promise<void>;
}
