import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HarnessError } from '../../errors.ts';

const require = createRequire(import.meta.url);

export interface Assets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
  css: string;
}

let cached: Assets | undefined;

/**
 * Everything the page inlines, read once per process: uPlot from node_modules (the pinned
 * version, so the page needs no network), our client script and styles from beside this file.
 */
export function assets(): Assets {
  cached ??= {
    uplotJs: read(() => require.resolve('uplot/dist/uPlot.iife.min.js')),
    uplotCss: read(() => require.resolve('uplot/dist/uPlot.min.css')),
    clientJs: read(() => new URL('./client.js', import.meta.url).pathname),
    css: read(() => new URL('./styles.css', import.meta.url).pathname),
  };
  return cached;
}

function read(locate: () => string): string {
  let path = '(unresolved)';
  try {
    path = locate();
    const text = readFileSync(path, 'utf8');
    // Inlined inside <script>/<style>: a closing tag in it would end the element early.
    if (/<\/(script|style)/i.test(text)) {
      throw new HarnessError(
        'REPORT_ASSET_MISSING',
        `${path} contains a closing </script> or </style> tag: it cannot be inlined`,
      );
    }
    return text;
  } catch (error) {
    if (error instanceof HarnessError) throw error;
    throw new HarnessError(
      'REPORT_ASSET_MISSING',
      `report.html needs ${path}, which could not be read (${(error as Error).message}): run npm install`,
    );
  }
}
