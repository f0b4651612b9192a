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

// JSON lines on stdout (or `destination`, for tests).
export function createLogger(level: string, buildId: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'mcp-reference-server', buildId, pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
