import { textEvaluator } from './text-metrics.js';

/**
 * MLflow's default metrics for `question-answering` (spec §2.4): token_count, toxicity/v1,
 * flesch_kincaid_grade_level/v1, ari_grade_level/v1 and exact_match/v1 (which needs targets), plus the latency column.
 */
export const questionAnsweringEvaluator = textEvaluator('question-answering', [
  'token_count',
  'toxicity',
  'flesch_kincaid_grade_level',
  'ari_grade_level',
  'exact_match',
]);
