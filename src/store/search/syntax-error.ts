import { EvalflowError } from '../../core/errors.js';

/**
 * An INVALID_PARAMETER_VALUE error that quotes the input, gives the 0-based position and draws a caret under it:
 *
 *     Invalid filter "metrics.rmse >> 1" at position 13: expected … but found '>>'.
 *       metrics.rmse >> 1
 *                    ^
 */
export function syntaxError(
  what: string,
  text: string,
  position: number,
  message: string,
  details: Record<string, unknown> = {},
): EvalflowError {
  // The input is quoted JSON-style so the first line stays one line; under it, line breaks and tabs show as
  // spaces to keep the caret aligned.
  const shown = text.replace(/\s/g, ' ');
  const caret = `${' '.repeat(position)}^`;
  return EvalflowError.invalid(
    `Invalid ${what} ${JSON.stringify(text)} at position ${position}: ${message}\n  ${shown}\n  ${caret}`,
    { ...details, position },
  );
}
