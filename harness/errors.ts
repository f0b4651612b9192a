/**
 * The one error type for failures of the harness itself (not of the target). `code` is stable
 * and machine-readable; `message` says what went wrong and what to do about it.
 */
export type HarnessErrorCode =
  | 'DOCKER_UNAVAILABLE'
  | 'IMAGE_MISSING'
  | 'TOXIPROXY_MISSING'
  | 'TOXIPROXY_API'
  | 'PORT_IN_USE'
  | 'DEPENDENCY_START'
  | 'TARGET_START'
  | 'INVALID_SCENARIO'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_FAULT'
  | 'JOURNAL_INVALID'
  | 'TIMEOUT'
  | 'LOAD_FAILED'
  | 'BACKUP_FAILED'
  | 'REPORT_ASSET_MISSING'
  | 'BROWSER_MISSING';

export class HarnessError extends Error {
  readonly code: HarnessErrorCode;
  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
    this.code = code;
  }
}
