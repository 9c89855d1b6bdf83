// evalflow/metrics — pure metric functions (numbers in, numbers out).
export type { Label, ClassifierLabels, EncodedClassifierLabels, EncodedLabelPair, ResolveLabelsInput } from './labels.js';
export {
  labelList,
  compareLabels,
  encodeLabels,
  encodeLabelPair,
  encodeClassifierLabels,
  resolveClassifierLabels,
} from './labels.js';
export type {
  Average,
  ConfusionMatrix,
  ConfusionMatrixOptions,
  LabelMetricOptions,
  PrecisionRecallF1,
  PrecisionRecallOptions,
} from './classification.js';
export {
  confusionMatrix,
  accuracyScore,
  precisionRecallF1,
  precisionScore,
  recallScore,
  f1Score,
} from './classification.js';
export { logLoss, toProbabilityMatrix, probabilityColumn } from './probabilities.js';
export type {
  BinaryScoreOptions,
  ClassLiftCurve,
  LiftCurve,
  PrecisionRecallCurve,
  ProbabilityOptions,
  RocCurve,
} from './ranking.js';
export {
  rocAuc,
  multiclassRocAuc,
  averagePrecision,
  rocCurve,
  precisionRecallCurve,
  liftCurve,
  liftCurves,
} from './ranking.js';
export type {
  AnyClassifierMetricsInput,
  BinaryClassifierMetricsInput,
  ClassifierMetricsInput,
  MulticlassClassifierMetricsInput,
  PerClassMetricsRow,
} from './classifier.js';
export {
  binaryClassifierMetrics,
  multiclassClassifierMetrics,
  classifierMetrics,
  perClassMetrics,
} from './classifier.js';
export type { RegressorMetricsInput } from './regression.js';
export {
  meanAbsoluteError,
  meanSquaredError,
  rootMeanSquaredError,
  r2Score,
  maxError,
  meanAbsolutePercentageError,
  regressorMetrics,
} from './regression.js';
export { makeMetric, isEvaluationMetric, loggedMetricKeys } from './make-metric.js';
export type { EvaluationMetric, MakeMetricOptions, MetricArguments, EvalFn, EvalFnContext } from './make-metric.js';
export { MetricValue, standardAggregations, linearPercentile, aggregate, GENAI_AGGREGATIONS } from './metric-value.js';
export type { Score, GenaiAggregation } from './metric-value.js';
export * from './text/index.js';
export {
  precisionAtK,
  recallAtK,
  ndcgAtK,
  retrievalScores,
  retrievalMetricName,
  isValidK,
  requireIdRows,
  RETRIEVAL_METRICS,
} from './retrieval.js';
export type { DocId, RetrievalMetric } from './retrieval.js';
