import { z } from 'zod';
import { EvalflowError } from '../core/errors.js';
import type { EvaluatorConfig } from '../../evaluators/types.js';

/** MLflow's snake_case config keys and their camelCase names here; both spellings are accepted. */
const SNAKE_TO_CAMEL: Record<string, keyof EvaluatorConfig> = {
  pos_label: 'posLabel',
  label_list: 'labelList',
  sample_weights: 'sampleWeights',
  metric_prefix: 'metricPrefix',
  col_mapping: 'colMapping',
  max_classes_for_multiclass_roc_pr: 'maxClassesForMulticlassRocPr',
  retriever_k: 'retrieverK',
};

const label = z.union([z.string(), z.number(), z.boolean()]);

const knownKeys = z.object({
  posLabel: label.optional(),
  labelList: z.array(label).min(1).optional(),
  average: z.enum(['binary', 'micro', 'macro', 'weighted']).optional(),
  sampleWeights: z.union([z.array(z.number()), z.instanceof(Float64Array), z.string()]).optional(),
  metricPrefix: z.string().optional(),
  colMapping: z.record(z.string(), z.unknown()).optional(),
  maxClassesForMulticlassRocPr: z.number().int().positive().optional(),
  retrieverK: z.number().optional(),
  plots: z.boolean().optional(),
});

/** Renames snake_case keys, checks the known keys' types, and keeps unknown keys for custom metrics. */
export function normaliseEvaluatorConfig(raw: unknown, where = 'evaluatorConfig'): EvaluatorConfig {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw EvalflowError.invalid(`${where} must be an object such as { posLabel: 1, average: "macro" }.`);
  }
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = SNAKE_TO_CAMEL[key] ?? key;
    if (name in config && config[name] !== value) {
      throw EvalflowError.invalid(`${where} sets "${name}" twice (as "${key}" and its other spelling); keep one.`);
    }
    config[name] = value;
  }
  const parsed = knownKeys.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw EvalflowError.invalid(`${where}.${path}: ${issue?.message ?? 'invalid value'}.`, { key: path });
  }
  return config as EvaluatorConfig;
}

/**
 * MLflow's two forms: a flat config for every evaluator, or { evaluatorName: config } (when a top-level key names an
 * evaluator). The "default" entry is used by evaluators without their own.
 */
export function configFor(evaluatorName: string, raw: unknown, evaluatorNames: readonly string[]): EvaluatorConfig {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return normaliseEvaluatorConfig(raw);
  }
  const record = raw as Record<string, unknown>;
  const perEvaluator = Object.keys(record).some((key) => key === 'default' || evaluatorNames.includes(key));
  if (!perEvaluator) return normaliseEvaluatorConfig(raw);
  const own = record[evaluatorName] ?? record.default;
  return normaliseEvaluatorConfig(own, `evaluatorConfig.${record[evaluatorName] === undefined ? 'default' : evaluatorName}`);
}
