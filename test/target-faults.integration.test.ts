// The target faults on a real environment (both runtimes), proved from outside: kill with
// SIGKILL makes real MCP calls fail while the target is down and the journal's inject detail
// names the kill (SIGKILL locally, exit code 137 in a container) with the target's last log
// lines; heal starts it again and a real MCP call succeeds. SIGTERM: the reference server shuts
// down gracefully (exit code 0, its "stopped" line in the detail). The instant restart fault:
// calls succeed right after it. Everything is stopped at the end.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  Environment,
  Fault,
  type JournalRecord,
  McpSession,
  referenceTarget,
  type StartedEnvironment,
} from '../harness/index.ts';
import { TimelinePlayer } from '../harness/scenario/timeline.ts';
import { testRuntimes } from './support/runtimes.ts';

function agentOf(env: StartedEnvironment) {
  const identity = env.identities.find((i) => i.role === 'agent');
  if (!identity) throw new Error('the environment minted no agent identity');
  const customerId = env.dataset.customers.find((c) => c.tenantId === identity.tenant)?.id;
  return { identity, customerId };
}

/** One real MCP call through the target: 'ok', or what went wrong. */
async function call(env: StartedEnvironment, timeoutMs = 5_000): Promise<string> {
  const { identity, customerId } = agentOf(env);
  try {
    const session = await McpSession.connect(env.mcpUrl, identity);
    try {
      const result = await session.call('lookup_customer', { customerId }, randomUUID(), timeoutMs);
      return result.isError
        ? `tool error: ${JSON.stringify(result.structuredContent ?? result.content)}`
        : 'ok';
    } finally {
      await session.close().catch(() => undefined);
    }
  } catch (error) {
    return `transport error: ${String(error)}`;
  }
}

/** The inject event's detail of the fault named `name` in the journal. */
function injectDetail(records: JournalRecord[], name: string): string {
  const event = records.find(
    (r) => r.type === 'fault' && (r as { fault?: string }).fault === name && r.event === 'inject',
  ) as { detail?: string } | undefined;
  if (!event) throw new Error(`no inject event of ${name} in ${JSON.stringify(records)}`);
  return event.detail ?? '';
}

/** Plays one phase of `durationMs` with `fault`, running `during` while it is injected. */
async function play(
  env: StartedEnvironment,
  fault: ReturnType<typeof Fault.kill>,
  durationMs: number,
  during?: () => Promise<void>,
): Promise<JournalRecord[]> {
  const records: JournalRecord[] = [];
  const player = new TimelinePlayer(env, (r) => records.push(r));
  const playing = player.play([{ name: 'fault', durationMs, faults: [fault] }]);
  if (during) {
    try {
      await during();
    } catch (error) {
      await playing.catch(() => undefined);
      throw error;
    }
  }
  await playing;
  return records;
}

describe.each(testRuntimes())('target faults on %s', (runtime) => {
  it('SIGKILL, SIGTERM and restart, each seen from outside and healed', async () => {
    // At info level the reference server logs its start and its shutdown ("stopped").
    const env = await new Environment()
      .withRuntime(runtime)
      .withTarget(referenceTarget({ env: { LOG_LEVEL: 'info' } }))
      .start();
    try {
      expect(await call(env)).toBe('ok');

      // kill -9: calls fail at the transport while it is down; heal brings it back.
      let whileDown = '';
      const killRecords = await play(env, Fault.kill('target', { forMs: 2_500 }), 2_500, async () => {
        await sleep(1_000); // injected (the kill waits for the exit) well before this
        whileDown = await call(env, 2_000);
      });
      expect(whileDown).toMatch(/^transport error/);
      const killDetail = injectDetail(killRecords, 'kill(target, SIGKILL)');
      expect(killDetail).toMatch(runtime === 'local' ? /killed by SIGKILL/ : /exited with code 137/);
      expect(killDetail).toMatch(/last log lines: \S/);
      expect(killRecords.some((r) => r.type === 'fault' && r.event === 'heal')).toBe(true);
      expect(await call(env)).toBe('ok');

      // SIGTERM: the reference server drains and exits 0.
      const termRecords = await play(env, Fault.kill('target', { signal: 'SIGTERM', forMs: 500 }), 500);
      const termDetail = injectDetail(termRecords, 'kill(target, SIGTERM)');
      expect(termDetail).toMatch(/exited with code 0\b/);
      expect(termDetail).toMatch(/stopped/); // its last line: logger.info('stopped')
      expect(await env.target.lastExit()).toMatchObject({ code: 0, signal: null });
      expect(await call(env)).toBe('ok');

      // The instant restart fault: the target is back and ready when inject returns.
      const restartRecords = await play(env, Fault.restartTarget(), 0);
      expect(injectDetail(restartRecords, 'restart(target)')).toMatch(
        /exited with code 0\b.*started again and ready$/,
      );
      expect(await call(env)).toBe('ok');
    } finally {
      await env.stop();
    }
    // Stopped: nothing answers on the MCP URL any more.
    expect(await call(env, 1_000)).toMatch(/^transport error/);
  });
});
