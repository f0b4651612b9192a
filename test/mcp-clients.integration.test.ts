// The load driver's lean client (undici) must be a drop-in for the MCP SDK's Client: the same
// requests on the wire, and every kind of answer — a result, a tool error, a JSON-RPC error, an
// HTTP error, a timeout — classified the same, against the real reference server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordedRequest, startNullResponder } from '../bench/null-responder.ts';
import { Environment, Fault, McpSession, type StartedEnvironment } from '../harness/index.ts';
import { classifyResult, classifyThrown, type McpClientKind } from '../harness/load/index.ts';

const KINDS: McpClientKind[] = ['sdk', 'http'];

describe('the lean client speaks MCP as the SDK does', () => {
  it('sends the same POSTs: methods, ids, bodies and MCP headers', async () => {
    const seen: Record<string, RecordedRequest[]> = { sdk: [], http: [] };
    let current: McpClientKind = 'sdk';
    const responder = await startNullResponder(0, (r) => seen[current]?.push(r));
    try {
      for (const kind of KINDS) {
        current = kind;
        const session = await McpSession.connect(
          responder.url,
          { tenant: 't1', role: 'agent', token: 'tok' },
          { client: kind },
        );
        await session.call('lookup_customer', { customerId: 'c-1' }, 'corr-1', 5000);
        await session.call('list_orders', { customerId: 'c-1', limit: 20 }, 'corr-2', 5000);
        await session.close();
      }
    } finally {
      await responder.close();
    }
    // The SDK also opens the optional standalone SSE stream (a GET the server may refuse with
    // 405); the driver takes no server-initiated requests, so the lean client does not.
    const wire = (requests: RecordedRequest[]) =>
      requests
        .filter((r) => r.method === 'POST')
        .map((r) => ({
          body: JSON.parse(r.body) as unknown,
          headers: Object.fromEntries(
            ['authorization', 'content-type', 'accept', 'mcp-protocol-version', 'mcp-session-id'].map((h) => [
              h,
              r.headers[h],
            ]),
          ),
        }));
    expect(wire(seen.http ?? [])).toHaveLength(4); // initialize, initialized, two calls
    expect(wire(seen.http ?? [])).toEqual(wire(seen.sdk ?? []));
  });
});

describe('the lean client classifies answers as the SDK does, against the reference server', () => {
  let env: StartedEnvironment;
  beforeAll(async () => {
    env = await new Environment().withRuntime('local').withSeed(5).start();
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  });

  async function outcomes(kind: McpClientKind) {
    const agent = env.identities.find((i) => i.role === 'agent');
    if (!agent) throw new Error('no agent identity');
    const own = env.dataset.customers.find((c) => c.tenantId === agent.tenant)?.id;
    const other = env.dataset.customers.find((c) => c.tenantId !== agent.tenant)?.id;
    const session = await McpSession.connect(env.mcpUrl, agent, { client: kind });
    const attempt = async (tool: string, args: Record<string, unknown>, timeoutMs = 10_000) => {
      try {
        const result = await session.call(tool, args, `${kind}-${tool}`, timeoutMs);
        return {
          ...classifyResult(result),
          result: result.structuredContent,
          meta: Object.keys(result._meta ?? {}),
        };
      } catch (error) {
        const { outcome, code } = classifyThrown(error);
        return { outcome, code };
      }
    };
    const answers = {
      ok: await attempt('lookup_customer', { customerId: own }),
      otherTenant: await attempt('lookup_customer', { customerId: other }),
      badArguments: await attempt('list_orders', { customerId: own, limit: 'many' }),
      unknownTool: await attempt('delete_everything', {}),
      timeout: undefined as unknown,
    };
    const slow = Fault.latency('target→postgres', { latencyMs: 1500 });
    await slow.inject(env);
    try {
      answers.timeout = await attempt('lookup_customer', { customerId: own }, 300);
    } finally {
      await slow.heal(env);
    }
    await session.close();
    let badToken: unknown;
    try {
      await McpSession.connect(env.mcpUrl, { ...agent, token: 'not-a-jwt' }, { client: kind });
    } catch (error) {
      badToken = classifyThrown(error).code;
    }
    return { ...answers, badToken };
  }

  it('gives the same outcome, code and result for every kind of answer', async () => {
    const sdk = await outcomes('sdk');
    const http = await outcomes('http');
    expect(http).toEqual(sdk);
    // And the answers are the ones the cases are about, so the comparison means something.
    expect(http.ok).toMatchObject({ outcome: 'ok' });
    expect(http.otherTenant).toMatchObject({ outcome: 'error', code: 'NOT_FOUND' });
    expect(http.timeout).toEqual({ outcome: 'timeout', code: 'CLIENT_TIMEOUT' });
    expect(http.badToken).toBe('HTTP_401');
    expect(JSON.stringify(http.unknownTool)).not.toContain('"ok"');
  }, 60_000);
});
