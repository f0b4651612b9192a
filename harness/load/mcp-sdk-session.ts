import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { IdentityClaims } from '../journal/records.ts';
import { harnessVersion } from '../version.ts';
import { type CallNotes, CORRELATION_KEY, type McpSession, type ToolResult } from './mcp-contract.ts';

type Connected = { client: Client; transport: StreamableHTTPClientTransport };

async function open(mcpUrl: string, token: string, timeoutMs: number): Promise<Connected> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'mcp-chaos', version: harnessVersion() });
  await client.connect(transport, { timeout: timeoutMs });
  return { client, transport };
}

/** A session on the MCP SDK's Client and StreamableHTTPClientTransport. */
export class SdkSession implements McpSession {
  readonly identity: IdentityClaims;
  readonly #url: string;
  readonly #token: string;
  #connected: Connected;
  /** The re-initialization under way, if any: concurrent calls that met the same 404 share it. */
  #reinit: Promise<void> | undefined;

  private constructor(identity: IdentityClaims, url: string, token: string, connected: Connected) {
    this.identity = identity;
    this.#url = url;
    this.#token = token;
    this.#connected = connected;
  }

  static async connect(
    mcpUrl: string,
    identity: IdentityClaims & { token: string },
    timeoutMs = 10_000,
  ): Promise<SdkSession> {
    const { token, ...claims } = identity;
    return new SdkSession(claims, mcpUrl, token, await open(mcpUrl, token, timeoutMs));
  }

  async call(
    tool: string,
    args: Record<string, unknown>,
    correlationId: string,
    timeoutMs: number,
    notes?: CallNotes,
  ): Promise<ToolResult> {
    const deadline = performance.now() + timeoutMs;
    const left = () => Math.max(1, Math.round(deadline - performance.now()));
    const used = this.#connected;
    const send = (client: Client, timeout: number) =>
      client.callTool(
        { name: tool, arguments: args, _meta: { [CORRELATION_KEY]: correlationId } },
        undefined,
        { timeout },
      ) as Promise<ToolResult>;
    try {
      return await send(used.client, timeoutMs);
    } catch (error) {
      // As the lean client does (see McpHttpSession.call): a 404 for a session the target had
      // given means it forgot it; a new session, and the call once more on it.
      if (!(error instanceof StreamableHTTPError && error.code === 404 && used.transport.sessionId))
        throw error;
      await this.#reinitialize(used, left());
      if (notes) notes.reinitialized = true;
      return await send(this.#connected.client, left());
    }
  }

  async #reinitialize(stale: Connected, timeoutMs: number): Promise<void> {
    if (this.#connected !== stale && this.#reinit === undefined) return;
    this.#reinit ??= open(this.#url, this.#token, timeoutMs)
      .then((fresh) => {
        this.#connected = fresh;
        // The old session is gone on the target; only the client's side is left to release.
        stale.transport.close().catch(() => undefined);
      })
      .finally(() => {
        this.#reinit = undefined;
      });
    await this.#reinit;
  }

  async close(): Promise<void> {
    // As the SDK's terminateSession: a stateful target is told the session ends (DELETE).
    await this.#connected.transport.terminateSession().catch(() => undefined);
    await this.#connected.transport.close().catch(() => undefined);
    await this.#connected.client.close().catch(() => undefined);
  }
}
