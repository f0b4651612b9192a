import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../schema.ts';

export const MIN_NODE_MAJOR = 24;

/** The Node the project brings (the npm `node` package's binary), if installed. */
export function projectNode(root: string): string | undefined {
  const path = join(root, 'node_modules', '.bin', 'node');
  return existsSync(path) ? realpathSync(path) : undefined;
}

/** Node >= 24 must run the CLI (the harness is TypeScript run by Node's type stripping). */
export function checkNode(input: {
  version: string;
  execPath: string;
  projectNode: string | undefined;
}): CheckResult {
  const major = Number(input.version.replace(/^v/, '').split('.')[0]);
  const whose =
    input.projectNode === undefined
      ? "the project's own Node is not installed"
      : realpathOr(input.execPath) === input.projectNode
        ? "the project's node package"
        : `not the project's ${input.projectNode}`;
  if (major >= MIN_NODE_MAJOR) {
    return {
      id: 'node',
      status: 'ok',
      detail: `Node ${input.version.replace(/^v/, '')} (${whose})`,
      fix: null,
      blocks: [],
    };
  }
  return {
    id: 'node',
    status: 'broken',
    detail: `Node ${input.version.replace(/^v/, '')} runs the CLI; ${MIN_NODE_MAJOR} or newer is needed (${whose})`,
    fix:
      input.projectNode === undefined
        ? 'npm install (brings Node 24), then npx mcp-chaos …'
        : 'run the CLI with node_modules/.bin/node harness/cli/bin.ts … (or npx mcp-chaos …)',
    blocks: ['local', 'containers'],
  };
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
