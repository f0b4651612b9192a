// The yardstick of `npm run bench:server`: a minimal one-tool MCP server on the same SDK, the
// same Streamable HTTP transport and the same stateless mode as the reference server (a new
// McpServer and transport per request, JSON responses, no session ids), so that the ratio of the
// two measures what the reference server's own work costs — token verification, authorization,
// validation, the cache, PostgreSQL, the audit, metrics and logs — and nothing else.
//
// It takes the bearer header but does not verify the token: it is the minimal server the
// acceptance names, and verifying a token on every call is one of the reference server's costs
// the benchmark is there to keep honest. It echoes the correlation id and a build id as the
// target contract asks, so the load driver classifies its answers exactly as the reference's.
//
// Run as a process of its own: `node bench/echo-server.ts [port]` prints its MCP URL.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';

const CORRELATION_KEY = 'mcp-chaos/correlation-id';
const BUILD_KEY = 'mcp-chaos/build-id';

// One JSON Schema validator for every request's server, as the reference server has: left to the
// SDK's default, each McpServer builds an Ajv instance of its own, which costs about as much as
// everything else of an echo call. The yardstick is the fastest minimal server, so that the
// ratio is the cost of the reference server's features and not of an SDK default both avoid.
const jsonSchemaValidator = new AjvJsonSchemaValidator();

// Built once, as the reference server builds its tools' schemas once: a raw shape would be
// turned into a schema object again by every request's registerTool.
const EchoInput = z.object({ text: z.string().max(1000) });

function createEchoServer(): McpServer {
  const server = new McpServer(
    { name: 'bench-echo', version: '1.0.0' },
    { capabilities: { tools: {} }, jsonSchemaValidator },
  );
  server.registerTool(
    'echo',
    { description: 'Answers with its argument', inputSchema: EchoInput },
    ({ text }, extra) => {
      const correlation = extra._meta?.[CORRELATION_KEY];
      return {
        content: [{ type: 'text', text: JSON.stringify({ text }) }],
        structuredContent: { text },
        _meta: {
          [BUILD_KEY]: 'bench-echo',
          ...(typeof correlation === 'string' ? { [CORRELATION_KEY]: correlation } : {}),
        },
      };
    },
  );
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/mcp') {
    res.writeHead(req.method === 'POST' ? 404 : 405).end();
    return;
  }
  // The SDK's stateless pattern, as src/mcp/http.ts uses it.
  const server = createEchoServer();
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.on('close', () => {
    transport.close().catch(() => undefined);
    server.close().catch(() => undefined);
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

const http = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error));
  });
});
await new Promise<void>((resolve, reject) => {
  http.once('error', reject);
  http.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => resolve());
});
const address = http.address();
process.stdout.write(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/mcp\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    http.closeAllConnections();
    http.close(() => process.exit(0));
  });
}
