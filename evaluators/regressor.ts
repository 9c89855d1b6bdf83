import { EvalflowError } from '../src/core/errors.js';
import { regressorMetrics } from '../metrics/regression.js';
import { sampleWeightsOf, scalarMetricsOutput } from './shared.js';
import type { Evaluator, EvaluatorInput, EvaluatorOutput } from './types.js';

/** MLflow's regressor evaluator: the metrics of spec §2.1 on numeric targets and predictions. */
export const regressorEvaluator: Evaluator = {
  name: 'regressor',
  canEvaluate: (modelType) => modelType === 'regressor',
  evaluate(input: EvaluatorInput): EvaluatorOutput {
    if (input.targetsName === undefined) {
      throw EvalflowError.invalid('The targets argument must be specified for regressor models.');
    }
    const yTrue = input.table.finiteNumbers(input.targetsName, 'targets column');
    const yPred = input.table.finiteNumbers(input.predictionsName, 'predictions column');
    const metrics = regressorMetrics({ yTrue, yPred, sampleWeights: sampleWeightsOf(input) ?? null });
    return scalarMetricsOutput(metrics, input.config.metricPrefix ?? '');
  },
};
