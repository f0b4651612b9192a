// Starts an environment, prints one line when it is up, then waits to be killed: the
// integration tests SIGKILL this process to leave a crashed run's leftovers behind.
import { Environment, type RuntimeName } from '../../harness/index.ts';

const runtime = process.argv[2] as RuntimeName;
const env = await new Environment().withRuntime(runtime).start();
process.stdout.write(`${JSON.stringify({ up: true, runtime: env.runtime, pid: process.pid })}\n`);
setInterval(() => {}, 60_000);
