#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Before the CLI's modules load: V8's compiled code of the harness (hundreds of modules) is kept
// on disk, so every start after the first skips most of the compiling (~0.3-0.7 s here).
enableCompileCache();

// The scenarios' load driver runs in the vitest workers this process forks: keep journal writes
// off their event loops (see vitest.config.ts).
process.env.UV_USE_IO_URING ??= '0';

const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
