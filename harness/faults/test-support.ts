// Shared by the faults' unit tests. Not part of the public face.
import { expect } from 'vitest';
import { HarnessError } from '../errors.ts';

/** The HarnessError `make` throws (fails the test if it throws nothing or something else). */
export function errorOf(make: () => unknown): HarnessError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    return error as HarnessError;
  }
  throw new Error('expected a HarnessError, nothing was thrown');
}
