import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { DispatchDeps } from './dispatch.ts';
import { serveStdio } from './stdio.ts';

/** Reads newline-delimited JSON-RPC messages from the server's stdout. */
function messages(stdout: PassThrough): unknown[] {
  const out: unknown[] = [];
  let buffer = '';
  stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      out.push(JSON.parse(buffer.slice(0, i)));
      buffer = buffer.slice(i + 1);
    }
  });
  return out;
}

describe('serveStdio', () => {
  it('answers on stdout, and on stdin EOF stops (audit, pool) and exits 0', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const out = messages(stdout);
    const stop = vi.fn(async () => undefined);
    const exited = new Promise<number>((resolve) => {
      void serveStdio({
        // tools/list runs no tool: no dispatch dependencies needed.
        dispatch: { buildId: 'b-1' } as DispatchDeps,
        principal: { tenant: 't', role: 'agent', subject: 's' },
        logger: pino({ level: 'silent' }),
        stop,
        stdin,
        stdout,
        exit: resolve,
      });
    });
    const send = (m: unknown) => stdin.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    await vi.waitFor(() => expect(out).toHaveLength(2));
    expect(out[1]).toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
    expect(stop).not.toHaveBeenCalled();
    stdin.end();
    expect(await exited).toBe(0);
    expect(stop).toHaveBeenCalledOnce();
  });
});
