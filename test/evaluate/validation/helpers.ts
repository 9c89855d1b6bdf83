import { expect } from 'vitest';

import { EvalflowError } from '../../../src/core/errors.js';

/** Runs `fn`, expects it to throw an EvalflowError and returns the error for closer checks. */
export function thrownBy(fn: () => unknown): EvalflowError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EvalflowError);
    return error as EvalflowError;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** As thrownBy, for a promise. */
export async function rejectionOf(promise: Promise<unknown>): Promise<EvalflowError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EvalflowError);
    return error as EvalflowError;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
