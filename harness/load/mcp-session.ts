import type { IdentityClaims } from '../journal/records.ts';
import type { McpSession as Session } from './mcp-contract.ts';
import { McpHttpSession } from './mcp-http-session.ts';
import { SdkSession } from './mcp-sdk-session.ts';

export {
  BUILD_KEY,
  type CallNotes,
  CORRELATION_KEY,
  MalformedResponse,
  type ToolResult,
} from './mcp-contract.ts';

/**
 * Which client makes the calls: `http`, the driver's lean JSON-RPC client on undici (the default:
 * same wire behaviour, a fraction of the CPU), or `sdk`, the MCP SDK's own Client.
 */
export type McpClientKind = 'http' | 'sdk';

export interface ConnectOptions {
  client?: McpClientKind;
  /** Budget for the initialize handshake. */
  timeoutMs?: number;
  /** Open a new session before every call and abandon the old one (session churn; `http` client only). */
  churn?: boolean;
}

export type McpSession = Session;

export const McpSession = {
  /** Opens a session (initialize + notifications/initialized) for one identity. */
  async connect(
    mcpUrl: string,
    identity: IdentityClaims & { token: string },
    options: ConnectOptions = {},
  ): Promise<Session> {
    if (options.client === 'sdk') return SdkSession.connect(mcpUrl, identity, options.timeoutMs);
    return McpHttpSession.connect(mcpUrl, identity, options.timeoutMs, options.churn);
  },
};
