import { stringify } from 'csv-stringify/sync';
import { EvalflowError } from '../src/core/errors.js';
import { describeValue } from '../src/data/eval-table.js';
import { confusionMatrixSpec, liftCurveSpec, precisionRecallCurveSpec, rocCurveSpec } from '../src/plots/specs.js';
import { classifierReport, type ClassifierReport } from '../metrics/classifier.js';
import { confusionMatrixCoded } from '../metrics/classification.js';
import { resolveClassifierLabels, type Label } from '../metrics/labels.js';
import {
  averagePrecisionOf,
  complementLiftCurveOf,
  liftCurveOf,
  precisionRecallCurveOf,
  rocAucOf,
  rocCurveOf,
} from '../metrics/ranking.js';
import { sampleWeightsOf, scalarMetricsOutput } from './shared.js';
import type {
  Evaluator,
  EvaluatorArtifact,
  EvaluatorInput,
  EvaluatorOutput,
  Probabilities,
  ProbabilityColumns,
  ProbabilityRow,
} from './types.js';

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
    // Labels first: the probabilities are put in label order before the metrics read them.
    const labels = resolveClassifierLabels({ yTrue, yPred, labelList: config.labelList ?? null, posLabel: config.posLabel ?? null });
    const average = config.average ?? 'weighted';
    if (!labels.binary && average === 'binary') {
      throw EvalflowError.invalid(
        `average "binary" needs two labels, but the data has ${labels.labels.length}; use "micro", "macro" or "weighted".`,
      );
    }
    const report = classifierReport({
      yTrue,
      yPred,
      labelList: labels.labels,
      sampleWeights: sampleWeightsOf(input) ?? null,
      probabilities: input.probabilities ? probabilityMatrix(input.probabilities, labels.labels) : null,
      posLabel: labels.posLabel,
      ...(average !== 'binary' && { average }),
    });
    const prefix = config.metricPrefix ?? '';
    const output = scalarMetricsOutput(report.metrics, prefix);
    const plots = config.plots !== false;
    if (report.labels.binary) {
      if (plots) output.artifacts = binaryArtifacts(report, prefix);
    } else {
      const maxClasses = config.maxClassesForMulticlassRocPr ?? DEFAULT_MAX_CLASSES_FOR_ROC_PR;
      const curves = plots && report.probabilities !== undefined && report.labels.labels.length <= maxClasses;
      output.artifacts = multiclassArtifacts(report, prefix, plots, curves);
    }
    return output;
  },
};

function binaryArtifacts(report: ClassifierReport, prefix: string): EvaluatorArtifact[] {
  const artifacts: EvaluatorArtifact[] = [];
  const { labels, metrics } = report;
  const posLabel = pyStr(labels.posLabel as Label);
  const ranking = report.positiveRanking;
  if (ranking) {
    if (ranking.positives > 0 && ranking.negatives > 0) {
      const roc = rocCurveOf(ranking);
      artifacts.push(plot('roc_curve_plot', prefix, rocCurveSpec([{ fpr: roc.fpr, tpr: roc.tpr, auc: metrics.roc_auc ?? rocAucOf(ranking) }], { posLabel })));
    }
    if (ranking.positives > 0) {
      const pr = precisionRecallCurveOf(ranking);
      const ap = metrics.precision_recall_auc ?? averagePrecisionOf(ranking);
      artifacts.push(plot('precision_recall_curve_plot', prefix, precisionRecallCurveSpec([{ recall: pr.recall, precision: pr.precision, ap }], { posLabel })));
    }
    // One lift curve per class, in label order; the negative class reuses the positive class's sort.
    const lifts = [];
    for (let c = 0; c < 2; c += 1) {
      const isPositive = c === labels.posIndex;
      if ((isPositive ? ranking.positives : ranking.negatives) === 0) continue;
      const lift = isPositive ? liftCurveOf(ranking) : complementLiftCurveOf(ranking);
      lifts.push({ label: pyStr(labels.labels[c] as Label), fraction: lift.fractions, lift: lift.lift });
    }
    if (lifts.length > 0) artifacts.push(plot('lift_curve_plot', prefix, liftCurveSpec(lifts)));
  }
  artifacts.push(confusionArtifact(report, prefix));
  return artifacts;
}

function multiclassArtifacts(report: ClassifierReport, prefix: string, plots: boolean, curves: boolean): EvaluatorArtifact[] {
  const rows = report.perClass(curves);
  const columns = [
    'positive_class', 'true_negatives', 'false_positives', 'false_negatives', 'true_positives', 'example_count',
    'accuracy_score', 'recall_score', 'precision_score', 'f1_score', ...(curves ? ['roc_auc', 'precision_recall_auc'] : []),
  ];
  const csv = stringify(
    rows.map((row) => columns.map((column) => csvCell((row as unknown as Record<string, unknown>)[column]))),
    { header: true, columns },
  );
  // MLflow writes per_class_metrics without the metric prefix.
  const artifacts: EvaluatorArtifact[] = [{ name: 'per_class_metrics', kind: 'csv', fileName: 'per_class_metrics.csv', content: csv }];
  const rankings = curves ? report.classRankings() : undefined;
  if (rankings) {
    const rocCurves = [];
    const prCurves = [];
    for (const [c, ranking] of rankings.entries()) {
      const label = pyStr(report.labels.labels[c] as Label);
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
  if (plots) artifacts.push(confusionArtifact(report, prefix));
  return artifacts;
}

function confusionArtifact(report: ClassifierReport, prefix: string): EvaluatorArtifact {
  const { labels } = report;
  const matrix = confusionMatrixCoded(labels.yTrue, labels.yPred, labels.labels.length, report.weights, 'true');
  return plot('confusion_matrix', prefix, confusionMatrixSpec({ labels: labels.labels.map(pyStr), matrix }));
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

/**
 * Probabilities as an n × k matrix in label order: from rows (arrays in label order, or label → probability records)
 * or from columns (in label order, or by label). Values are checked here; row sums by the metrics.
 */
export function probabilityMatrix(probabilities: Probabilities, labels: readonly Label[]): Float64Array {
  return Array.isArray(probabilities)
    ? matrixFromRows(probabilities as readonly (ProbabilityRow | null)[], labels)
    : matrixFromColumns(probabilities as ProbabilityColumns, labels);
}

function matrixFromColumns(probabilities: ProbabilityColumns, labels: readonly Label[]): Float64Array {
  const k = labels.length;
  let columns: Float64Array[];
  if (probabilities.kind === 'ordered') {
    if (probabilities.columns.length !== k) {
      throw EvalflowError.invalid(
        `${probabilities.columns.length} probability columns were given but there are ${k} labels ` +
          `[${labels.map(pyStr).join(', ')}]; give one column per label, in that (sorted) order.`,
      );
    }
    columns = [...probabilities.columns];
  } else {
    const byLabel = probabilities.columns;
    for (const key of Object.keys(byLabel)) {
      if (!labels.some((label) => labelKeys(label).includes(key))) {
        throw EvalflowError.invalid(`A probability column is given for "${key}", which is not one of the labels [${labels.map(pyStr).join(', ')}].`);
      }
    }
    columns = labels.map((label) => {
      const key = labelKeys(label).find((candidate) => candidate in byLabel);
      if (key === undefined) throw EvalflowError.invalid(`No probability column is given for the label ${pyStr(label)}.`);
      return byLabel[key] as Float64Array;
    });
  }
  const n = columns[0]?.length ?? 0;
  const matrix = new Float64Array(n * k);
  columns.forEach((column, j) => {
    for (let i = 0; i < n; i += 1) matrix[i * k + j] = column[i] as number;
  });
  return matrix;
}

function matrixFromRows(rows: readonly (ProbabilityRow | null)[], labels: readonly Label[]): Float64Array {
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
