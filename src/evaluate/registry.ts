import { EvalflowError } from '../core/errors.js';
import type { Evaluator, EvaluatorConfig, ModelType } from '../../evaluators/types.js';
import { builtinEvaluators } from '../../evaluators/index.js';

const registry = new Map<string, Evaluator>(builtinEvaluators.map((evaluator) => [evaluator.name, evaluator]));

/** Adds an evaluator (or replaces one of the same name) for `evaluate({ evaluators })` and automatic selection. */
export function registerEvaluator(evaluator: Evaluator): void {
  if (
    evaluator === null ||
    typeof evaluator !== 'object' ||
    typeof evaluator.name !== 'string' ||
    evaluator.name === '' ||
    typeof evaluator.canEvaluate !== 'function' ||
    typeof evaluator.evaluate !== 'function'
  ) {
    throw EvalflowError.invalid('registerEvaluator needs { name, canEvaluate(modelType, config), evaluate(input) }.');
  }
  registry.set(evaluator.name, evaluator);
}

/** The names of the registered evaluators. */
export function listEvaluators(): string[] {
  return [...registry.keys()];
}

/**
 * The evaluators to run: the named ones ("default" stands for the built-ins that fit the model type), or every
 * registered evaluator that can evaluate the model type.
 */
export function selectEvaluators(
  names: string | readonly string[] | undefined,
  modelType: ModelType | undefined,
  configOf: (name: string) => EvaluatorConfig,
): Evaluator[] {
  if (names === undefined) {
    return [...registry.values()].filter((evaluator) => evaluator.canEvaluate(modelType, configOf(evaluator.name)));
  }
  const selected: Evaluator[] = [];
  for (const name of typeof names === 'string' ? [names] : names) {
    if (name === 'default') {
      selected.push(...builtinEvaluators.filter((evaluator) => evaluator.canEvaluate(modelType, configOf(evaluator.name))));
      continue;
    }
    const evaluator = registry.get(name);
    if (!evaluator) {
      throw EvalflowError.invalid(`Unknown evaluator "${name}". Registered evaluators: ${listEvaluators().join(', ')}.`);
    }
    if (!evaluator.canEvaluate(modelType, configOf(name))) {
      throw EvalflowError.invalid(`The evaluator "${name}" cannot evaluate a model of type ${modelType ?? '(none)'}.`);
    }
    selected.push(evaluator);
  }
  return [...new Set(selected)];
}
