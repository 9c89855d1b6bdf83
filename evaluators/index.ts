// evalflow/evaluators — the default evaluators, one per model type.
import { classifierEvaluator } from './classifier.js';
import { regressorEvaluator } from './regressor.js';
import type { Evaluator } from './types.js';

export { classifierEvaluator, probabilityMatrix } from './classifier.js';
export { regressorEvaluator } from './regressor.js';
export { MODEL_TYPES } from './types.js';
export type {
  Average,
  Evaluator,
  EvaluatorArtifact,
  EvaluatorConfig,
  EvaluatorInput,
  EvaluatorOutput,
  ModelType,
  Probabilities,
  ProbabilityColumns,
  ProbabilityRow,
} from './types.js';

/** The evaluators evaluate() knows without registration. */
export const builtinEvaluators: readonly Evaluator[] = [classifierEvaluator, regressorEvaluator];
