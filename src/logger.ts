import { type Logger, pino } from 'pino';

// JSON lines on stdout (stderr with the stdio transport, whose stdout is the protocol), with
// redaction as a second line of defence: code never logs tokens or headers, but a future
// `logger.info({ req })` must not start leaking them.
export function createLogger(level: string, buildId: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = {
    level,
    base: { service: 'mcp-reference-server', buildId, pid: process.pid },
    redact: {
      paths: ['*.authorization', '*.headers.authorization', 'token', '*.token'],
      censor: '[redacted]',
    },
  };
  // Synchronous on stderr: the last lines before an exit on stdin EOF must not be lost.
  return to === 'stderr' ? pino(options, pino.destination({ fd: 2, sync: true })) : pino(options);
}
