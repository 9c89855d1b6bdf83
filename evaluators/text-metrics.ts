import { exactMatch } from '../metrics/text/exact-match.js';
import { describeInput } from '../metrics/text/inputs.js';
import { TEXT_METRICS, scoredMetricValue, type TextMetricName } from '../metrics/text/builtins.js';
import { automatedReadabilityIndex, fleschKincaidGrade } from '../metrics/text/readability.js';
import { rougeScores, type RougeType } from '../metrics/text/rouge.js';
import { tokenCounts } from '../metrics/text/token-count.js';
import { toxicityMetricValue } from '../metrics/text/toxicity.js';
import { MetricValue } from '../metrics/metric-value.js';
import { addLatency, addMetric, columnSpecifier, textColumn } from './text-shared.js';
import { moderationScores, toxicityOptionsOf, type ModerationOutcome } from './toxicity.js';
import { emptyOutput, type Evaluator, type EvaluatorInput, type EvaluatorOutput, type ModelType } from './types.js';

/** The built-in text metrics a model type gets, in MLflow's order. */
export type TextMetricList = readonly Exclude<TextMetricName, 'latency'>[];

/**
 * Computes the text metrics in order (token_count, toxicity, the readability grades, exact_match, ROUGE), then the
 * latency column. A metric whose inputs are not all strings, or that needs missing targets, is skipped with a warning.
 */
export async function computeTextMetrics(input: EvaluatorInput, metrics: TextMetricList): Promise<EvaluatorOutput> {
  const output = emptyOutput();
  const prefix = input.config.metricPrefix ?? '';
  const predictions = input.table.values(input.predictionsName);

  // The moderation requests start first and run while the other metrics are computed.
  let toxicity: Promise<ModerationOutcome> | undefined;
  if (metrics.includes('toxicity')) {
    const options = toxicityOptionsOf(input.config.toxicity);
    if (options !== false) {
      const texts = textColumn(input, output, 'predictions', 'toxicity');
      if (texts) toxicity = moderationScores(texts, options);
    }
  }

  for (const name of metrics) {
    const info = TEXT_METRICS[name];
    switch (name) {
      case 'token_count':
        addMetric(output, info, new MetricValue({ scores: await tokenCounts(predictions), aggregateResults: {} }), prefix);
        break;
      case 'toxicity': {
        if (!toxicity) break;
        const outcome = await toxicity;
        if (outcome.kind === 'skipped') output.warnings.push(`Cannot calculate toxicity: ${outcome.reason}. Skipping metric logging.`);
        else addMetric(output, info, toxicityMetricValue(outcome.scores), prefix);
        break;
      }
      case 'flesch_kincaid_grade_level':
      case 'ari_grade_level': {
        const texts = textColumn(input, output, 'predictions', name);
        if (!texts) break;
        const grade = name === 'flesch_kincaid_grade_level' ? fleschKincaidGrade : automatedReadabilityIndex;
        addMetric(output, info, scoredMetricValue(texts.map(grade)), prefix);
        break;
      }
      case 'exact_match': {
        const value = exactMatchValue(input, output);
        if (value !== undefined) addMetric(output, info, new MetricValue({ aggregateResults: { exact_match: value } }), prefix);
        break;
      }
      default: {
        const targets = textColumn(input, output, 'targets', name);
        const texts = targets && textColumn(input, output, 'predictions', name);
        if (targets && texts) addMetric(output, info, scoredMetricValue(rougeScores(targets, texts, name as RougeType)), prefix);
      }
    }
  }
  addLatency(output, input, prefix);
  return output;
}

/** exact_match needs targets; values are compared as they are (strings, numbers or booleans), anything else skips it. */
function exactMatchValue(input: EvaluatorInput, output: EvaluatorOutput): number | undefined {
  if (input.targetsName === undefined) {
    output.warnings.push(
      'Cannot calculate exact_match: it compares the predictions with targets, and no targets column is given ' +
        '(name it with { targets: "column" }). Skipping metric logging.',
    );
    return undefined;
  }
  const columns = [
    ['targets', input.table.values(input.targetsName)],
    ['predictions', input.table.values(input.predictionsName)],
  ] as const;
  for (const [which, values] of columns) {
    const row = values.findIndex((v) => !(typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v))));
    if (row >= 0) {
      output.warnings.push(
        `Cannot calculate exact_match: ${columnSpecifier(input, which)} has ${describeInput(values[row])} on row ${row}, ` +
          'where a string (or number, or boolean) is expected. Skipping metric logging.',
      );
      return undefined;
    }
  }
  return exactMatch(columns[0][1], columns[1][1]);
}

/** A default evaluator for one text model type: the given metrics, per-row columns in the eval results table. */
export function textEvaluator(name: ModelType, metrics: TextMetricList): Evaluator {
  return {
    name,
    canEvaluate: (modelType) => modelType === name,
    evaluate: (input) => computeTextMetrics(input, metrics),
  };
}
