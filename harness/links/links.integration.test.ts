// Links on a real toxiproxy-server: toxics really change what crosses the link, and when
// Toxiproxy refuses a request its own message reaches the user (the client library drops it).
import { once } from 'node:events';
import { createServer, type Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import type { Child } from '../runtime/local/child.ts';
import { Registry } from '../runtime/local/registry.ts';
import { startToxiproxy } from '../runtime/local/toxiproxy-process.ts';
import { freePort } from '../runtime/ports.ts';
import { Links } from './index.ts';

let toxiproxy: { url: string; child: Child };
let registry: Registry;
let echo: Server;
let links: Links;
let listen: string;

/** Round trip of one small message through the link, in ms. */
async function roundTripMs(): Promise<number> {
  const [host, port] = listen.split(':');
  const socket = new Socket();
  socket.connect(Number(port), host ?? '127.0.0.1');
  await once(socket, 'connect');
  const start = performance.now();
  socket.write('ping');
  await once(socket, 'data');
  const took = performance.now() - start;
  socket.destroy();
  return took;
}

beforeAll(async () => {
  registry = new Registry(`test-links-${process.pid}`);
  toxiproxy = await startToxiproxy(registry);
  echo = createServer((socket) => socket.pipe(socket));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const address = echo.address();
  const upstream = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  listen = `127.0.0.1:${await freePort()}`;
  links = await Links.create(toxiproxy.url, [{ name: 'target→postgres', listen, upstream }]);
});

afterAll(async () => {
  await toxiproxy?.child.stop();
  echo?.close();
  await registry?.remove();
});

describe('Links on a real Toxiproxy', () => {
  it('a latency toxic delays data, and healing removes the delay', async () => {
    const link = links.get('target→postgres');
    expect(await roundTripMs()).toBeLessThan(150);
    await link.addToxic({ type: 'latency', attributes: { latency: 400, jitter: 0 } });
    expect(await roundTripMs()).toBeGreaterThanOrEqual(390);
    await links.healAll();
    expect(await roundTripMs()).toBeLessThan(150);
  });

  it("says what Toxiproxy objected to, in Toxiproxy's words", async () => {
    const link = links.get('target→postgres');
    const error = await link
      .addToxic({ type: 'latency', attributes: { latency: 1 }, name: 'twice' })
      .then(() => link.addToxic({ type: 'latency', attributes: { latency: 1 }, name: 'twice' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('TOXIPROXY_API');
    expect((error as HarnessError).message).toMatch(/HTTP 409.*already exists/);
    await links.healAll();
  });

  it('a creation on a busy port fails with the reason', async () => {
    const error = await Links.create(toxiproxy.url, [
      { name: 'client→target', listen, upstream: '127.0.0.1:1' },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).message).toMatch(/address already in use|already exists/);
  });

  it('an unreachable Toxiproxy API is named with a hint', async () => {
    const dead = await Links.create(`http://127.0.0.1:${await freePort()}`, [
      { name: 'client→target', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' },
    ]).catch((e: unknown) => e);
    expect(dead).toBeInstanceOf(HarnessError);
    expect((dead as HarnessError).message).toMatch(/did not answer.*Is toxiproxy-server still running/);
  });
});
