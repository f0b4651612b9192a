// The reference server's stdio transport, end to end: spawned as an MCP client spawns a server
// (the SDK's StdioClientTransport), on a real PostgreSQL holding the environment's dataset; it
// lists its tools, answers a call as its configured principal, and exits 0 once stdin closes.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Environment, referenceTarget, type StartedEnvironment } from '../harness/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let env: StartedEnvironment;
const piiKey = randomBytes(32).toString('base64');
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'mcp-stdio-test-'));
  // The stdio server reads the rows the environment's target sealed: the same key for both.
  env = await new Environment()
    .withRuntime('local')
    .withTarget(referenceTarget({ env: { PII_ENCRYPTION_KEY: piiKey } }))
    .start();
}, 120_000);
afterAll(async () => {
  await env?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('the reference server over stdio', () => {
  it('serves its configured principal and exits 0 on stdin EOF', async () => {
    const customer = env.dataset.customers[0];
    if (!customer) throw new Error('the dataset has no customer');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(root, 'src', 'main.ts'), '--stdio'],
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: env.postgresUrl,
        SHIPPING_URL: `http://${env.shipping.address}`,
        PII_ENCRYPTION_KEY: piiKey,
        STDIO_PRINCIPAL: `${customer.tenantId}/agent/stdio-agent`,
        // Its own spool: never the HTTP target's.
        STATE_DIR: stateDir,
        LOG_LEVEL: 'info',
      },
      stderr: 'pipe',
    });
    const logs: string[] = [];
    transport.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(transport, { timeout: 20_000 });
    // The SDK keeps its child process private and exposes no exit code; the test needs both.
    const child = (transport as unknown as { _process?: ChildProcess })._process;
    if (!child) throw new Error('the SDK transport started no process');
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['lookup_customer', 'list_orders', 'create_ticket']),
    );
    // The schema is created in the background at start: until it is, calls answer a retryable error.
    let result: Awaited<ReturnType<typeof client.callTool>> | undefined;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      result = await client.callTool({ name: 'lookup_customer', arguments: { customerId: customer.id } });
      if (!result.isError) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(result?.isError).toBeFalsy();
    expect(result?.structuredContent).toMatchObject({ customer: { id: customer.id, name: customer.name } });
    // Only stderr carries logs: stdout is the protocol, and the SDK would have choked on a log line.
    expect(logs.join('')).toContain('serving on stdio');

    const closedAt = Date.now();
    // Ends stdin; the SDK would send SIGTERM only if the server outlived it by 2 s, so an exit
    // within those 2 s is the server's own, on EOF.
    const closing = transport.close();
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - closedAt).toBeLessThan(2_000);
    await closing;
    expect(logs.join('')).toMatch(/stdio closed: stopping[\s\S]*"stopped"/);
  }, 60_000);
});
