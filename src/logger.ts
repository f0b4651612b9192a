import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Field paths the logger censors whatever code logs them: credentials (the Authorization header,
 * bearer and admin tokens, passwords) and personal data (email, phone, card numbers). A second
 * line of defence: code logs ids, never tokens, headers, arguments or rows; but a future
 * `logger.info({ req })` or `logger.warn({ customer })` must not start leaking them. Redaction works
 * on fields only: a value interpolated into the message string is beyond its reach (the
 * pii-in-logs defect does exactly that, and the harness's piiScan check catches it).
 */
const SENSITIVE_FIELDS = [
  'authorization',
  'token',
  'accessToken',
  'adminToken',
  'password',
  'email',
  'phone',
  'cardNumber',
];
export const REDACTED_PATHS = [
  ...SENSITIVE_FIELDS,
  ...SENSITIVE_FIELDS.map((field) => `*.${field}`),
  ...SENSITIVE_FIELDS.map((field) => `*.*.${field}`),
  '*.headers.authorization',
  '*.headers.cookie',
  'customers[*].email',
  'customers[*].phone',
  '*.customers[*].email',
  '*.customers[*].phone',
];

/**
 * JSON lines on stdout; on stderr with the stdio transport, whose stdout is the protocol
 * (synchronous there: the last lines before an exit on stdin EOF must not be lost); or on
 * `to` itself, a stream (tests).
 */
export function createLogger(
  level: string,
  buildId: string,
  to: 'stdout' | 'stderr' | DestinationStream = 'stdout',
): Logger {
  const options = {
    level,
    base: { service: 'mcp-reference-server', buildId, pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (to === 'stdout') return pino(options);
  if (to === 'stderr') return pino(options, pino.destination({ fd: 2, sync: true }));
  return pino(options, to);
}
