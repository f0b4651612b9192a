// Nothing leaks: an environment's stop() leaves no process, container, network or temp dir, and
// a run killed with SIGKILL (no handler runs) is swept by the next run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { Environment } from '../harness/index.ts';
import { leftovers, total } from './support/leftovers.ts';
import { testRuntimes } from './support/runtimes.ts';

describe.each(testRuntimes())('no leftovers on %s', (runtime) => {
  const withDocker = runtime === 'containers';

  it('stop() leaves nothing behind', async () => {
    const remembered = { pids: [], dirs: [] };
    const env = await new Environment().withRuntime(runtime).start();
    let during: ReturnType<typeof leftovers>;
    try {
      during = leftovers(process.pid, remembered, withDocker);
    } finally {
      await env.stop();
    }
    // The probe must see the running environment, or "nothing left" would prove nothing.
    expect(total(during)).toBeGreaterThan(0);
    expect(leftovers(process.pid, remembered, withDocker)).toEqual({
      processes: [],
      dirs: [],
      stateFiles: [],
      containers: [],
      networks: [],
    });
  });

  it("a SIGKILLed run's leftovers are swept by the next run; a live owner's environment is left alone", async () => {
    const owner = async (instances: number) => {
      const child = spawn(process.execPath, ['test/support/start-and-wait.ts', runtime, String(instances)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      expect(JSON.parse(first)).toMatchObject({ up: true, runtime });
      return { child, pid: child.pid as number, remembered: { pids: [], dirs: [] } };
    };
    // The one killed runs three instances behind the router (several target processes or
    // containers), the one left alive a single instance.
    const [dead, alive] = await Promise.all([owner(3), owner(1)]);
    try {
      const before = leftovers(dead.pid, dead.remembered, withDocker);
      expect(total(before)).toBeGreaterThan(0);
      const aliveBefore = leftovers(alive.pid, alive.remembered, withDocker);
      expect(total(aliveBefore)).toBeGreaterThan(0);

      dead.child.kill('SIGKILL');
      await once(dead.child, 'exit');
      // Nothing ran in the dead owner: everything it started is still there...
      expect(total(leftovers(dead.pid, dead.remembered, withDocker))).toBeGreaterThan(0);

      // ...until the next environment of this runtime starts and sweeps it.
      const next = await new Environment().withRuntime(runtime).start();
      await next.stop();
      expect(leftovers(dead.pid, dead.remembered, withDocker)).toEqual({
        processes: [],
        dirs: [],
        stateFiles: [],
        containers: [],
        networks: [],
      });
      // The live owner's environment is untouched: every process, dir and container still there.
      expect(leftovers(alive.pid, alive.remembered, withDocker)).toEqual(aliveBefore);
    } finally {
      dead.child.kill('SIGKILL');
      alive.child.kill('SIGTERM');
      await once(alive.child, 'exit');
    }
  });
});
