// A diagnostic for `npm run bench:load`, not the driver: the lean MCP client alone, with no
// planning, digesting, journaling or checks, `--vus` sessions calling back to back for
// `--duration`. It tells how much of the driver's cost per call is the HTTP client itself.
// Prints one JSON line: calls, seconds.
import { parseArgs } from 'node:util';
import { McpSession, parseDuration } from '../harness/load/index.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    vus: { type: 'string', default: '16' },
    duration: { type: 'string', default: '10s' },
  },
});
if (!values.url) throw new Error('give --url of an MCP endpoint');
const url = values.url;
const sessions = await Promise.all(
  Array.from({ length: Number(values.vus) }, () =>
    McpSession.connect(url, { tenant: 'bench', role: 'agent', token: 'bench' }),
  ),
);
let calls = 0;
const t0 = performance.now();
const end = t0 + parseDuration(values.duration);
await Promise.all(
  sessions.map(async (session, vu) => {
    while (performance.now() < end) {
      await session.call('lookup_customer', { customerId: 'c-1' }, `floor-${vu}-${calls}`, 10_000);
      calls++;
    }
  }),
);
process.stdout.write(`${JSON.stringify({ calls, seconds: (performance.now() - t0) / 1000 })}\n`);
process.exit(0);
