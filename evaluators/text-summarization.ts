import { textEvaluator } from './text-metrics.js';

/**
 * MLflow's default metrics for `text-summarization` (spec §2.4): the four text metrics plus rouge1, rouge2, rougeL and
 * rougeLsum (/v1, which need targets: the reference summaries), plus the latency column.
 */
export const textSummarizationEvaluator = textEvaluator('text-summarization', [
  'token_count',
  'toxicity',
  'flesch_kincaid_grade_level',
  'ari_grade_level',
  'rouge1',
  'rouge2',
  'rougeL',
  'rougeLsum',
]);
