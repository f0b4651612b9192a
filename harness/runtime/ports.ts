import { mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';

/**
 * How long a port handed out stays reserved for its taker: longer than any environment takes from
 * choosing a port to binding it (a target's start, Toxiproxy's proxies), short enough that the
 * reservations of a crashed run free themselves.
 */
const HOLD_MS = 120_000;

/** Where reservations are kept, shared by every harness process of this user on the machine. */
function reservationDir(): string {
  return process.env.MCP_CHAOS_PORTS_DIR ?? join(tmpdir(), 'mcp-chaos-ports');
}

let pruned = false;

/**
 * A port the OS says is free on this host right now, and that no other environment of this
 * machine's harness processes was handed in the last HOLD_MS. An OS-chosen port is free only until
 * someone binds it: two environments starting at once (a self-test's, or `run`'s workers) would
 * otherwise be handed the same port, one for its target and one for a Toxiproxy listener, and the
 * later bind fails with EADDRINUSE. The reservation is a file created exclusively (O_EXCL), so it
 * holds across processes; the kernel's own ephemeral ports (outgoing connections) stay a far
 * smaller risk that this cannot remove.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const dir = reservationDir();
  mkdirSync(dir, { recursive: true });
  if (!pruned) {
    pruned = true;
    prune(dir);
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await osFreePort(host);
    if (reserve(dir, port)) return port;
  }
  throw new HarnessError(
    'PORT_IN_USE',
    `no free port on ${host} that is not already reserved in ${dir} after 100 tries: remove stale files there, or check what holds the ephemeral port range`,
  );
}

async function osFreePort(host: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Reserves `port`: true when no one holds it (or only a stale reservation did). */
export function reserve(dir: string, port: number): boolean {
  const path = join(dir, String(port));
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (!stale(path)) return false;
  try {
    unlinkSync(path);
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch {
    // Another process took it over first: it is theirs.
    return false;
  }
}

function stale(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > HOLD_MS;
  } catch {
    return true;
  }
}

/** Old reservations are removed once per process, so the directory stays small. */
function prune(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (stale(path)) {
      try {
        unlinkSync(path);
      } catch {
        // Gone already, or another process's prune: either way not ours to worry about.
      }
    }
  }
}
