// `npm run bench:memory`: a 1,000,000-call run against the null MCP responder through the
// scenario runner's code path (bench/drive.ts), its journal written to disk, then read back as a
// stream. Prints the driver's peak RSS (goal: under 300 MB), the journal's size and the reader's
// peak RSS. Options: --calls 1000000, --vus 16.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { streamJournal } from '../harness/journal/index.ts';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '1000000' }, vus: { type: 'string', default: '16' } },
});
// The driver runs as scenario runs do: journal writes off its event loop (see vitest.config.ts).
process.env.UV_USE_IO_URING ??= '0';
const say = (line: string) => process.stdout.write(`${line}\n`);
const work = join(tmpdir(), `mcp-chaos-bench-memory-${process.pid}`);
const journal = join(work, 'journal.jsonl');
await mkdir(work, { recursive: true });
const responder = spawn(process.execPath, [join(import.meta.dirname, 'null-responder.ts'), '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const [line] = (await once(responder.stdout, 'data')) as [Buffer];
  const url = line.toString().trim();
  say(`driving ${values.calls} calls with ${values.vus} VUs against the null responder at ${url} …`);
  const driver = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'drive.ts'),
      '--url',
      url,
      '--calls',
      values.calls,
      '--vus',
      values.vus,
      '--journal',
      journal,
      '--trace-memory',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  driver.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const [code] = (await once(driver, 'exit')) as [number];
  if (code !== 0) throw new Error(`the driver exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    calls: number;
    seconds: number;
    peakRssMb: number;
    journalLines: number;
    verdicts: string[];
  };
  const size = (await stat(journal)).size;
  say(
    `driver: ${result.calls} calls in ${result.seconds.toFixed(1)} s (${(result.calls / result.seconds).toFixed(0)}/s), ` +
      `peak RSS ${result.peakRssMb.toFixed(0)} MB (goal < 300 MB: ${result.peakRssMb < 300 ? 'met' : 'NOT met'}), ` +
      `${result.verdicts.join(', ')}`,
  );
  say(`journal: ${result.journalLines} lines, ${(size / 2 ** 20).toFixed(0)} MB`);
  let calls = 0;
  let peak = 0;
  let lines = 0;
  for await (const record of streamJournal(journal)) {
    lines++;
    if (record.type === 'call') calls++;
    if (lines % 50_000 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  say(
    `read back as a stream: ${lines} records (${calls} calls), every line validated, reader peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`,
  );
  if (calls !== result.calls)
    throw new Error(`the journal holds ${calls} calls, the driver made ${result.calls}`);
} finally {
  responder.kill();
  await rm(work, { recursive: true, force: true });
}
