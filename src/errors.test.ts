import { describe, expect, it } from 'vitest';
import { classifyError, ToolError } from './errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  it.each([
    [withCode('canceling statement due to statement timeout', '57014'), 'TIMEOUT'],
    [new Error('Query read timeout'), 'TIMEOUT'],
    [new Error('timeout exceeded when trying to connect'), 'DEPENDENCY_UNAVAILABLE'],
    [withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'), 'DEPENDENCY_UNAVAILABLE'],
    [new Error('Connection terminated unexpectedly'), 'DEPENDENCY_UNAVAILABLE'],
    [withCode('terminating connection due to administrator command', '57P01'), 'DEPENDENCY_UNAVAILABLE'],
    [withCode('the database system is starting up', '57P03'), 'DEPENDENCY_UNAVAILABLE'],
    [withCode('connection failure', '08006'), 'DEPENDENCY_UNAVAILABLE'],
    [withCode('sorry, too many clients already', '53300'), 'DEPENDENCY_UNAVAILABLE'],
    [withCode('database "reference" does not exist', '3D000'), 'DEPENDENCY_UNAVAILABLE'],
    [withCode('relation "customers" does not exist', '42P01'), 'INTERNAL'],
    ['a thrown string', 'INTERNAL'],
  ])('maps %s to %s', (error, code) => {
    expect(classifyError(error).code).toBe(code);
  });

  it('leaks no SQL, host or detail in the message', () => {
    const mapped = classifyError(withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'));
    expect(mapped.message).toBe('the database is unavailable; retry in a few seconds');
    expect(classifyError(withCode('syntax error at or near "SELECT"', '42601')).message).toBe(
      'an internal error occurred; retry later, and quote the correlation id if it persists',
    );
  });

  it('passes a ToolError through unchanged', () => {
    const error = new ToolError('FORBIDDEN', 'no');
    expect(classifyError(error)).toBe(error);
  });
});
