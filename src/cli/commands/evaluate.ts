import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  createExperiment,
  evaluate,
  getExperimentByName,
  withRun,
  type EvaluateOptions,
  type EvaluationResult,
  type GenaiColumns,
  type ModelType,
} from '../../index.js';
import {
  correctness,
  expectationsGuidelines,
  relevanceToQuery,
  retrievalGroundedness,
  retrievalRelevance,
  retrievalSufficiency,
  safety,
  type BuiltinJudgeOptions,
  type Scorer,
} from '../../../judges/index.js';
import { CliError } from '../errors.js';
import { loadModel, loadScorers } from '../load-module.js';
import { print, printJson, table } from '../output.js';
import { progressReporter, progressWanted } from '../progress.js';

interface EvaluateFlags {
  data: string;
  modelType?: string;
  targets?: string;
  predictions?: string;
  probabilities?: string;
  model?: string;
  scorers?: string[];
  judges?: string[];
  judgeModel?: string;
  inputs?: string;
  outputs?: string;
  expectations?: string;
  tags?: string;
  cache: boolean;
  judgeConcurrency?: string;
  config?: string;
  experiment?: string;
  runName?: string;
  datasetName?: string;
  out?: string;
  json?: boolean;
}

/** The built-in judges `--judges` takes: those that need no arguments. */
export const BUILTIN_JUDGES: Readonly<Record<string, (options: BuiltinJudgeOptions) => Scorer>> = {
  correctness,
  relevance_to_query: relevanceToQuery,
  safety,
  expectations_guidelines: expectationsGuidelines,
  retrieval_groundedness: retrievalGroundedness,
  retrieval_relevance: retrievalRelevance,
  retrieval_sufficiency: retrievalSufficiency,
};

/** Repeatable, comma-separated list options: `--judges a,b --judges c` gives [a, b, c]. */
const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value.split(',').map((part) => part.trim()).filter((part) => part !== ''),
];

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('evaluate a static dataset, or a model exported by a JS module, with built-in evaluators and/or scorers and LLM judges, and log the result to a run')
    .requiredOption('--data <file>', 'a CSV, JSON or JSONL file')
    .option('--model-type <type>', 'classifier, regressor, question-answering, text-summarization, text or retriever (required unless --scorers or --judges is given)')
    .option('--targets <column>', 'the column of true labels or values')
    .option('--predictions <column>', 'the predictions column (static dataset) or the output to use')
    .option('--probabilities <columns>', 'a column of probability arrays, columns in label order (a,b), or label=column pairs')
    .option('--model <module#export>', 'a JS module exporting a function (row) => prediction or an object with predict(rows); with scorers, a function (inputs) => output')
    .option('--scorers <module#export>', 'a JS module exporting a Scorer or an array of Scorers (evalflow/judges); repeatable or comma-separated', collect)
    .option('--judges <names>', `built-in LLM judges by name, comma-separated: ${Object.keys(BUILTIN_JUDGES).join(', ')}`, collect)
    .option('--judge-model <uri>', 'the model of --judges, e.g. openai:/gpt-4.1-mini (default: EVALFLOW_JUDGE_MODEL)')
    .option('--inputs <columns>', 'with scorers: the input columns (col[,col]) or name=column pairs (default: every other column)')
    .option('--outputs <column>', 'with scorers: the column of outputs of a static dataset')
    .option('--expectations <pairs>', 'with scorers: expectation name=column pairs (e.g. expected_response=truth), or columns named as expectations')
    .option('--tags <pairs>', 'with scorers: trace tag=column pairs, or columns named as the tags')
    .option('--no-cache', 'with scorers: do not reuse cached judge replies')
    .option('--judge-concurrency <n>', 'with scorers: judge-model calls at once (default 16)')
    .option('--config <file>', 'a JSON file with the evaluator config (MLflow snake_case keys work)')
    .option('--experiment <name>', 'the experiment of the run (created if missing)')
    .option('--run-name <name>', 'the name of the run')
    .option('--dataset-name <name>', 'the dataset name recorded on the run')
    .option('--out <dir>', 'also save the result to this folder (for evalflow validate)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: EvaluateFlags) => {
      const scorers = await resolveScorers(flags);
      if (flags.modelType === undefined && scorers === undefined) {
        throw new CliError("required option '--model-type <type>' not specified (it is optional only with --scorers or --judges).");
      }
      const options: EvaluateOptions = {
        ...(flags.modelType !== undefined && { modelType: flags.modelType as ModelType }),
        ...(flags.targets !== undefined && { targets: flags.targets }),
        ...(flags.predictions !== undefined && { predictions: flags.predictions }),
        ...(flags.probabilities !== undefined && { probabilities: parseProbabilities(flags.probabilities) }),
        ...(flags.config !== undefined && { evaluatorConfig: await readJsonFile(flags.config, 'config') }),
        ...(flags.datasetName !== undefined && { datasetName: flags.datasetName }),
        ...(scorers !== undefined && genaiOptions(flags, scorers)),
      };
      const model = flags.model === undefined ? null : await loadModel(flags.model);
      const progress = progressReporter(scorers ? 'evaluating' : 'predicting', { judges: scorers !== undefined, enabled: progressWanted(flags.json) });
      if (model || scorers) options.onProgress = progress.update;
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
      const stats = result.judgeStats;
      // Errors are never verdicts: they are left out of the metrics and reported here; the gate is `evalflow validate`.
      if (stats !== undefined && stats.errors > 0) {
        process.stderr.write(
          `evalflow: warning: ${stats.errors} feedback ${stats.errors === 1 ? 'is an error' : 'are errors'} (judge failures or SCORER_ERROR), ` +
            `left out of the metrics; see the assessments on the run's traces.\n`,
        );
      }
      if (flags.json) {
        printJson({ ...result.toJSON(), ...(stats !== undefined && { judgeStats: stats }) });
        return;
      }
      print(table(['metric', 'value'], Object.entries(result.metrics).sort(([a], [b]) => a.localeCompare(b))));
      print();
      if (stats !== undefined) print(`judges: ${plural(stats.calls, 'call')}, ${plural(stats.cacheHits, 'cache hit')}, ${plural(stats.errors, 'error')}`);
      print(`run: ${result.runId}`);
      for (const artifact of Object.values(result.artifacts)) print(`${artifact.name}: ${artifact.path}`);
      if (flags.out !== undefined) print(`saved: ${resolve(flags.out)}`);
    });
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The scorers of `--scorers` and `--judges`, or undefined when neither is given (the flags only scorers use are then refused). */
async function resolveScorers(flags: EvaluateFlags): Promise<Scorer[] | undefined> {
  const judgeNames = [...new Set(flags.judges ?? [])];
  const modules = flags.scorers ?? [];
  if (judgeNames.length === 0 && modules.length === 0) {
    const scorerOnly = [
      ['--judge-model', flags.judgeModel !== undefined],
      ['--inputs', flags.inputs !== undefined],
      ['--outputs', flags.outputs !== undefined],
      ['--expectations', flags.expectations !== undefined],
      ['--tags', flags.tags !== undefined],
      ['--no-cache', flags.cache === false],
      ['--judge-concurrency', flags.judgeConcurrency !== undefined],
    ].filter(([, given]) => given).map(([name]) => name);
    if (scorerOnly.length > 0) throw new CliError(`${scorerOnly.join(', ')} ${scorerOnly.length === 1 ? 'applies' : 'apply'} only with --scorers or --judges.`);
    if (flags.judges !== undefined || flags.scorers !== undefined) throw new CliError('--scorers and --judges need at least one name.');
    return undefined;
  }
  if (flags.judgeModel !== undefined && judgeNames.length === 0) throw new CliError('--judge-model sets the model of --judges; give --judges too (a --scorers module sets its own models).');
  const unknown = judgeNames.filter((name) => !Object.hasOwn(BUILTIN_JUDGES, name));
  if (unknown.length > 0) {
    const hint = unknown.includes('guidelines') ? ' guidelines needs its guidelines: build guidelines({ guidelines: [...] }) in a --scorers module.' : '';
    throw new CliError(
      `Unknown judge${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ')}. --judges takes: ${Object.keys(BUILTIN_JUDGES).join(', ')}.${hint}`,
    );
  }
  if (judgeNames.length > 0 && !configured(process.env.OPENAI_API_KEY) && !configured(process.env.OPENAI_BASE_URL)) {
    throw new CliError('--judges calls an OpenAI-compatible server: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server (vLLM, Ollama, LM Studio …).');
  }
  const judgeOptions: BuiltinJudgeOptions = flags.judgeModel === undefined ? {} : { model: flags.judgeModel };
  const scorers: Scorer[] = judgeNames.map((name) => (BUILTIN_JUDGES[name] as (options: BuiltinJudgeOptions) => Scorer)(judgeOptions));
  for (const reference of modules) scorers.push(...(await loadScorers(reference)));
  return scorers;
}

const configured = (value: string | undefined): boolean => value !== undefined && value.trim() !== '';

/** The evaluate() options of an evaluation with scorers: the scorers, the column mapping, the cache and the judge limit. */
function genaiOptions(flags: EvaluateFlags, scorers: Scorer[]): Partial<EvaluateOptions> {
  const columns: GenaiColumns = {
    ...(flags.inputs !== undefined && { inputs: parseColumns(flags.inputs, '--inputs') }),
    ...(flags.outputs !== undefined && { outputs: parseSingleColumn(flags.outputs, '--outputs') }),
    ...(flags.expectations !== undefined && { expectations: parseNamedColumns(flags.expectations, '--expectations') }),
    ...(flags.tags !== undefined && { tags: parseNamedColumns(flags.tags, '--tags') }),
  };
  return {
    scorers,
    ...(Object.keys(columns).length > 0 && { columns }),
    ...(flags.cache === false && { cache: false }),
    ...(flags.judgeConcurrency !== undefined && { concurrency: { scorers: parseCount(flags.judgeConcurrency, '--judge-concurrency') } }),
  };
}

function splitList(value: string, flag: string): string[] {
  const parts = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) throw new CliError(`${flag} needs a column name.`);
  return parts;
}

/** "q" or "q,context" → columns as named; "question=q,…" → input name → column (plain names map to themselves). */
export function parseColumns(value: string, flag: string): string[] | Record<string, string> {
  const parts = splitList(value, flag);
  return parts.some((part) => part.includes('=')) ? parseNamedColumns(value, flag) : parts;
}

/** "name=column,…" → record; a plain "column" stands for column=column. */
export function parseNamedColumns(value: string, flag: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const part of splitList(value, flag)) {
    const eq = part.indexOf('=');
    const [name, column] = eq < 0 ? [part, part] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    if (name === '' || column === '') throw new CliError(`${flag}: "${part}" is not a name=column pair.`);
    if (Object.hasOwn(record, name)) throw new CliError(`${flag} names "${name}" twice.`);
    record[name] = column;
  }
  return record;
}

function parseSingleColumn(value: string, flag: string): string {
  const parts = splitList(value, flag);
  if (parts.length > 1 || parts[0]?.includes('=')) throw new CliError(`${flag} takes one column name (got "${value}").`);
  return parts[0] as string;
}

function parseCount(value: string, flag: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(count) || count < 1) throw new CliError(`${flag} must be a whole number of at least 1 (got "${value}").`);
  return count;
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

async function experimentIdFor(name: string): Promise<string> {
  return (await getExperimentByName(name))?.experimentId ?? (await createExperiment(name));
}
