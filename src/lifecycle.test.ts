import { Agent, createServer, request, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { closeGracefully, listen, shutdownGracefully } from './lifecycle.ts';

const servers: Server[] = [];
const agents: Agent[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
  for (const agent of agents.splice(0)) agent.destroy();
});

/** A server whose every answer takes `ms`, and a keep-alive client of it on one connection. */
async function slowServer(ms: number, onAnswer: () => void = () => {}) {
  const server = createServer((_req, res) => {
    setTimeout(() => {
      res.end('done');
      onAnswer();
    }, ms);
  });
  servers.push(server);
  const port = await listen(server, 0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  const get = () =>
    new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port, agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve(`${res.statusCode} ${body}`));
        res.on('error', (error) => resolve(`error ${error.message}`));
      });
      req.on('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code ?? error.message}`));
      req.end();
    });
  return { server, port, get };
}

const refuse = { refuse: (_req: unknown, res: ServerResponse) => res.writeHead(503).end('bye') };

describe('closeGracefully', () => {
  it('lets the call in flight finish and closes its keep-alive connection after it', async () => {
    const { server, get } = await slowServer(300);
    expect(await get()).toBe('200 done'); // the connection is now a kept-alive one
    const inFlight = get();
    await sleep(50);
    const started = performance.now();
    const closed = closeGracefully(server, 5_000, refuse);
    expect(await inFlight).toBe('200 done');
    expect(await closed).toBe('drained');
    // Not held open until the grace or the keep-alive timeout ran out.
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('refuses calls that arrive on an open connection once the drain has begun', async () => {
    const { server, port } = await slowServer(300);
    const socket = await new Promise<Socket>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
    });
    const closed = closeGracefully(server, 5_000, refuse);
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    await new Promise((resolve) => socket.on('close', resolve));
    expect(answer).toMatch(/^HTTP\/1.1 503/);
    expect(answer).toMatch(/connection: close/i);
    expect(await closed).toBe('drained');
  });

  it('cuts what is still in flight when the grace runs out', async () => {
    const { server, get } = await slowServer(2_000);
    const inFlight = get();
    await sleep(50);
    const closed = closeGracefully(server, 100, refuse);
    expect(await inFlight).toMatch(/^error/);
    expect(await closed).toBe('cut');
  });
});

describe('shutdownGracefully', () => {
  it('drains first, then runs each step in order, bounded, the next one even after a failure', async () => {
    const order: string[] = [];
    const { server, get } = await slowServer(200, () => order.push('answered'));
    const inFlight = get();
    await sleep(50);
    await shutdownGracefully({
      logger: pino({ level: 'silent' }),
      graceMs: 5_000,
      servers: [{ name: 'mcp', server, options: refuse }],
      after: [
        { name: 'audit flush', budgetMs: 50, run: () => sleep(1_000).then(() => void order.push('late')) },
        {
          name: 'broken',
          budgetMs: 500,
          run: async () => {
            order.push('broken');
            throw new Error('boom');
          },
        },
        { name: 'pool close', budgetMs: 500, run: async () => void order.push('pool close') },
      ],
    });
    expect(await inFlight).toBe('200 done');
    expect(order).toEqual(['answered', 'broken', 'pool close']);
  });
});
