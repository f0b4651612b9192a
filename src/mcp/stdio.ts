import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { Principal } from '../domain.ts';
import type { DispatchDeps } from './dispatch.ts';
import { createMcpServer } from './server.ts';

export interface StdioDeps {
  readonly dispatch: DispatchDeps;
  /** stdio carries no bearer token: the one principal is configured (STDIO_PRINCIPAL). */
  readonly principal: Principal;
  readonly logger: Logger;
  /** How long calls still in flight at stdin EOF get to answer before the process stops anyway. */
  readonly graceMs?: number;
  /** Flushes the audit and closes the pool; the process exits 0 once it resolves. */
  readonly stop: () => Promise<void>;
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout?: NodeJS.WritableStream;
  readonly exit?: (code: number) => void;
}

const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & { id: string | number; method: string } =>
  'method' in m && 'id' in m;
const isResponse = (m: JSONRPCMessage): m is JSONRPCMessage & { id: string | number } =>
  !('method' in m) && 'id' in m;

/**
 * The stdio transport: one MCP session for the life of the process, on stdin/stdout (logs go to
 * stderr). The client ends it by closing stdin: the calls still in flight are answered (within
 * the grace), the audit is flushed, the pool closed, and the process exits 0, as a client that
 * spawned it expects (no signal needed, no orphan left behind).
 */
export async function serveStdio(deps: StdioDeps): Promise<void> {
  const stdin = deps.stdin ?? process.stdin;
  const server = createMcpServer(deps.dispatch, deps.principal);
  const transport = new StdioServerTransport(
    stdin as typeof process.stdin,
    (deps.stdout ?? process.stdout) as typeof process.stdout,
  );
  await server.connect(transport);
  // Requests answered is what the EOF waits for: count them in on the way in and out on the way out.
  const pending = new Set<string | number>();
  const deliver = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage) => {
    if (isRequest(message)) pending.add(message.id);
    deliver?.(message);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    await send(message);
    if (isResponse(message)) pending.delete(message.id);
  };
  deps.logger.info(
    { tenant: deps.principal.tenant, role: deps.principal.role, subject: deps.principal.subject },
    'mcp-reference-server serving on stdio',
  );
  let ending = false;
  const end = async (why: string) => {
    if (ending) return;
    ending = true;
    const deadline = Date.now() + (deps.graceMs ?? 3000);
    while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    deps.logger.info({ why, unanswered: pending.size }, 'stdio closed: stopping');
    await server.close().catch(() => undefined);
    await deps.stop();
    deps.logger.info('stopped');
    (deps.exit ?? process.exit)(0);
  };
  const fail = (error: unknown) => {
    deps.logger.error({ reason: String(error) }, 'stdio shutdown failed');
    (deps.exit ?? process.exit)(1);
  };
  stdin.on('end', () => end('stdin EOF').catch(fail));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => end(signal).catch(fail));
}
