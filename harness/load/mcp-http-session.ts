import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import { Agent, type Dispatcher } from 'undici';
import type { IdentityClaims } from '../journal/records.ts';
import { harnessVersion } from '../version.ts';
import {
  type CallNotes,
  CORRELATION_KEY,
  MalformedResponse,
  type McpSession,
  type ToolResult,
} from './mcp-contract.ts';

/**
 * A lean MCP client over Streamable HTTP on undici: the load driver's default, because the SDK's
 * Client (fetch, zod parsing of every message, a Protocol object per session) costs several times
 * more CPU per call — `npm run bench:load` measures both. The wire behaviour is the SDK client's:
 * the same initialize handshake and `notifications/initialized`, the same headers (accept,
 * content-type, `mcp-protocol-version`, `mcp-session-id` when the server gave one, the bearer
 * token), numeric request ids from 0, JSON or SSE responses, `notifications/cancelled` when the
 * call budget runs out; and it fails with the SDK's own error classes, so a call is classified the
 * same whichever client made it. It does not open the optional standalone SSE stream (GET): the
 * driver takes no server-initiated requests.
 */
export class McpHttpSession implements McpSession {
  readonly identity: IdentityClaims;
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  readonly #dispatcher: Dispatcher;
  readonly #churn: boolean;
  #nextId = 0;
  /** The re-initialization under way, if any: concurrent calls that met the same 404 share it. */
  #reinit: Promise<void> | undefined;

  private constructor(
    identity: IdentityClaims,
    url: URL,
    headers: Record<string, string>,
    dispatcher: Dispatcher,
    churn: boolean,
  ) {
    this.identity = identity;
    this.#url = url;
    this.#headers = headers;
    this.#dispatcher = dispatcher;
    this.#churn = churn;
  }

  /**
   * `churn`: every call opens a new session first and abandons the old one without a DELETE, as
   * a crashing or careless client does (the session-churn workload); the target must evict them.
   */
  static async connect(
    mcpUrl: string,
    identity: IdentityClaims & { token: string },
    timeoutMs = 10_000,
    churn = false,
  ): Promise<McpHttpSession> {
    const { token, ...claims } = identity;
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const session = new McpHttpSession(claims, new URL(mcpUrl), headers, sharedAgent(), churn);
    await session.#initialize(timeoutMs);
    return session;
  }

  /** The initialize handshake; a session id the target gives is kept for every later request. */
  async #initialize(timeoutMs: number): Promise<void> {
    const headers = this.#headers;
    delete headers['mcp-session-id'];
    delete headers['mcp-protocol-version'];
    const init = (await this.#request(
      'initialize',
      {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'mcp-chaos', version: harnessVersion() },
      },
      timeoutMs,
    )) as { protocolVersion?: unknown };
    const version = init.protocolVersion;
    if (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      throw new Error(`Server's protocol version is not supported: ${String(version)}`);
    }
    headers['mcp-protocol-version'] = version;
    await this.#notify('notifications/initialized', undefined);
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
    if (this.#churn) await this.#initialize(timeoutMs);
    const params = { name: tool, arguments: args, _meta: { [CORRELATION_KEY]: correlationId } };
    const sessionId = this.#headers['mcp-session-id'];
    try {
      return checkToolResult(await this.#request('tools/call', params, timeoutMs));
    } catch (error) {
      // 404 on a session: the target no longer knows it (restarted, evicted), so the call was
      // never processed and is safe to send again. The spec's client starts a new session with
      // initialize; one retry only, so a target that answers 404 forever still fails the call.
      if (!(error instanceof StreamableHTTPError && error.code === 404 && sessionId !== undefined))
        throw error;
      await this.#reinitialize(sessionId, left());
      if (notes) notes.reinitialized = true;
      return checkToolResult(await this.#request('tools/call', params, left()));
    }
  }

  /** Opens a new session unless another call already replaced `staleId`. */
  async #reinitialize(staleId: string, timeoutMs: number): Promise<void> {
    if (this.#headers['mcp-session-id'] !== staleId && this.#reinit === undefined) return;
    this.#reinit ??= this.#initialize(timeoutMs).finally(() => {
      this.#reinit = undefined;
    });
    await this.#reinit;
  }

  async close(): Promise<void> {
    // Stateless sessions hold nothing; a stateful one is ended as the SDK's terminateSession does.
    const sessionId = this.#headers['mcp-session-id'];
    if (!sessionId) return;
    await this.#dispatcher
      .request({
        origin: this.#url.origin,
        path: this.#url.pathname,
        method: 'DELETE',
        headers: this.#headers,
      })
      .then((r) => r.body.dump())
      .catch(() => undefined);
  }

  async #request(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.#nextId++;
    let response: HttpResponse;
    try {
      response = await post(
        this.#dispatcher,
        this.#url,
        this.#headers,
        { method, params, jsonrpc: '2.0', id },
        timeoutMs,
      );
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      // The budget ran out: tell the server, as the SDK does, and fail as the SDK does.
      this.#notify('notifications/cancelled', { requestId: id, reason: 'timeout' }).catch(() => undefined);
      throw new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: timeoutMs });
    }
    const sessionId = response.headers['mcp-session-id'];
    if (typeof sessionId === 'string') this.#headers['mcp-session-id'] = sessionId;
    const type = String(response.headers['content-type'] ?? '');
    const message = type.startsWith('text/event-stream')
      ? fromEventStream(response.body, id)
      : type.startsWith('application/json')
        ? parse(response.body)
        : undefined;
    if (message === undefined) throw new StreamableHTTPError(-1, `Unexpected content type: ${type}`);
    return settle(message, id);
  }

  async #notify(method: string, params: unknown): Promise<void> {
    const body = params === undefined ? { method, jsonrpc: '2.0' } : { method, params, jsonrpc: '2.0' };
    await post(this.#dispatcher, this.#url, this.#headers, body, 10_000);
  }
}

interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

class BudgetExceeded extends Error {}

/**
 * One POST on undici's dispatch API: the body is gathered as buffers and decoded once, without
 * the stream objects `request()` builds for every response (they cost more than the call).
 * A non-2xx status rejects with the SDK's StreamableHTTPError; the budget with BudgetExceeded.
 */
function post(
  dispatcher: Dispatcher,
  url: URL,
  headers: Record<string, string>,
  message: unknown,
  timeoutMs: number,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let controller: { abort(reason: Error): void; aborted?: boolean } | undefined;
    let timedOut = false;
    let status = 0;
    let responseHeaders: HttpResponse['headers'] = {};
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      timedOut = true;
      controller?.abort(new BudgetExceeded());
      // Settle now whatever state the request is in (queued, connecting): the budget is the budget.
      reject(new BudgetExceeded());
    }, timeoutMs);
    dispatcher.dispatch(
      {
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers,
        body: JSON.stringify(message),
      },
      {
        onRequestStart(c) {
          controller = c;
          if (timedOut) c.abort(new BudgetExceeded());
        },
        onResponseStart(_c, statusCode, h) {
          status = statusCode;
          responseHeaders = h as HttpResponse['headers'];
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          clearTimeout(timer);
          const body =
            chunks.length === 1
              ? (chunks[0] as Buffer).toString('utf8')
              : Buffer.concat(chunks).toString('utf8');
          if (status < 200 || status >= 300) {
            reject(new StreamableHTTPError(status, `Error POSTing to endpoint: ${body}`));
          } else {
            resolve({ status, headers: responseHeaders, body });
          }
        },
        onResponseError(_c, error) {
          clearTimeout(timer);
          reject(timedOut ? new BudgetExceeded() : error);
        },
      },
    );
  });
}

let agent: Agent | undefined;

/** One keep-alive connection pool per process, as fetch's global dispatcher is for the SDK. */
function sharedAgent(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  return agent;
}

interface JsonRpcMessage {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

function parse(text: string): JsonRpcMessage {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonRpcMessage;
  } catch {
    // reported below
  }
  throw new MalformedResponse(`the response is not a JSON-RPC message: ${text.slice(0, 200)}`);
}

/** The response to request `id` among the `data:` events of an SSE body. */
function fromEventStream(text: string, id: number): JsonRpcMessage {
  let data: string[] = [];
  const messages: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') {
      if (data.length > 0) messages.push(data.join('\n'));
      data = [];
    } else if (line.startsWith('data:')) {
      data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
  }
  if (data.length > 0) messages.push(data.join('\n'));
  for (const raw of messages) {
    const message = parse(raw);
    if (message.id === id) return message;
  }
  throw new MalformedResponse(`the event stream ended without a response to request ${id}`);
}

function settle(message: JsonRpcMessage, id: number): unknown {
  if (message.id !== id)
    throw new MalformedResponse(`the response answers request ${String(message.id)}, not ${id}`);
  if (message.error) {
    const { code, message: text, data } = message.error;
    if (typeof code !== 'number' || typeof text !== 'string') {
      throw new MalformedResponse('the JSON-RPC error has no numeric code and message');
    }
    throw new McpError(code, text, data);
  }
  if (typeof message.result !== 'object' || message.result === null) {
    throw new MalformedResponse('the JSON-RPC response has neither a result object nor an error');
  }
  return message.result;
}

/** The shape checks the SDK's CallToolResultSchema makes on what the driver reads. */
function checkToolResult(value: unknown): ToolResult {
  const result = value as ToolResult;
  if (result.content !== undefined && !Array.isArray(result.content)) {
    throw new MalformedResponse('tools/call result: content is not an array');
  }
  if (result.isError !== undefined && typeof result.isError !== 'boolean') {
    throw new MalformedResponse('tools/call result: isError is not a boolean');
  }
  if (
    result._meta !== undefined &&
    (typeof result._meta !== 'object' || result._meta === null || Array.isArray(result._meta))
  ) {
    throw new MalformedResponse('tools/call result: _meta is not an object');
  }
  return result;
}
