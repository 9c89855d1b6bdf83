/**
 * Error codes mirror MLflow's `ErrorCode` names so that messages and handling carry over
 * from the Python client and the REST API.
 */
export const ErrorCode = {
  INVALID_PARAMETER_VALUE: 'INVALID_PARAMETER_VALUE',
  RESOURCE_DOES_NOT_EXIST: 'RESOURCE_DOES_NOT_EXIST',
  RESOURCE_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  INVALID_STATE: 'INVALID_STATE',
  BAD_REQUEST: 'BAD_REQUEST',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface EvalflowErrorOptions {
  cause?: unknown;
  /** Machine-readable details (column, row index, position …) for callers that handle the error. */
  details?: Record<string, unknown>;
}

/** The one error type evalflow throws for bad input and failed operations. */
export class EvalflowError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: EvalflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EvalflowError';
    this.code = code;
    this.details = options.details ?? {};
  }

  static invalid(message: string, details?: Record<string, unknown>): EvalflowError {
    return new EvalflowError(ErrorCode.INVALID_PARAMETER_VALUE, message, details ? { details } : {});
  }

  static notFound(message: string, details?: Record<string, unknown>): EvalflowError {
    return new EvalflowError(ErrorCode.RESOURCE_DOES_NOT_EXIST, message, details ? { details } : {});
  }

  static alreadyExists(message: string, details?: Record<string, unknown>): EvalflowError {
    return new EvalflowError(ErrorCode.RESOURCE_ALREADY_EXISTS, message, details ? { details } : {});
  }

  static internal(message: string, cause?: unknown): EvalflowError {
    return new EvalflowError(ErrorCode.INTERNAL_ERROR, message, cause === undefined ? {} : { cause });
  }
}

export function isEvalflowError(value: unknown, code?: ErrorCode): value is EvalflowError {
  return value instanceof EvalflowError && (code === undefined || value.code === code);
}
