import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { IdentityClaims } from '../journal/records.ts';
import { harnessVersion } from '../version.ts';
import { CORRELATION_KEY, type McpSession, type ToolResult } from './mcp-contract.ts';

/** A session on the MCP SDK's Client and StreamableHTTPClientTransport. */
export class SdkSession implements McpSession {
  readonly identity: IdentityClaims;
  readonly #client: Client;
  readonly #transport: StreamableHTTPClientTransport;

  private constructor(identity: IdentityClaims, client: Client, transport: StreamableHTTPClientTransport) {
    this.identity = identity;
    this.#client = client;
    this.#transport = transport;
  }

  static async connect(
    mcpUrl: string,
    identity: IdentityClaims & { token: string },
    timeoutMs = 10_000,
  ): Promise<SdkSession> {
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${identity.token}` } },
    });
    const client = new Client({ name: 'mcp-chaos', version: harnessVersion() });
    await client.connect(transport, { timeout: timeoutMs });
    const { token: _token, ...claims } = identity;
    return new SdkSession(claims, client, transport);
  }

  async call(
    tool: string,
    args: Record<string, unknown>,
    correlationId: string,
    timeoutMs: number,
  ): Promise<ToolResult> {
    return (await this.#client.callTool(
      { name: tool, arguments: args, _meta: { [CORRELATION_KEY]: correlationId } },
      undefined,
      { timeout: timeoutMs },
    )) as ToolResult;
  }

  async close(): Promise<void> {
    await this.#transport.close().catch(() => undefined);
    await this.#client.close().catch(() => undefined);
  }
}
