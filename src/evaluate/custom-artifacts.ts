import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { EvalflowError } from '../core/errors.js';
import type { ArtifactKind } from './result.js';

/** A custom artifact function: gets the evaluation table, the metrics and a scratch folder; returns name → artifact. */
export type CustomArtifact = (context: {
  table: Record<string, unknown>[];
  metrics: Record<string, number>;
  artifactsDir: string;
}) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** An artifact ready to be written: its bytes and file name, or a plot spec to render. */
export type StagedArtifact =
  | { name: string; kind: ArtifactKind; fileName: string; content: string | Uint8Array }
  | { name: string; kind: 'plot'; fileName: string; spec: TopLevelSpec };

const KIND_BY_EXTENSION: Record<string, ArtifactKind> = {
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.svg': 'image',
  '.json': 'json',
  '.csv': 'csv',
  '.txt': 'text',
};

/**
 * Turns what custom artifact functions returned into staged artifacts, as MLflow does: a path to a file (typed by
 * extension), a JSON string, a Vega-Lite spec (rendered like the built-in plots), bytes, or any JSON-serialisable
 * value. A name used twice is an error.
 */
export async function stageCustomArtifacts(
  functions: readonly CustomArtifact[],
  context: Parameters<CustomArtifact>[0],
  taken: Set<string>,
): Promise<StagedArtifact[]> {
  const staged: StagedArtifact[] = [];
  for (const [index, fn] of functions.entries()) {
    if (typeof fn !== 'function') {
      throw EvalflowError.invalid(`customArtifacts[${index}] is not a function; give functions ({ table, metrics, artifactsDir }) => ({ name: value }).`);
    }
    const produced = await fn(context);
    if (produced === null || typeof produced !== 'object' || Array.isArray(produced)) {
      throw EvalflowError.invalid(`customArtifacts[${index}] must return an object of artifact name → value.`);
    }
    for (const [name, value] of Object.entries(produced)) {
      if (taken.has(name)) {
        throw EvalflowError.invalid(
          `${name} cannot be logged because there already exists an artifact with the same name. Rename it in the ` +
            `object returned by customArtifacts[${index}].`,
        );
      }
      if (!/^[\w.-]+$/.test(name)) {
        throw EvalflowError.invalid(`Custom artifact name ${JSON.stringify(name)} must be a plain file name (letters, digits, _ . -).`);
      }
      taken.add(name);
      staged.push(await stageOne(name, value, index));
    }
  }
  return staged;
}

async function stageOne(name: string, value: unknown, index: number): Promise<StagedArtifact> {
  if (typeof value === 'string') {
    if (existsSync(value) && statSync(value).isFile()) {
      const extension = extname(value).toLowerCase();
      return { name, kind: KIND_BY_EXTENSION[extension] ?? 'binary', fileName: `${name}${extension}`, content: await readFile(value) };
    }
    try {
      JSON.parse(value);
    } catch {
      throw EvalflowError.invalid(
        `Custom artifact "${name}" (customArtifacts[${index}]) is a string that is neither an existing file path nor valid JSON.`,
      );
    }
    return { name, kind: 'json', fileName: `${name}.json`, content: value };
  }
  if (value instanceof Uint8Array) return { name, kind: 'binary', fileName: `${name}.bin`, content: value };
  if (isVegaLiteSpec(value)) return { name, kind: 'plot', fileName: name, spec: value };
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw EvalflowError.invalid(`Custom artifact "${name}" cannot be saved as JSON: ${(error as Error).message}`);
  }
  if (json === undefined) {
    throw EvalflowError.invalid(`Custom artifact "${name}" is ${typeof value}; return a file path, JSON, bytes or a Vega-Lite spec.`);
  }
  return { name, kind: 'json', fileName: `${name}.json`, content: json };
}

function isVegaLiteSpec(value: unknown): value is TopLevelSpec {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { $schema?: unknown }).$schema === 'string' &&
    (value as { $schema: string }).$schema.includes('vega-lite')
  );
}
