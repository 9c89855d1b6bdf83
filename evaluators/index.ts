// evalflow/evaluators — the default evaluators, one per model type.
import { classifierEvaluator } from './classifier.js';
import { questionAnsweringEvaluator } from './question-answering.js';
import { regressorEvaluator } from './regressor.js';
import { retrieverEvaluator } from './retriever.js';
import { textSummarizationEvaluator } from './text-summarization.js';
import { textModelEvaluator } from './text.js';
import type { Evaluator } from './types.js';

export { classifierEvaluator, probabilityMatrix } from './classifier.js';
export { regressorEvaluator } from './regressor.js';
export { questionAnsweringEvaluator } from './question-answering.js';
export { textModelEvaluator } from './text.js';
export { textSummarizationEvaluator } from './text-summarization.js';
export { retrieverEvaluator } from './retriever.js';
export { DEFAULT_MODERATION_MODEL, type ToxicityOptions } from './toxicity.js';
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
export const builtinEvaluators: readonly Evaluator[] = [
  classifierEvaluator,
  regressorEvaluator,
  questionAnsweringEvaluator,
  textModelEvaluator,
  textSummarizationEvaluator,
  retrieverEvaluator,
];
