import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EvalflowError } from '../core/errors.js';

/** The method name Deno's Jupyter kernel calls to display a value returned from a cell. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display');

export type ArtifactKind = 'image' | 'csv' | 'json' | 'text' | 'binary';

/** Mirrors MLflow's EvaluationArtifact: where it is, what it is, and its content on demand. */
export interface EvaluationArtifact {
  name: string;
  kind: ArtifactKind;
  /** The artifact's URI in the run (a `file://` URI for the embedded store). */
  uri: string;
  /** The local file (the PNG for plots). */
  path: string;
  /** Plots: the Vega-Lite spec (`.vl.json`) and the SVG beside the PNG. */
  spec?: string;
  svg?: string;
}

const CLASS_NAMES: Record<ArtifactKind, string> = {
  image: 'ImageEvaluationArtifact',
  csv: 'CsvEvaluationArtifact',
  json: 'JsonEvaluationArtifact',
  text: 'TextEvaluationArtifact',
  binary: 'BinaryEvaluationArtifact',
};

export interface EvaluationResultInit {
  metrics: Record<string, number>;
  artifacts?: Record<string, EvaluationArtifact>;
  tables?: Record<string, Record<string, unknown>[]>;
  runId?: string | null;
  warnings?: string[];
  judgeStats?: JudgeStats;
}

/** The judge calls of an evaluation with scorers. */
export interface JudgeStats {
  /** Judge-model calls made (cache hits not counted). */
  calls: number;
  /** Judge replies taken from the cache. */
  cacheHits: number;
  /** Feedback with an error instead of a value (judge failures, SCORER_ERROR); not that of rows whose model call failed. */
  errors: number;
}

/** What `evaluate()` returns: the logged metrics, the artifacts, the tables, and the run they went to. */
export class EvaluationResult {
  readonly metrics: Record<string, number>;
  readonly artifacts: Record<string, EvaluationArtifact>;
  readonly tables: Record<string, Record<string, unknown>[]>;
  readonly runId: string | null;
  readonly warnings: string[];
  /** Judge calls, cache hits and error feedback of an evaluation with scorers; undefined without scorers. */
  readonly judgeStats: JudgeStats | undefined;

  constructor(init: EvaluationResultInit) {
    this.metrics = init.metrics;
    this.artifacts = init.artifacts ?? {};
    this.tables = init.tables ?? {};
    this.runId = init.runId ?? null;
    this.warnings = init.warnings ?? [];
    this.judgeStats = init.judgeStats;
  }

  /**
   * The per-row table of an evaluation with scorers (MLflow's `result_df`, also `tables.eval_results`): `trace_id`,
   * `<name>/value` per expectation and feedback, request, response; the eval_results_table of the built-in evaluators
   * otherwise.
   */
  get resultTable(): Record<string, unknown>[] | undefined {
    return this.tables.eval_results ?? this.tables.eval_results_table;
  }

  /** The content of an artifact: parsed JSON, CSV or text as a string, image bytes. */
  async loadArtifact(name: string): Promise<unknown> {
    const artifact = this.artifacts[name];
    if (!artifact) {
      throw EvalflowError.notFound(
        `No artifact "${name}" in this result. Artifacts: ${Object.keys(this.artifacts).join(', ') || '(none)'}.`,
      );
    }
    const bytes = await readFile(artifact.path);
    if (artifact.kind === 'json') return JSON.parse(bytes.toString('utf8'));
    if (artifact.kind === 'csv' || artifact.kind === 'text') return bytes.toString('utf8');
    return new Uint8Array(bytes);
  }

  /** A plain-text table of the metrics, sorted by name. */
  toString(): string {
    const entries = Object.entries(this.metrics).sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(6, ...entries.map(([name]) => name.length));
    const lines = [`${'metric'.padEnd(width)}  value`, `${'-'.repeat(width)}  ${'-'.repeat(12)}`];
    for (const [name, value] of entries) lines.push(`${name.padEnd(width)}  ${formatValue(value)}`);
    if (this.runId) lines.push('', `run: ${this.runId}`);
    const artifacts = Object.values(this.artifacts);
    if (artifacts.length > 0) {
      lines.push('artifacts:');
      for (const artifact of artifacts) lines.push(`  ${artifact.name}: ${artifact.path}`);
    }
    return lines.join('\n');
  }

  toJSON(): { metrics: Record<string, number | string>; artifacts: Record<string, { uri: string; kind: ArtifactKind }>; runId: string | null } {
    return {
      // JSON has no NaN or Infinity; they are written as strings so they survive a round trip.
      metrics: Object.fromEntries(Object.entries(this.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : String(v)])),
      artifacts: Object.fromEntries(Object.entries(this.artifacts).map(([k, a]) => [k, { uri: a.uri, kind: a.kind }])),
      runId: this.runId,
    };
  }

  /** Writes metrics.json, artifacts_metadata.json and artifacts/ (copies of the files), as MLflow's `save`. */
  async save(dir: string): Promise<void> {
    const artifactDir = join(dir, 'artifacts');
    await mkdir(artifactDir, { recursive: true });
    const metadata: Record<string, { uri: string; class_name: string; kind: ArtifactKind; files: Record<string, string> }> = {};
    for (const artifact of Object.values(this.artifacts)) {
      const files: Record<string, string> = {};
      for (const [role, source] of [['path', artifact.path], ['spec', artifact.spec], ['svg', artifact.svg]] as const) {
        if (!source) continue;
        const target = basename(source);
        await copyFile(source, join(artifactDir, target));
        files[role] = target;
      }
      metadata[artifact.name] = { uri: artifact.uri, class_name: CLASS_NAMES[artifact.kind], kind: artifact.kind, files };
    }
    await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(this.toJSON().metrics, null, 2)}\n`);
    await writeFile(join(dir, 'artifacts_metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    await writeFile(join(dir, 'run.json'), `${JSON.stringify({ runId: this.runId }, null, 2)}\n`);
  }

  /** Reads back what `save` wrote. */
  static async load(dir: string): Promise<EvaluationResult> {
    const read = async (file: string): Promise<unknown> => {
      try {
        return JSON.parse(await readFile(join(dir, file), 'utf8')) as unknown;
      } catch (error) {
        throw EvalflowError.invalid(
          `Cannot load an evaluation result from "${dir}": ${file} is missing or not JSON (${(error as Error).message}). ` +
            'Point at a folder written by EvaluationResult.save().',
        );
      }
    };
    const rawMetrics = (await read('metrics.json')) as Record<string, number | string>;
    const metrics = Object.fromEntries(Object.entries(rawMetrics).map(([k, v]) => [k, typeof v === 'number' ? v : Number(v)]));
    const metadata = (await read('artifacts_metadata.json')) as Record<
      string,
      { uri: string; kind: ArtifactKind; files: Record<string, string> }
    >;
    const runFile = join(dir, 'run.json');
    const runId = existsSync(runFile) ? ((JSON.parse(readFileSync(runFile, 'utf8')) as { runId: string | null }).runId ?? null) : null;
    const artifacts: Record<string, EvaluationArtifact> = {};
    for (const [name, entry] of Object.entries(metadata)) {
      const local = (file: string | undefined): string | undefined => (file ? join(dir, 'artifacts', file) : undefined);
      artifacts[name] = {
        name,
        kind: entry.kind,
        uri: entry.uri,
        path: local(entry.files.path) ?? '',
        ...(entry.files.spec && { spec: local(entry.files.spec) }),
        ...(entry.files.svg && { svg: local(entry.files.svg) }),
      };
    }
    const tables: Record<string, Record<string, unknown>[]> = {};
    const table = artifacts.eval_results_table;
    if (table) tables.eval_results_table = splitToRows(JSON.parse(await readFile(table.path, 'utf8')) as SplitJson);
    return new EvaluationResult({ metrics, artifacts, tables, runId });
  }

  /** Metrics as an HTML table with the plots inline as SVG, for notebooks. */
  toHTML(): string {
    const rows = Object.entries(this.metrics)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `<tr><td>${escapeHtml(name)}</td><td style="text-align:right">${escapeHtml(formatValue(value))}</td></tr>`)
      .join('');
    const plots = Object.values(this.artifacts)
      .filter((artifact) => artifact.svg && existsSync(artifact.svg))
      .map((artifact) => `<figure style="display:inline-block;margin:8px">${readFileSync(artifact.svg as string, 'utf8')}<figcaption>${escapeHtml(artifact.name)}</figcaption></figure>`)
      .join('');
    const run = this.runId ? `<p>run <code>${escapeHtml(this.runId)}</code></p>` : '';
    return `<div class="evalflow-result"><table><thead><tr><th>metric</th><th>value</th></tr></thead><tbody>${rows}</tbody></table>${run}${plots}</div>`;
  }

  /** Deno's Jupyter kernel shows a value returned from a cell through this method. */
  [JUPYTER_DISPLAY](): { 'text/html': string; 'text/plain': string } {
    return { 'text/html': this.toHTML(), 'text/plain': this.toString() };
  }
}

interface SplitJson {
  columns: string[];
  data: unknown[][];
}

export function splitToRows(table: SplitJson): Record<string, unknown>[] {
  return table.data.map((values) => Object.fromEntries(table.columns.map((column, i) => [column, values[i] ?? null])));
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-4 && Math.abs(value) < 1e6 ? value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '') : value.toExponential(4);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
