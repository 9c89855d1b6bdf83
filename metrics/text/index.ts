// evalflow/metrics — text metrics: exact match, token count, readability, ROUGE, toxicity scoring, latency.
export { exactMatch } from './exact-match.js';
export { tokenCount, tokenCounts } from './token-count.js';
export { fleschKincaidGrade, automatedReadabilityIndex, fleschKincaidGrades, ariGrades, roundTo1Decimal } from './readability.js';
export { wordCount, sentenceCount, syllableCount, letterCount, removePunctuation, textCounts, type TextCounts } from './textstat.js';
export { rouge, rougeScores, ROUGE_TYPES, type RougeScore, type RougeType } from './rouge.js';
export { rougeTokens } from './rouge-tokenizer.js';
export { toxicityScore, toxicityRatio, toxicityMetricValue, TOXICITY_THRESHOLD } from './toxicity.js';
export { latencyMetricValue } from './latency.js';
export { TEXT_METRICS, scoredMetricValue, type TextMetricInfo, type TextMetricName } from './builtins.js';
export { firstNonString, requireStrings } from './inputs.js';
