import type { TopLevelSpec } from 'vega-lite';
import type { EvalTable } from '../src/data/eval-table.js';
import type { Label } from '../metrics/labels.js';
import type { MetricValue } from '../metrics/metric-value.js';
import type { ToxicityOptions } from './toxicity.js';

export const MODEL_TYPES = [
  'classifier',
  'regressor',
  'question-answering',
  'text-summarization',
  'text',
  'retriever',
] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/** MLflow's `evaluator_config`, camelCase. Keys it does not name are passed on to custom metrics. */
export interface EvaluatorConfig {
  posLabel?: Label;
  labelList?: Label[];
  average?: Average;
  /** One weight per row, or the name of a column that holds them. */
  sampleWeights?: readonly number[] | Float64Array | string;
  metricPrefix?: string;
  /** eval_fn argument name → column name (or a literal value). */
  colMapping?: Record<string, unknown>;
  maxClassesForMulticlassRocPr?: number;
  retrieverK?: number;
  /** Where `toxicity/v1` gets its moderation scores (text model types), or false to turn it off. See ToxicityOptions. */
  toxicity?: ToxicityOptions | false;
  /** false skips the plot artifacts (metrics only), for very large evaluations. Default true. */
  plots?: boolean;
  [key: string]: unknown;
}

/** The class probabilities a model or dataset gave for one row, before they are put in label order. */
export type ProbabilityRow = readonly number[] | Float64Array | Readonly<Record<string, number>>;

/**
 * Class probabilities as columns (a static dataset's probability columns): in label order, or by label. Read
 * without building a row object per row.
 */
export type ProbabilityColumns =
  | { kind: 'ordered'; columns: readonly Float64Array[] }
  | { kind: 'byLabel'; columns: Readonly<Record<string, Float64Array>> };

/** Per-row probabilities, or probability columns. */
export type Probabilities = readonly (ProbabilityRow | null)[] | ProbabilityColumns;

/** Everything an evaluator reads. Nothing here is written by an evaluator. */
export interface EvaluatorInput {
  modelType: ModelType;
  /** The evaluation data: feature columns, the targets column (when given) and the predictions column. */
  table: EvalTable;
  featureNames: readonly string[];
  targetsName: string | undefined;
  predictionsName: string;
  /** Class probabilities, when the model or dataset gave them. */
  probabilities: Probabilities | undefined;
  /** Other columns a multi-output model returned. */
  otherOutputNames: readonly string[];
  /** Seconds the model took per row (0 for a static dataset). */
  latencies: Float64Array | undefined;
  /**
   * Retriever models traced with RETRIEVER spans: per row, the documents those spans returned (in start order), or
   * null for a row whose call had none (and for every row of a batch model). Undefined for other model types and
   * static datasets.
   */
  retrievedDocuments?: readonly (readonly unknown[] | null)[] | undefined;
  config: EvaluatorConfig;
}

export type EvaluatorArtifact =
  | { name: string; kind: 'plot'; fileName: string; spec: TopLevelSpec }
  | { name: string; kind: 'csv'; fileName: string; content: string }
  | { name: string; kind: 'json'; fileName: string; content: unknown };

export interface EvaluatorOutput {
  /** Logged keys → values. */
  metrics: Record<string, number>;
  /** Internal metric key → MetricValue, as custom metrics see them in `metrics`. */
  metricValues: Record<string, MetricValue>;
  artifacts: EvaluatorArtifact[];
  /** Per-row columns for the eval_results_table (`toxicity/v1/score`, `token_count` …). */
  rowColumns: Record<string, readonly unknown[]>;
  warnings: string[];
}

/** A built-in or registered evaluator: reads the evaluation input, returns metrics and artifacts, never writes. */
export interface Evaluator {
  readonly name: string;
  canEvaluate(modelType: ModelType | undefined, config: EvaluatorConfig): boolean;
  evaluate(input: EvaluatorInput): EvaluatorOutput | Promise<EvaluatorOutput>;
}

export function emptyOutput(): EvaluatorOutput {
  return { metrics: {}, metricValues: {}, artifacts: [], rowColumns: {}, warnings: [] };
}
