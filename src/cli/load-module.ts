import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Model } from '../index.js';
import type { Scorer } from '../../judges/index.js';
import { CliError } from './errors.js';

/** One export of a JS module named by `file.js#export` (`file.js` alone means its default export). */
export async function loadExport(
  reference: string,
  what: string,
): Promise<{ file: string; exportName: string; value: unknown; exportNames: string[] }> {
  const hash = reference.lastIndexOf('#');
  const [file, exportName] = hash > 0 ? [reference.slice(0, hash), reference.slice(hash + 1)] : [reference, 'default'];
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`Cannot load the ${what} module "${file}": ${(error as Error).message}`);
  }
  return { file, exportName, value: module[exportName], exportNames: Object.keys(module) };
}

const listExports = (names: readonly string[]): string => names.join(', ') || '(none)';

/** `--model module.js#export`: a function (row) => prediction, or an object with predict(rows). */
export async function loadModel(reference: string): Promise<Model> {
  const { file, exportName, value: model, exportNames } = await loadExport(reference, 'model');
  if (typeof model === 'function' || (model !== null && typeof model === 'object' && typeof (model as { predict?: unknown }).predict === 'function')) {
    return model as Model;
  }
  throw new CliError(
    `The module "${file}" has no export "${exportName}" that is a function (row) => prediction or an object with predict(rows). ` +
      `Exports: ${listExports(exportNames)}.`,
  );
}

/** `--scorers module.js#export`: a Scorer (from `evalflow/judges`) or a non-empty array of them. */
export async function loadScorers(reference: string): Promise<Scorer[]> {
  const { file, exportName, value, exportNames } = await loadExport(reference, 'scorers');
  const where = `The export "${exportName}" of the scorers module "${file}"`;
  if (value === undefined) {
    throw new CliError(`The scorers module "${file}" has no export "${exportName}". Exports: ${listExports(exportNames)}.`);
  }
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  if (items.length === 0) throw new CliError(`${where} is an empty array; export at least one scorer.`);
  items.forEach((item, index) => {
    const which = Array.isArray(value) ? `${where} (element ${index})` : where;
    const problem = scorerProblem(item);
    if (problem !== undefined) {
      throw new CliError(
        `${which} ${problem}. Export a Scorer or an array of Scorers, built with scorer(fn) or makeJudge() from evalflow/judges, ` +
          `or a built-in such as correctness().`,
      );
    }
  });
  return items as Scorer[];
}

function scorerProblem(item: unknown): string | undefined {
  if (typeof item === 'function') {
    return `is a function, not a scorer: wrap it with scorer(fn) or call the factory (${item.name || 'it'}())`;
  }
  if (item === null || typeof item !== 'object') return `is ${item === null ? 'null' : typeof item}, not a scorer`;
  if (Array.isArray(item)) return 'is a nested array, not a scorer';
  const candidate = item as { name?: unknown; score?: unknown };
  if (typeof candidate.score !== 'function' || typeof candidate.name !== 'string' || candidate.name.trim() === '') {
    return 'is not a scorer (a scorer has a name and a score() method)';
  }
  return undefined;
}
