import { type Logger, pino } from 'pino';

// JSON lines on stdout, with redaction as a second line of defence: code never logs tokens or
// headers, but a future `logger.info({ req })` must not start leaking them.
export function createLogger(level: string, buildId: string): Logger {
  return pino({
    level,
    base: { service: 'mcp-reference-server', buildId, pid: process.pid },
    redact: {
      paths: ['*.authorization', '*.headers.authorization', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}
