// The CLI as a user runs it: `env up --json` prints one JSON line, the environment it describes
// answers real MCP calls, and Ctrl-C (SIGINT) tears it down and exits 0; `run` interrupted
// mid-fault heals, stops and still writes its report.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { McpSession, readJournal } from '../harness/index.ts';
import { leftovers, total } from './support/leftovers.ts';
import { testRuntimes } from './support/runtimes.ts';

const bin = 'harness/cli/bin.ts';

describe.each(testRuntimes())('mcp-chaos env up on %s', (runtime) => {
  it('prints the environment as JSON, serves MCP calls, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'env', 'up', '--runtime', runtime, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await Promise.race([
        once(lines, 'line'),
        exited.then(() => {
          throw new Error(`env up exited early:\n${stderr}`);
        }),
      ])) as [string];
      const env = JSON.parse(first) as {
        runtime: string;
        mcpUrl: string;
        toxiproxyUrl: string;
        postgresUrl: string;
        links: { name: string; listen: string; upstream: string }[];
        identities: {
          tenant: string;
          role: 'agent' | 'auditor' | 'customer';
          customer?: string;
          token: string;
        }[];
      };
      expect(Object.keys(env).sort()).toEqual(
        [
          'identities',
          'instances',
          'links',
          'mcpUrl',
          'postgresUrl',
          'router',
          'runtime',
          'toxiproxyUrl',
        ].sort(),
      );
      // One instance and no router unless asked for (--instances, --router).
      expect((env as unknown as { router: unknown }).router).toBeNull();
      expect((env as unknown as { instances: { id: string }[] }).instances.map((i) => i.id)).toEqual([
        'target-1',
      ]);
      expect(env.runtime).toBe(runtime);
      expect(env.links.map((l) => l.name).sort()).toEqual([
        'client→target',
        'target→identity',
        'target→postgres',
        'target→upstream',
      ]);
      expect((await fetch(`${env.toxiproxyUrl}/version`)).ok).toBe(true);

      const customer = env.identities.find((i) => i.role === 'customer');
      expect(customer?.customer).toBeDefined();
      const session = await McpSession.connect(env.mcpUrl, customer as (typeof env.identities)[number]);
      const result = await session.call(
        'lookup_customer',
        { customerId: customer?.customer },
        'cli-test-1',
        10_000,
      );
      await session.close();
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { customer: { id: string } }).customer.id).toBe(customer?.customer);
      expect(result._meta?.['mcp-chaos/correlation-id']).toBe('cli-test-1');

      const remembered = { pids: [], dirs: [] };
      expect(total(leftovers(child.pid as number, remembered, runtime === 'containers'))).toBeGreaterThan(0);
      child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      expect(total(leftovers(child.pid as number, remembered, runtime === 'containers'))).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('mcp-chaos with bad input', () => {
  it('exits 64 and says what is wrong', async () => {
    const child = spawn(process.execPath, [bin, 'run', '--runtime', 'docker'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(64);
    expect(stderr).toContain('--runtime docker is not a runtime: use auto, local or containers');
  });
});

describe('mcp-chaos run, interrupted', () => {
  it('Ctrl-C mid-fault heals, stops the environment, and still reports (inconclusive)', async () => {
    const reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-sigint-'));
    const child = spawn(
      process.execPath,
      [bin, 'run', 'database-restart', '--runtime', 'local', '--report-dir', reportDir],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    const faultStarted = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('phase restart')) resolve();
      });
    });
    try {
      await faultStarted;
      await new Promise((resolve) => setTimeout(resolve, 8000)); // inside the blackhole and the restart
      child.kill('SIGINT'); // this process only, as `kill -INT <pid>` does
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(2);
      const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8')) as {
        status: string;
        scenarios: { verdicts: { check: string; status: string; summary: string }[] }[];
      };
      expect(report.status).toBe('inconclusive');
      expect(report.scenarios[0]?.verdicts).toContainEqual({
        check: 'harness',
        status: 'inconclusive',
        summary: 'the run was cancelled before its timeline ended',
        evidence: [],
        evidenceTotal: 0,
      });
      const journal = await readJournal(join(reportDir, 'database-restart', 'journal.jsonl'));
      const faults = journal.filter((r) => r.type === 'fault');
      expect(faults.filter((f) => f.event === 'inject').length).toBe(
        faults.filter((f) => f.event === 'heal').length,
      );
      // Its own registry file gone (other tests' environments come and go meanwhile: not compared).
      expect(stateFilesOf(child.pid as number)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(reportDir, { recursive: true, force: true });
    }
  });
});

/** The local runtime's registry: an environment's file is removed only once it is fully stopped. */
/** The local registry's state files whose owner is `ownerPid`. */
function stateFilesOf(ownerPid: number): string[] {
  const dir = join(tmpdir(), 'mcp-chaos-state');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((file) => {
    try {
      return (
        (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { ownerPid?: number }).ownerPid === ownerPid
      );
    } catch {
      return false; // being written or removed right now: not ours to judge
    }
  });
}
