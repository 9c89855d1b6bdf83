// evaluate() with scorers and LLM judges: MLflow's genai.evaluate flow, wired into evaluate().
export { evaluateWithScorers, isTraceList, type GenaiRunOptions, type ClassicEvaluate } from './evaluate-genai.js';
export {
  predictConcurrency,
  type GenaiEvaluateOptions,
  type GenaiColumns,
  type ConcurrencyOptions,
  type EvaluationProgress,
  type JudgeStats,
} from './options.js';
export { feedbackNumber } from './aggregate.js';
export { PREDICT_ERROR, SCORER_ERROR } from './run-scorers.js';
export { EVAL_REQUEST_ID_TAG } from './row-runner.js';
export { SOURCE_SCORER_TAG } from './judge-context.js';
