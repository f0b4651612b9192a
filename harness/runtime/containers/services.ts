/** Fixed Toxiproxy listen ports per link, and PostgreSQL readiness. */
import pg from 'pg';
import { HarnessError } from '../../errors.ts';
import type { LinkName, ProxyAddress } from '../backend.ts';
import type { ContainerHandle } from './docker.ts';

/** Where each link's proxy listens inside the Toxiproxy container (all mapped to the host). */
export const PROXY_PORTS = {
  'client→target': 18000,
  'target→postgres': 15432,
  'target→identity': 18080,
  'target→upstream': 18090,
} as const satisfies Record<LinkName, number>;

export function proxyAddress(link: LinkName, toxiproxy: ContainerHandle): ProxyAddress {
  const port = PROXY_PORTS[link];
  return {
    listen: `0.0.0.0:${port}`,
    fromTarget: `toxiproxy:${port}`,
    fromHost: `${toxiproxy.host}:${toxiproxy.mappedPort(port)}`,
  };
}

/** Until PostgreSQL answers `select 1` at the (current) URL; else DEPENDENCY_START with its logs. */
export async function waitForPostgres(
  url: () => string,
  timeoutMs: number,
  logs: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      last = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new HarnessError(
    'DEPENDENCY_START',
    `PostgreSQL not accepting connections at ${url()} after ${timeoutMs}ms (${String(last)})\n` +
      `--- last log lines ---\n${await logs()}`,
    { cause: last },
  );
}
