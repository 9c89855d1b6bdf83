import { stringify } from 'csv-stringify/sync';
import { EvalflowError } from '../src/core/errors.js';
import { describeValue } from '../src/data/eval-table.js';
import { confusionMatrixSpec, liftCurveSpec, precisionRecallCurveSpec, rocCurveSpec } from '../src/plots/specs.js';
import { classifierMetrics, perClassMetrics } from '../metrics/classifier.js';
import { confusionMatrixCoded } from '../metrics/classification.js';
import { encodeClassifierLabels, type EncodedClassifierLabels, type Label } from '../metrics/labels.js';
import {
  BinaryRanking,
  liftCurveOf,
  oneVsRestRankings,
  precisionRecallCurveOf,
  rocCurveOf,
  averagePrecisionOf,
  rocAucOf,
} from '../metrics/ranking.js';
import { sampleWeightsOf, scalarMetricsOutput } from './shared.js';
import type { Evaluator, EvaluatorArtifact, EvaluatorInput, EvaluatorOutput, ProbabilityRow } from './types.js';

const DEFAULT_MAX_CLASSES_FOR_ROC_PR = 10;

/** MLflow's classifier evaluator (spec §2.2, §2.3, §3), with probabilities from any model or dataset. */
export const classifierEvaluator: Evaluator = {
  name: 'classifier',
  canEvaluate: (modelType) => modelType === 'classifier',
  evaluate(input: EvaluatorInput): EvaluatorOutput {
    if (input.targetsName === undefined) {
      throw EvalflowError.invalid('The targets argument must be specified for classifier models.');
    }
    const yTrue = labelsOf(input, input.targetsName, 'targets column');
    const yPred = labelsOf(input, input.predictionsName, 'predictions column');
    const config = input.config;
    const encoded = encodeClassifierLabels({ yTrue, yPred, labelList: config.labelList ?? null, posLabel: config.posLabel ?? null });
    const weights = sampleWeightsOf(input);
    const probabilities = input.probabilities && probabilityMatrix(input.probabilities, encoded.labels);

    const average = config.average ?? 'weighted';
    if (encoded.binary === false && average === 'binary') {
      throw EvalflowError.invalid(
        `average "binary" needs two labels, but the data has ${encoded.labels.length}; use "micro", "macro" or "weighted".`,
      );
    }
    const metrics = classifierMetrics({
      yTrue,
      yPred,
      labelList: encoded.labels,
      sampleWeights: weights ?? null,
      probabilities: probabilities ?? null,
      posLabel: encoded.posLabel,
      ...(average !== 'binary' && { average }),
    });
    const prefix = config.metricPrefix ?? '';
    const output = scalarMetricsOutput(metrics, prefix);
    output.artifacts = encoded.binary
      ? binaryArtifacts(encoded, probabilities, weights, metrics, prefix)
      : multiclassArtifacts(input, yTrue, yPred, encoded, probabilities, weights, prefix);
    return output;
  },
};

function binaryArtifacts(
  encoded: EncodedClassifierLabels,
  probabilities: Float64Array | undefined,
  weights: Float64Array | undefined,
  metrics: Record<string, number>,
  prefix: string,
): EvaluatorArtifact[] {
  const artifacts: EvaluatorArtifact[] = [];
  const posLabel = encoded.posLabel as Label;
  if (probabilities) {
    const n = encoded.yTrue.length;
    const pos = encoded.posIndex;
    const isPos = new Uint8Array(n);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      isPos[i] = encoded.yTrue[i] === pos ? 1 : 0;
      scores[i] = probabilities[2 * i + pos] as number;
    }
    const ranking = new BinaryRanking(isPos, scores, weights);
    if (ranking.positives > 0 && ranking.negatives > 0) {
      const roc = rocCurveOf(ranking);
      artifacts.push(plot('roc_curve_plot', prefix, rocCurveSpec([{ fpr: roc.fpr, tpr: roc.tpr, auc: metrics.roc_auc ?? rocAucOf(ranking) }], { posLabel: pyStr(posLabel) })));
    }
    if (ranking.positives > 0) {
      const pr = precisionRecallCurveOf(ranking);
      const ap = metrics.precision_recall_auc ?? averagePrecisionOf(ranking);
      artifacts.push(plot('precision_recall_curve_plot', prefix, precisionRecallCurveSpec([{ recall: pr.recall, precision: pr.precision, ap }], { posLabel: pyStr(posLabel) })));
    }
    const lifts = oneVsRestRankings(encoded.yTrue, probabilities, 2)
      .map((classRanking, c) => ({ classRanking, label: pyStr(encoded.labels[c] as Label) }))
      .filter(({ classRanking }) => classRanking.positives > 0)
      .map(({ classRanking, label }) => {
        const lift = liftCurveOf(classRanking);
        return { label, fraction: lift.fractions, lift: lift.lift };
      });
    if (lifts.length > 0) artifacts.push(plot('lift_curve_plot', prefix, liftCurveSpec(lifts)));
  }
  artifacts.push(confusionArtifact(encoded, weights, prefix));
  return artifacts;
}

function multiclassArtifacts(
  input: EvaluatorInput,
  yTrue: Label[],
  yPred: Label[],
  encoded: EncodedClassifierLabels,
  probabilities: Float64Array | undefined,
  weights: Float64Array | undefined,
  prefix: string,
): EvaluatorArtifact[] {
  const k = encoded.labels.length;
  const maxClasses = input.config.maxClassesForMulticlassRocPr ?? DEFAULT_MAX_CLASSES_FOR_ROC_PR;
  const drawCurves = probabilities !== undefined && k <= maxClasses;
  const rows = perClassMetrics({
    yTrue,
    yPred,
    labelList: encoded.labels,
    sampleWeights: weights ?? null,
    probabilities: drawCurves ? probabilities : null,
  });
  const columns = [
    'positive_class', 'true_negatives', 'false_positives', 'false_negatives', 'true_positives', 'example_count',
    'accuracy_score', 'recall_score', 'precision_score', 'f1_score', ...(drawCurves ? ['roc_auc', 'precision_recall_auc'] : []),
  ];
  const csv = stringify(
    rows.map((row) => columns.map((column) => csvCell((row as unknown as Record<string, unknown>)[column]))),
    { header: true, columns },
  );
  // MLflow writes per_class_metrics without the metric prefix.
  const artifacts: EvaluatorArtifact[] = [{ name: 'per_class_metrics', kind: 'csv', fileName: 'per_class_metrics.csv', content: csv }];
  if (drawCurves && probabilities) {
    const rankings = oneVsRestRankings(encoded.yTrue, probabilities, k, weights);
    const rocCurves = [];
    const prCurves = [];
    for (let c = 0; c < k; c += 1) {
      const ranking = rankings[c] as BinaryRanking;
      const label = pyStr(encoded.labels[c] as Label);
      if (ranking.positives > 0 && ranking.negatives > 0) {
        const roc = rocCurveOf(ranking);
        rocCurves.push({ label, fpr: roc.fpr, tpr: roc.tpr, auc: rocAucOf(ranking) });
      }
      if (ranking.positives > 0) {
        const pr = precisionRecallCurveOf(ranking);
        prCurves.push({ label, recall: pr.recall, precision: pr.precision, ap: averagePrecisionOf(ranking) });
      }
    }
    if (rocCurves.length > 0) artifacts.push(plot('roc_curve_plot', prefix, rocCurveSpec(rocCurves)));
    if (prCurves.length > 0) artifacts.push(plot('precision_recall_curve_plot', prefix, precisionRecallCurveSpec(prCurves)));
  }
  artifacts.push(confusionArtifact(encoded, weights, prefix));
  return artifacts;
}

function confusionArtifact(encoded: EncodedClassifierLabels, weights: Float64Array | undefined, prefix: string): EvaluatorArtifact {
  const matrix = confusionMatrixCoded(encoded.yTrue, encoded.yPred, encoded.labels.length, weights, 'true');
  return plot('confusion_matrix', prefix, confusionMatrixSpec({ labels: encoded.labels.map(pyStr), matrix }));
}

function plot(name: string, prefix: string, spec: EvaluatorArtifact & { kind: 'plot' } extends { spec: infer S } ? S : never): EvaluatorArtifact {
  return { name, kind: 'plot', fileName: `${prefix}${name}`, spec };
}

/** Labels of a column: strings, numbers or booleans; anything else is an error naming the row. */
function labelsOf(input: EvaluatorInput, name: string, purpose: string): Label[] {
  const values = input.table.values(name);
  const labels: Label[] = new Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string' || typeof value === 'boolean') {
      labels[i] = value;
    } else {
      throw EvalflowError.invalid(
        `The ${purpose} "${name}" must hold class labels (strings, finite numbers or booleans), but row ${i} has ` +
          `${describeValue(value)}.`,
        { column: name, row: i },
      );
    }
  }
  return labels;
}

/** Per-row probabilities (arrays in label order, or label → probability records) as an n × k matrix in label order. */
export function probabilityMatrix(rows: readonly (ProbabilityRow | null)[], labels: readonly Label[]): Float64Array {
  const k = labels.length;
  const matrix = new Float64Array(rows.length * k);
  rows.forEach((row, i) => {
    if (row === null || row === undefined) {
      throw EvalflowError.invalid(`Row ${i} has no class probabilities while other rows do; give them for every row or none.`, { row: i });
    }
    if (Array.isArray(row) || row instanceof Float64Array) {
      if (row.length !== k) {
        throw EvalflowError.invalid(
          `Row ${i} has ${row.length} class probabilities but there are ${k} labels [${labels.map(pyStr).join(', ')}]; ` +
            'give one probability per label, in that (sorted) order, or a record of label → probability.',
          { row: i },
        );
      }
      for (let j = 0; j < k; j += 1) matrix[i * k + j] = probabilityValue(row[j], i, labels[j] as Label);
      return;
    }
    const record = row as Readonly<Record<string, number>>;
    for (const key of Object.keys(record)) {
      if (!labels.some((label) => labelKeys(label).includes(key))) {
        throw EvalflowError.invalid(
          `Row ${i} gives a probability for "${key}", which is not one of the labels [${labels.map(pyStr).join(', ')}].`,
          { row: i },
        );
      }
    }
    labels.forEach((label, j) => {
      const key = labelKeys(label).find((candidate) => candidate in record);
      if (key === undefined) {
        throw EvalflowError.invalid(`Row ${i} has no probability for the label ${pyStr(label)}.`, { row: i });
      }
      matrix[i * k + j] = probabilityValue(record[key], i, label);
    });
  });
  return matrix;
}

function probabilityValue(value: unknown, row: number, label: Label): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw EvalflowError.invalid(
      `Row ${row} has probability ${describeValue(value)} for the label ${pyStr(label)}; probabilities are numbers from 0 to 1.`,
      { row },
    );
  }
  return value;
}

/** Record keys that name a label: its string form, and Python's spelling for booleans. */
function labelKeys(label: Label): string[] {
  return typeof label === 'boolean' ? [String(label), pyStr(label)] : [String(label)];
}

/** A label as Python's `str()` prints it, as MLflow's plot legends and CSV show it. */
export function pyStr(label: Label): string {
  if (typeof label === 'boolean') return label ? 'True' : 'False';
  return String(label);
}

function csvCell(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' && Number.isNaN(value)) return '';
  return value;
}
