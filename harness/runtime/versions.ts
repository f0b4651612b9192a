import { cpus, hostname, totalmem } from 'node:os';
import pg from 'pg';
import { Toxiproxy } from 'toxiproxy-node-client';

/** The machine a run ran on, for the journal's header and the report's metadata. */
export function hostInfo(): {
  hostname: string;
  platform: string;
  arch: string;
  cpus: number;
  memoryMiB: number;
} {
  return {
    hostname: hostname(),
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    memoryMiB: Math.round(totalmem() / 1024 / 1024),
  };
}

/**
 * The versions of the environment's Toxiproxy and PostgreSQL servers, as they report them
 * themselves; a part that cannot be asked (within 2 s) is left out rather than failing the run.
 */
export async function componentVersions(urls: {
  toxiproxy: string;
  postgres: string;
}): Promise<{ toxiproxy?: string; postgres?: string }> {
  const [toxiproxy, postgres] = await Promise.all([
    within(new Toxiproxy(urls.toxiproxy).getVersion()),
    within(postgresVersion(urls.postgres)),
  ]);
  return {
    ...(toxiproxy ? { toxiproxy: versionText(toxiproxy) } : {}),
    ...(postgres ? { postgres } : {}),
  };
}

/** Toxiproxy 2.x answers /version with `{"version": "2.12.0"}`; older ones with the bare text. */
function versionText(answer: unknown): string {
  const text = String(answer).trim();
  try {
    const parsed = JSON.parse(text) as { version?: unknown };
    if (typeof parsed.version === 'string') return parsed.version;
  } catch {
    // Not JSON: the bare version.
  }
  return text;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version ?? '';
  } finally {
    await client.end();
  }
}

async function within<T>(promise: Promise<T>, ms = 2_000): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
