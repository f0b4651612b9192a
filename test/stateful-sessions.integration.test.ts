// The reference server in stateful mode, with both of the driver's clients: sessions survive
// between calls, a restart forgets them, and each client then does what the MCP spec asks (a new
// session with initialize, the call once more) and says so; a DELETE ends a session for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Environment, McpSession, referenceTarget, type StartedEnvironment } from '../harness/index.ts';
import type { McpClientKind } from '../harness/load/index.ts';

let env: StartedEnvironment;
beforeAll(async () => {
  env = await new Environment()
    .withRuntime('local')
    .withTarget(referenceTarget({ env: { MCP_SESSION_MODE: 'stateful' } }))
    .start();
}, 120_000);
afterAll(() => env?.stop());

const metric = async (name: string) => {
  const text = await env.admin.metrics(5000);
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
};

async function untilReady(): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    const ready = await fetch(`${env.target.adminUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the restarted target never became ready');
}

describe('stateful sessions on the reference server', () => {
  it.each<McpClientKind>(['http', 'sdk'])(
    'the %s client re-initializes after a restart',
    async (kind) => {
      const agent = env.identities.find((i) => i.role === 'agent');
      const customer = env.dataset.customers.find((c) => c.tenantId === agent?.tenant);
      if (!agent || !customer) throw new Error('no agent or customer');
      const session = await McpSession.connect(env.mcpUrl, agent, { client: kind });
      const notes: { reinitialized?: boolean } = {};
      const lookup = () =>
        session.call('lookup_customer', { customerId: customer.id }, `${kind}-1`, 5000, notes);
      expect((await lookup()).isError).toBeFalsy();
      expect(notes.reinitialized).toBeUndefined();
      expect(await metric('mcp_sessions_open')).toBeGreaterThanOrEqual(1);

      await env.target.restart();
      // Up is not ready: the restarted server migrates its schema first (as Fault.restartTarget does).
      await untilReady();
      const result = await lookup();
      expect(result.isError).toBeFalsy();
      expect(notes.reinitialized).toBe(true);
      await session.close(); // DELETE: the server lets the session go
      expect(await metric('mcp_sessions_open')).toBe(0);
    },
    60_000,
  );

  it('a DELETEd session is gone: a call on it is answered 404', async () => {
    const agent = env.identities.find((i) => i.role === 'agent');
    if (!agent) throw new Error('no agent');
    const init = await fetch(env.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${agent.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    const id = init.headers.get('mcp-session-id') ?? '';
    expect(id).not.toBe('');
    const headers = {
      authorization: `Bearer ${agent.token}`,
      'mcp-session-id': id,
      'mcp-protocol-version': '2025-06-18',
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    expect((await fetch(env.mcpUrl, { method: 'DELETE', headers })).status).toBe(200);
    const after = await fetch(env.mcpUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(after.status).toBe(404);
  }, 30_000);
});
