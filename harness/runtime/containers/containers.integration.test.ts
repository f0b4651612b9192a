/**
 * The containers runtime against the real engine and the locally built images. Needs a Docker
 * engine (bash scripts/setup.sh docker) and the images (bash scripts/setup.sh images); builds
 * the stand-in target image mcp-chaos/target-stub from ./stub-target itself. Ryuk is disabled
 * here (it needs a registry image); the harness's own sweep cleans up instead.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../errors.ts';
import { sweepOrphans } from '../sweep.ts';
import { containersRuntime, type StartedContainersInfra } from './index.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
const root = fileURLToPath(new URL('../../..', import.meta.url));
const STUB_IMAGE = 'mcp-chaos/target-stub:latest';
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const progress = (line: string) => console.log(`[containers] ${line}`);

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('containers runtime', () => {
  let infra: StartedContainersInfra;
  let toxiproxy: Toxiproxy;
  let issuer: Server | undefined;

  beforeAll(async () => {
    execFileSync('bash', ['docker/build-images.sh'], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        MCP_CHAOS_TARGET_IMAGE: 'mcp-chaos/target-stub',
        MCP_CHAOS_TARGET_SRC: fileURLToPath(new URL('./stub-target', import.meta.url)),
      },
    });
    const backend = containersRuntime({ images: { target: STUB_IMAGE } });
    infra = (await backend.startInfra(progress)) as StartedContainersInfra;
    toxiproxy = new Toxiproxy(infra.toxiproxyUrl);
  });

  afterAll(async () => {
    issuer?.close();
    await infra?.stop();
  });

  it('names the missing image and the command that builds it', async () => {
    const backend = containersRuntime({ images: { target: 'mcp-chaos/not-built:1' } });
    await expect(backend.startInfra(progress)).rejects.toMatchObject({
      code: 'IMAGE_MISSING',
      message: expect.stringContaining('bash scripts/setup.sh images'),
    });
  });

  it('runs PostgreSQL 18 and the Toxiproxy API', async () => {
    const [row] = await query(infra.postgresUrl, 'select version() as version');
    expect(String(row?.version)).toMatch(/^PostgreSQL 18\./);
    // A `go install` build reports its version as "git": only check that the API answers.
    expect(await toxiproxy.getVersion()).toMatch(/version/);
  });

  it('reaches PostgreSQL through a target→postgres proxy from the host', async () => {
    const address = await infra.proxyAddress('target→postgres');
    expect(address.fromTarget).toBe('toxiproxy:15432');
    await toxiproxy.createProxy({
      name: 'target-postgres',
      listen: address.listen,
      upstream: infra.postgresUpstream,
    });
    const url = `postgres://postgres:mcp-chaos@${address.fromHost}/reference`;
    const [row] = await query(url, 'select version() as version');
    expect(String(row?.version)).toMatch(/^PostgreSQL 18\./);
  });

  it('lets Toxiproxy reach a server the harness runs on hostAddress', async () => {
    const server = createServer((_req, res) => res.end('issuer on the host'));
    issuer = server;
    await new Promise<void>((resolve) => server.listen(0, infra.hostAddress, resolve));
    const port = (server.address() as AddressInfo).port;
    const address = await infra.proxyAddress('target→identity');
    await toxiproxy.createProxy({
      name: 'target-identity',
      listen: address.listen,
      upstream: `${infra.hostAddress}:${port}`,
    });
    const response = await fetch(`http://${address.fromHost}/`, { signal: AbortSignal.timeout(5_000) });
    expect(await response.text()).toBe('issuer on the host');
  });

  it('starts, kills and restarts a target that dials PostgreSQL through Toxiproxy', async () => {
    const target = await infra.startTarget({
      BUILD_ID: 'stub-1',
      DATABASE_URL: `postgres://postgres:mcp-chaos@${(await infra.proxyAddress('target→postgres')).fromTarget}/reference`,
    });
    const health = await (await fetch(`${target.adminUrl}/healthz`)).json();
    expect(health).toEqual({ ok: true, buildId: 'stub-1' });
    expect(await (await fetch(`${target.adminUrl}/db`)).json()).toEqual({ one: 1 });
    expect(target.logs()).toContain('stub target listening on 0.0.0.0:3000');

    await target.kill();
    await expect(
      fetch(`${target.adminUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }),
    ).rejects.toThrow();
    await target.restart();
    expect((await fetch(`${target.adminUrl}/healthz`)).status).toBe(200);
    await target.stop();
    await target.stop();
  });

  it('reports a target that cannot start with its last log lines', async () => {
    const error = await infra.startTarget({ STUB_FAIL: '1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('TARGET_START');
    expect((error as HarnessError).message).toContain('failing on purpose');
  });

  it('stops and starts PostgreSQL keeping its data', async () => {
    await query(infra.postgresUrl, 'create table kept (v int); insert into kept values (42)');
    await infra.stopPostgres();
    await expect(query(infra.postgresUrl, 'select 1')).rejects.toThrow();
    await infra.startPostgres();
    expect(await query(infra.postgresUrl, 'select v from kept')).toEqual([{ v: 42 }]);
    // In-network name survives: the proxy still reaches it.
    const url = `postgres://postgres:mcp-chaos@${(await infra.proxyAddress('target→postgres')).fromHost}/reference`;
    expect(await query(url, 'select v from kept')).toEqual([{ v: 42 }]);
  });

  it("sweeps a dead owner's network but never a live owner's", async () => {
    const dead = `mcp-chaos-sweeptest-dead-${process.pid}`;
    const live = `mcp-chaos-sweeptest-live-${process.pid}`;
    docker('network', 'create', '--label', 'mcp-chaos=1', '--label', 'mcp-chaos.owner-pid=2147483646', dead);
    docker(
      'network',
      'create',
      '--label',
      'mcp-chaos=1',
      '--label',
      `mcp-chaos.owner-pid=${process.pid}`,
      live,
    );
    try {
      const result = await sweepOrphans(progress);
      expect(result.networks).toBeGreaterThanOrEqual(1);
      const names = docker('network', 'ls', '--format', '{{.Name}}').split('\n');
      expect(names).not.toContain(dead);
      expect(names).toContain(live);
      expect(names).toContain(infra.networkName);
    } finally {
      docker('network', 'rm', live);
    }
  });

  it('stop() leaves no container or network of the environment', async () => {
    await infra.stop();
    await infra.stop();
    const filter = `label=mcp-chaos.env-id=${infra.envId}`;
    expect(docker('ps', '-a', '-q', '--filter', filter)).toBe('');
    expect(docker('network', 'ls', '-q', '--filter', filter)).toBe('');
  });
});
