// The environment reports every exit of the target as it happens, on both runtimes: a kill from
// outside the harness (process.kill on the local pid, a kill through the Docker engine) arrives
// as an unexpected exit with its signal or exit code and the target's last log lines, within a
// few seconds; the harness's own kill fault and restart arrive marked expected; the environment's
// own stop is not reported. The journal records built from them pass the journal's schema.
import { setTimeout as sleep } from 'node:timers/promises';
import { getContainerRuntimeClient } from 'testcontainers';
import { describe, expect, it } from 'vitest';
import {
  Environment,
  Fault,
  type JournalRecord,
  referenceTarget,
  type StartedEnvironment,
} from '../harness/index.ts';
import { parseRecord } from '../harness/journal/index.ts';
import type { TargetExitEvent } from '../harness/runtime/backend.ts';
import { journalTargetExits } from '../harness/scenario/target-exits.ts';
import { TimelinePlayer } from '../harness/scenario/timeline.ts';
import { testRuntimes } from './support/runtimes.ts';

/** Resolves once `exits` holds more than `count` entries; fails after `timeoutMs`. */
async function nextExit(
  exits: TargetExitEvent[],
  count: number,
  timeoutMs = 5_000,
): Promise<TargetExitEvent> {
  const deadline = Date.now() + timeoutMs;
  while (exits.length <= count) {
    if (Date.now() > deadline) throw new Error(`no target exit reported within ${timeoutMs} ms`);
    await sleep(20);
  }
  return exits[count] as TargetExitEvent;
}

/** The running incarnation as the runtime names it: `pid N (…)` locally, `<container> start N` in Docker. */
async function instanceOf(env: StartedEnvironment): Promise<string> {
  return (await env.target.resourceUsage()).instance;
}

/** Kills the target the way something outside the harness would: not through any harness API. */
async function killFromOutside(env: StartedEnvironment): Promise<void> {
  const instance = await instanceOf(env);
  if (env.runtime === 'local') {
    const pid = Number(/^pid (\d+)/.exec(instance)?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
  } else {
    const container = /^(\S+) start \d+$/.exec(instance)?.[1] ?? '';
    const client = await getContainerRuntimeClient();
    await client.container.dockerode.getContainer(container).kill({ signal: 'SIGKILL' });
  }
}

async function waitReady(env: StartedEnvironment): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await env.admin.ready()).ok) {
    if (Date.now() > deadline) throw new Error(`target not ready again:\n${env.target.logs()}`);
    await sleep(200);
  }
}

describe.each(testRuntimes())('target exits on %s', (runtime) => {
  it('reports an outside kill as unexpected and the harness kill fault as expected, not the stop', async () => {
    // At info level the reference server logs its start: the tail has something to show.
    const env = await new Environment()
      .withRuntime(runtime)
      .withTarget(referenceTarget({ env: { LOG_LEVEL: 'info' } }))
      .start();
    const exits: TargetExitEvent[] = [];
    const journal: JournalRecord[] = [];
    try {
      env.onTargetExit((exit) => exits.push(exit));
      journalTargetExits(env, (record) => journal.push(record));

      // kill -9 from outside: an unexpected exit, with how it died and what it printed last.
      const instance = await instanceOf(env);
      const killedAt = Date.now();
      await killFromOutside(env);
      const crash = await nextExit(exits, 0);
      expect(crash).toMatchObject({ expected: false });
      if (runtime === 'local') {
        expect(crash).toMatchObject({ signal: 'SIGKILL', code: null });
        expect(instance.startsWith(`${crash.instance} `)).toBe(true);
      } else {
        expect(crash).toMatchObject({ signal: null, code: 137 });
        expect(crash.instance).toBe(instance);
      }
      expect(crash.logTail.length).toBeGreaterThan(0);
      expect(crash.logTail.join('\n')).toMatch(/\S/);
      expect(crash.at).toBeGreaterThanOrEqual(killedAt - 1_000);
      expect(crash.at).toBeLessThanOrEqual(Date.now());
      expect(journal).toHaveLength(1);
      expect(parseRecord(journal[0], 'journal')).toMatchObject({
        type: 'target',
        event: 'exit',
        expected: false,
      });

      // Brought back by the harness: starting it again is no exit.
      await env.target.restart();
      await waitReady(env);
      await sleep(500);
      expect(exits).toHaveLength(1);

      // The harness's own kill fault: expected, reported before the fault's inject is journaled.
      const records: JournalRecord[] = [];
      const player = new TimelinePlayer(env, (r) => records.push(r));
      await player.play([{ name: 'kill', durationMs: 500, faults: [Fault.kill('target', { forMs: 500 })] }]);
      const killed = await nextExit(exits, 1);
      expect(killed).toMatchObject({ expected: true });
      expect(killed.logTail.length).toBeGreaterThan(0);
      expect(records.some((r) => r.type === 'fault' && r.event === 'heal')).toBe(true);
      await waitReady(env);

      // The instant restart fault (SIGTERM, a graceful exit): expected too.
      await new TimelinePlayer(env, () => undefined).play([
        { name: 'restart', durationMs: 0, faults: [Fault.restartTarget()] },
      ]);
      const restarted = await nextExit(exits, 2);
      expect(restarted).toMatchObject({ expected: true, code: 0 });
      expect(restarted.logTail.join('\n')).toMatch(/stopped/); // its last line: logger.info('stopped')
      for (const record of journal) parseRecord(record, 'journal');
      expect(journal.map((r) => r.type === 'target' && r.expected)).toEqual([false, true, true]);
    } finally {
      await env.stop();
    }
    // The environment's own stop is not news.
    await sleep(500);
    expect(exits).toHaveLength(3);
  });
});
