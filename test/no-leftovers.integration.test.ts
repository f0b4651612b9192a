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

  it("a SIGKILLed run's leftovers are swept by the next run", async () => {
    const child = spawn(process.execPath, ['test/support/start-and-wait.ts', runtime], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, 'line')) as [string];
    expect(JSON.parse(first)).toMatchObject({ up: true, runtime });
    const ownerPid = child.pid as number;
    const remembered = { pids: [], dirs: [] };
    const before = leftovers(ownerPid, remembered, withDocker);
    expect(total(before)).toBeGreaterThan(0);

    child.kill('SIGKILL');
    await once(child, 'exit');
    // Nothing ran in the dead owner: everything it started is still there...
    expect(total(leftovers(ownerPid, remembered, withDocker))).toBeGreaterThan(0);

    // ...until the next environment of this runtime starts and sweeps it.
    const next = await new Environment().withRuntime(runtime).start();
    await next.stop();
    expect(leftovers(ownerPid, remembered, withDocker)).toEqual({
      processes: [],
      dirs: [],
      stateFiles: [],
      containers: [],
      networks: [],
    });
  });
});
