import { textEvaluator } from './text-metrics.js';

/** MLflow's default metrics for `text` (spec §2.4): token_count, toxicity/v1 and the two readability grades, plus latency. */
export const textModelEvaluator = textEvaluator('text', ['token_count', 'toxicity', 'flesch_kincaid_grade_level', 'ari_grade_level']);
