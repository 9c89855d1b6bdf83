import { EvalflowError } from '../../src/core/errors.js';
import type { Scorer } from '../types.js';
import { builtinJudge, type BuiltinJudgeOptions } from './common.js';
import { askGuidelines, guidelineList } from './guidelines.js';

/** `expectations_guidelines`: guidelines that vary per row, from `expectations.guidelines` (string or list). */
export function expectationsGuidelines(options: BuiltinJudgeOptions = {}): Scorer {
  return builtinJudge('expectations_guidelines', options, async (input, judge, context) => {
    const list = guidelineList(input.expectations?.guidelines);
    if (list === undefined) {
      throw EvalflowError.invalid('Guidelines must be specified in the expectations parameter or must be present in the trace.');
    }
    return [await askGuidelines(list, input, judge, context)];
  });
}
