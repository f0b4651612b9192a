import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, reserve } from './ports.ts';

let dir: string;
const saved = process.env.MCP_CHAOS_PORTS_DIR;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-chaos-ports-test-'));
  process.env.MCP_CHAOS_PORTS_DIR = dir;
});
afterAll(() => {
  if (saved === undefined) delete process.env.MCP_CHAOS_PORTS_DIR;
  else process.env.MCP_CHAOS_PORTS_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('port reservations', () => {
  it('hands a port to one taker only, until the reservation is stale', () => {
    expect(reserve(dir, 40_001)).toBe(true);
    expect(reserve(dir, 40_001)).toBe(false);
    // Another process's reservation, written 3 minutes ago: free again.
    writeFileSync(join(dir, '40002'), '1\n');
    const old = new Date(Date.now() - 180_000);
    utimesSync(join(dir, '40002'), old, old);
    expect(reserve(dir, 40_002)).toBe(true);
    expect(reserve(dir, 40_002)).toBe(false);
  });

  it('gives out bindable ports, each reserved, none twice', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    for (const port of ports) expect(existsSync(join(dir, String(port)))).toBe(true);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});
