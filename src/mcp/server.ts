import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Principal } from '../domain.ts';
import { TOOLS, type Tool } from '../tools/index.ts';
import { type DispatchDeps, dispatchToolCall } from './dispatch.ts';

// One JSON Schema validator for every request's server. Left to itself, each McpServer builds
// its own Ajv instance (formats, meta-schemas, vocabularies), and with a server per request that
// was the largest single cost of a call: about a tenth of the CPU of a cache-hit lookup_customer
// (`npm run bench:server`, profiled). The validator holds nothing of a caller: only compiled schemas.
const jsonSchemaValidator = new AjvJsonSchemaValidator();

/**
 * One McpServer per HTTP request (stateless mode), bound to the caller it was authenticated as.
 *
 * Tools are registered with the SDK (so tools/list advertises their JSON input schemas), but
 * tools/call is answered by our dispatcher: the SDK's own handler turns a schema failure into a
 * bare text error without a code or `_meta`, and the contract needs INVALID_ARGUMENT with the
 * correlation echo like any other error. Output schemas are enforced server side but not
 * advertised: SDK clients validate `structuredContent` against an advertised output schema even
 * when `isError` is set, which would turn every `{error}` result into a client-side exception.
 */
export function createMcpServer(deps: DispatchDeps, principal: Principal): McpServer {
  const server = new McpServer(
    { name: 'mcp-reference-server', version: deps.buildId },
    { capabilities: { tools: {} }, jsonSchemaValidator },
  );
  const byName = new Map<string, Tool>(TOOLS.map((tool) => [tool.name, tool]));
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: tool.inputSchema },
      (args, extra) => dispatchToolCall(deps, principal, tool, args, extra._meta),
    );
  }
  server.server.removeRequestHandler('tools/call');
  server.server.setRequestHandler(CallToolRequestSchema, (request) => {
    const tool = byName.get(request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
    return dispatchToolCall(deps, principal, tool, request.params.arguments, request.params._meta);
  });
  return server;
}
