import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import {
  createExperiment,
  evaluate,
  getExperimentByName,
  withRun,
  type EvaluateOptions,
  type EvaluationResult,
  type Model,
  type ModelType,
} from '../../index.js';
import { CliError } from '../errors.js';
import { print, printJson, table } from '../output.js';
import { progressReporter } from '../progress.js';

interface EvaluateFlags {
  data: string;
  modelType: string;
  targets?: string;
  predictions?: string;
  probabilities?: string;
  model?: string;
  config?: string;
  experiment?: string;
  runName?: string;
  datasetName?: string;
  out?: string;
  json?: boolean;
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('evaluate a static dataset, or a model exported by a JS module, and log the result to a run')
    .requiredOption('--data <file>', 'a CSV, JSON or JSONL file')
    .requiredOption('--model-type <type>', 'classifier, regressor, question-answering, text-summarization, text or retriever')
    .option('--targets <column>', 'the column of true labels or values')
    .option('--predictions <column>', 'the predictions column (static dataset) or the output to use')
    .option('--probabilities <columns>', 'a column of probability arrays, columns in label order (a,b), or label=column pairs')
    .option('--model <module#export>', 'a JS module exporting a function (row) => prediction or an object with predict(rows)')
    .option('--config <file>', 'a JSON file with the evaluator config (MLflow snake_case keys work)')
    .option('--experiment <name>', 'the experiment of the run (created if missing)')
    .option('--run-name <name>', 'the name of the run')
    .option('--dataset-name <name>', 'the dataset name recorded on the run')
    .option('--out <dir>', 'also save the result to this folder (for evalflow validate)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: EvaluateFlags) => {
      const options: EvaluateOptions = {
        modelType: flags.modelType as ModelType,
        ...(flags.targets !== undefined && { targets: flags.targets }),
        ...(flags.predictions !== undefined && { predictions: flags.predictions }),
        ...(flags.probabilities !== undefined && { probabilities: parseProbabilities(flags.probabilities) }),
        ...(flags.config !== undefined && { evaluatorConfig: await readJsonFile(flags.config, 'config') }),
        ...(flags.datasetName !== undefined && { datasetName: flags.datasetName }),
      };
      const model = flags.model === undefined ? null : await loadModel(flags.model);
      const progress = progressReporter('predicting');
      if (model) options.onProgress = progress.update;
      const run = async (): Promise<EvaluationResult> => evaluate(model, resolve(flags.data), options);
      let result: EvaluationResult;
      try {
        if (flags.runName !== undefined || flags.experiment !== undefined) {
          const experimentId = flags.experiment === undefined ? undefined : await experimentIdFor(flags.experiment);
          result = await withRun({ ...(flags.runName !== undefined && { runName: flags.runName }), ...(experimentId !== undefined && { experimentId }) }, run);
        } else {
          result = await run();
        }
      } finally {
        progress.stop();
      }
      if (flags.out !== undefined) await result.save(resolve(flags.out));
      if (flags.json) {
        printJson(result.toJSON());
        return;
      }
      print(table(['metric', 'value'], Object.entries(result.metrics).sort(([a], [b]) => a.localeCompare(b))));
      print();
      print(`run: ${result.runId}`);
      for (const artifact of Object.values(result.artifacts)) print(`${artifact.name}: ${artifact.path}`);
      if (flags.out !== undefined) print(`saved: ${resolve(flags.out)}`);
    });
}

/** "p" → one column of arrays; "p0,p1" → columns in label order; "cat=p_cat,dog=p_dog" → columns by label. */
export function parseProbabilities(value: string): string | string[] | Record<string, string> {
  const parts = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) throw new CliError('--probabilities needs a column name.');
  if (parts.every((part) => part.includes('='))) {
    return Object.fromEntries(parts.map((part) => {
      const [label, column] = part.split('=', 2) as [string, string];
      return [label.trim(), column.trim()];
    }));
  }
  if (parts.some((part) => part.includes('='))) throw new CliError('--probabilities mixes label=column pairs and plain columns; use one form.');
  return parts.length === 1 ? (parts[0] as string) : parts;
}

async function readJsonFile(path: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(resolve(path), 'utf8');
  } catch {
    throw new CliError(`Cannot read the ${what} file "${path}".`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`The ${what} file "${path}" is not a JSON object: ${(error as Error).message}`);
  }
}

async function loadModel(reference: string): Promise<Model> {
  const hash = reference.lastIndexOf('#');
  const [file, exportName] = hash > 0 ? [reference.slice(0, hash), reference.slice(hash + 1)] : [reference, 'default'];
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`Cannot load the model module "${file}": ${(error as Error).message}`);
  }
  const model = module[exportName];
  if (typeof model === 'function' || (model !== null && typeof model === 'object' && typeof (model as { predict?: unknown }).predict === 'function')) {
    return model as Model;
  }
  throw new CliError(
    `The module "${file}" has no export "${exportName}" that is a function (row) => prediction or an object with predict(rows). ` +
      `Exports: ${Object.keys(module).join(', ') || '(none)'}.`,
  );
}

async function experimentIdFor(name: string): Promise<string> {
  return (await getExperimentByName(name))?.experimentId ?? (await createExperiment(name));
}
