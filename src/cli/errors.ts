import { EvalflowError } from '../index.js';

/** Exit codes: 0 success, 1 validation failed, 2 a usage or input error. */
export const ExitCode = { OK: 0, VALIDATION_FAILED: 1, USAGE: 2 } as const;

/** A CLI failure with the exit code it ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof EvalflowError) return `${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
