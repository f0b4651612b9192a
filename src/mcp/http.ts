import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from 'pino';
import { AuthError, bearerToken, type TokenVerifier } from '../auth/jwt.ts';
import { MESSAGES } from '../errors.ts';
import type { DispatchDeps } from './dispatch.ts';
import { createMcpServer } from './server.ts';

export interface McpHttpDeps {
  readonly dispatch: DispatchDeps;
  readonly verifyToken: TokenVerifier;
  readonly logger: Logger;
  readonly buildId: string;
}

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

export function createMcpHttpServer(deps: McpHttpDeps): Server {
  return createServer((req, res) => {
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
    if (req.method !== 'POST') {
      // Stateless mode has no server-initiated stream to GET and no session to DELETE.
      res.setHeader('allow', 'POST');
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
}
