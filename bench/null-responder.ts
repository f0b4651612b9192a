import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A null MCP responder: the smallest HTTP server that answers MCP's Streamable HTTP requests with
 * canned JSON-RPC results, so that in a benchmark the client, not the server, is the bottleneck.
 * It answers initialize, tools/list and tools/call (echoing the correlation id and a build id as
 * the target contract asks) and accepts notifications with 202.
 */
const TOOL_RESULT = {
  content: [{ type: 'text', text: '{"id":"c-1","name":"Ada Lovelace","tier":"gold"}' }],
  structuredContent: { id: 'c-1', name: 'Ada Lovelace', tier: 'gold' },
};
const TOOLS = {
  tools: [
    {
      name: 'lookup_customer',
      description: 'Looks up a customer',
      inputSchema: {
        type: 'object',
        properties: { customerId: { type: 'string' } },
        required: ['customerId'],
      },
    },
  ],
};

function initializeResult(protocolVersion: string) {
  return {
    protocolVersion,
    capabilities: { tools: {} },
    serverInfo: { name: 'null-responder', version: '1.0.0' },
  };
}

interface JsonRpcRequest {
  jsonrpc: '2.0';
  id?: string | number;
  method: string;
  params?: { protocolVersion?: string; _meta?: Record<string, unknown> };
}

function answer(request: JsonRpcRequest): unknown {
  switch (request.method) {
    case 'initialize':
      return initializeResult(request.params?.protocolVersion ?? '2025-06-18');
    case 'tools/list':
      return TOOLS;
    case 'tools/call': {
      const correlation = request.params?._meta?.['mcp-chaos/correlation-id'];
      return {
        ...TOOL_RESULT,
        _meta: {
          'mcp-chaos/build-id': 'null',
          ...(correlation ? { 'mcp-chaos/correlation-id': correlation } : {}),
        },
      };
    }
    case 'ping':
      return {};
    default:
      return undefined;
  }
}

/** What a client sent, for tests that compare clients' wire behaviour. */
export interface RecordedRequest {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

function handle(req: IncomingMessage, res: ServerResponse, record?: (r: RecordedRequest) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    record?.({ method: req.method ?? '', headers: req.headers, body: text });
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let request: JsonRpcRequest;
    try {
      request = JSON.parse(text) as JsonRpcRequest;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
      return;
    }
    if (request.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    const result = answer(request);
    const body =
      result === undefined
        ? { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'Method not found' } }
        : { jsonrpc: '2.0', id: request.id, result };
    const reply = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
    res.end(reply);
  });
}

/**
 * Starts the responder on 127.0.0.1 (port 0 picks a free one); resolves with its URL. `record`
 * sees every request as it arrived.
 */
export async function startNullResponder(
  port = 0,
  record?: (request: RecordedRequest) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => handle(req, res, record));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Run as a process of its own in the benchmark: `node bench/null-responder.ts <port>` prints its URL.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await startNullResponder(Number(process.argv[2] ?? 0));
  process.stdout.write(`${url}\n`);
}
