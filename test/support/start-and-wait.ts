// Starts an environment, prints one line when it is up, then waits to be killed: the
// integration tests SIGKILL this process to leave a crashed run's leftovers behind.
import { Environment, type RuntimeName } from '../../harness/index.ts';

// argv: runtime [instances]: several instances put the router in front of them, as a deploy has.
const runtime = process.argv[2] as RuntimeName;
const instances = Number(process.argv[3] ?? 1);
const env = await new Environment().withRuntime(runtime).withInstances(instances).start();
process.stdout.write(`${JSON.stringify({ up: true, runtime: env.runtime, pid: process.pid })}\n`);
const keepAlive = setInterval(() => {}, 60_000);
// SIGTERM: a clean stop (the test's live owner); SIGKILL leaves everything behind on purpose.
process.once('SIGTERM', () => {
  clearInterval(keepAlive);
  void env.stop().finally(() => process.exit(0));
});
