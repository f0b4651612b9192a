import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from 'pino';
import { AuthError, bearerToken, type TokenVerifier } from '../auth/jwt.ts';
import type { Principal } from '../domain.ts';
import { MESSAGES } from '../errors.ts';
import type { DispatchDeps } from './dispatch.ts';
import { createMcpServer } from './server.ts';
import { closeEntry, ownerKey, type SessionEntry, type SessionTable } from './sessions.ts';

export interface McpHttpDeps {
  readonly dispatch: DispatchDeps;
  readonly verifyToken: TokenVerifier;
  readonly logger: Logger;
  readonly buildId: string;
  /**
   * Stateful mode (MCP_SESSION_MODE=stateful): the table sessions are kept in, and the HTTP
   * status an unknown session is answered with (404 per the spec; a defect changes it).
   * Absent: stateless, a new server and transport per request.
   */
  readonly sessions?: { readonly table: SessionTable; readonly unknownSessionStatus?: number };
}

/** What a client must do when its session is gone, per the MCP spec: initialize again. */
const SESSION_NOT_FOUND =
  'SESSION_NOT_FOUND: this session is unknown, expired or closed; start a new session with initialize';

// Tool arguments are small (a ticket body is at most 5000 characters); anything far larger is abuse.
const MAX_BODY_BYTES = 1024 * 1024;

function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function handleMcp(deps: McpHttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = bearerToken(req.headers.authorization);
  if (token === undefined) {
    deps.logger.info(
      { remote: req.socket.remoteAddress, reason: 'missing bearer token' },
      'unauthenticated request',
    );
    res.setHeader('www-authenticate', 'Bearer');
    sendJsonRpcError(res, 401, -32001, 'UNAUTHENTICATED: missing bearer token');
    return;
  }
  let principal: Awaited<ReturnType<TokenVerifier>>;
  try {
    principal = await deps.verifyToken(token);
  } catch (error) {
    if (error instanceof AuthError && error.kind === 'unauthenticated') {
      // An audit trail of rejected callers; the token itself is never logged.
      deps.logger.info(
        { remote: req.socket.remoteAddress, reason: error.message },
        'unauthenticated request',
      );
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      sendJsonRpcError(res, 401, -32001, `UNAUTHENTICATED: ${error.message}`);
    } else {
      deps.logger.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'token verification unavailable',
      );
      sendJsonRpcError(res, 503, -32002, 'DEPENDENCY_UNAVAILABLE: identity provider unreachable');
    }
    return;
  }
  if (deps.sessions) {
    await handleStateful(deps, deps.sessions, principal, req, res);
    return;
  }
  // Stateless: no session survives the request, so any instance behind the router can answer any call.
  const server = createMcpServer(deps.dispatch, principal);
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.on('close', () => {
    // Closing only releases in-memory state; a failure here has no one left to report to.
    transport.close().catch(() => undefined);
    server.close().catch(() => undefined);
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

async function handleStateful(
  deps: McpHttpDeps,
  sessions: NonNullable<McpHttpDeps['sessions']>,
  principal: Principal,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const owner = ownerKey(principal);
  const id = req.headers['mcp-session-id'];
  if (typeof id === 'string') {
    const entry = sessions.table.get(id);
    if (entry === undefined || entry.owner !== owner) {
      // Someone else's session is answered exactly like an unknown one: its existence is not
      // confirmed, and it is never served under another identity.
      if (entry !== undefined) {
        deps.logger.warn(
          { tenant: principal.tenant, subject: principal.subject },
          'a session id was presented by a principal other than the one that opened it',
        );
      }
      sendJsonRpcError(res, sessions.unknownSessionStatus ?? 404, -32001, SESSION_NOT_FOUND);
      return;
    }
    await handleOnSession(entry, req, res);
    return;
  }
  if (req.method !== 'POST') {
    sendJsonRpcError(res, 400, -32000, 'Bad Request: an mcp-session-id header is required');
    return;
  }
  // No session id: only an initialize opens one (the transport answers anything else 400).
  const server = createMcpServer(deps.dispatch, principal);
  let opened = false;
  const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
    sessionIdGenerator: randomUUID,
    enableJsonResponse: true,
    onsessioninitialized: (sessionId) => {
      opened = true;
      sessions.table.set(sessionId, {
        server,
        transport,
        owner,
        inFlight: 0,
        closeWhenIdle: false,
        closed: false,
      });
    },
    // A DELETE from the client: the transport closes itself; the table lets it go.
    onsessionclosed: (sessionId) => sessions.table.delete(sessionId),
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
  if (!opened) server.close().catch(() => undefined);
}

async function handleOnSession(
  entry: SessionEntry,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  entry.inFlight++;
  try {
    await entry.transport.handleRequest(req, res);
  } finally {
    entry.inFlight--;
    if (entry.closeWhenIdle && entry.inFlight === 0) closeEntry(entry);
  }
}

export function createMcpHttpServer(deps: McpHttpDeps): Server {
  const server = createServer((req, res) => {
    res.setHeader('x-build-id', deps.buildId);
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/mcp') {
      sendJsonRpcError(res, 404, -32601, 'not found: the MCP endpoint is /mcp');
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      sendJsonRpcError(res, 413, -32600, `request body larger than ${MAX_BODY_BYTES} bytes`);
      return;
    }
    const allowed = deps.sessions ? ['POST', 'DELETE'] : ['POST'];
    if (!allowed.includes(req.method ?? '')) {
      // No server-initiated stream to GET (the tools never notify); stateless mode has no session to DELETE.
      res.setHeader('allow', allowed.join(', '));
      sendJsonRpcError(res, 405, -32000, 'method not allowed');
      return;
    }
    handleMcp(deps, req, res).catch((error: unknown) => {
      deps.logger.error(
        { reason: error instanceof Error ? error.message : String(error) },
        'MCP request failed',
      );
      sendJsonRpcError(res, 500, -32603, `INTERNAL: ${MESSAGES.internal}`);
    });
  });
  // Sessions end with the server (shutdown): their transports and servers are released.
  server.on('close', () => deps.sessions?.table.clear());
  return server;
}
