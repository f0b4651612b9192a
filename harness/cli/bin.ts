#!/usr/bin/env node
import { main } from './main.ts';

// The scenarios' load driver runs in the vitest workers this process forks: keep journal writes
// off their event loops (see vitest.config.ts).
process.env.UV_USE_IO_URING ??= '0';

process.exitCode = await main(process.argv.slice(2));
