/**
 * What the pages and the JSON API read, from the same query parameters: runs and traces searched with MLflow's
 * filter strings, a run with its artifacts, runs side by side. Every query parameter is checked here (zod).
 *
 * Everything is read from the store the server was started on (passed in), never through the process-wide tracking
 * URI, so two UIs in one process each show their own store and the host program's settings are left alone.
 */
import { z } from 'zod';
import { validateKey } from '../core/validation.js';
import type { ArtifactInfo } from '../store/artifacts/local-artifact-repo.js';
import type { Experiment, Metric, Run } from '../store/entities.js';
import type { TrackingStore } from '../store/tracking-store.js';
import { Trace } from '../tracing/trace-entity.js';
import { EvalflowError } from '../core/errors.js';
import { plotPaths, RunArtifacts, tablePaths } from './artifacts.js';
import { invalidInput } from './http.js';

const id = z.string().min(1).max(200);
const text = z.string().max(4000);
const count = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** One value of a parameter that may repeat (`?experiment=1&experiment=2`), as a list. */
function all(query: URLSearchParams, key: string): string[] {
  return query.getAll(key).filter((value) => value !== '');
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(where, parsed.error.issues);
  return parsed.data;
}

const listSchema = z.object({
  experiment: z.array(id).max(100),
  filter: text.optional(),
  orderBy: text.optional(),
  pageToken: z.string().max(2000).optional(),
  max: count(1000, 100),
  runId: id.optional(),
});

export type ListQuery = z.infer<typeof listSchema>;

export function parseListQuery(query: URLSearchParams): ListQuery {
  const single = (key: string): string | undefined => {
    const value = query.get(key);
    return value === null || value.trim() === '' ? undefined : value;
  };
  return parse(
    listSchema,
    {
      experiment: all(query, 'experiment'),
      filter: single('filter'),
      orderBy: single('orderBy'),
      pageToken: single('pageToken'),
      max: single('max'),
      runId: single('runId'),
    },
    'query',
  );
}

export async function listExperiments(store: TrackingStore): Promise<Experiment[]> {
  return store.searchExperiments({ maxResults: 1000 });
}

/** The experiments asked for, or every active one. */
function experimentIdsOf(query: ListQuery, experiments: readonly Experiment[]): string[] {
  return query.experiment.length > 0 ? query.experiment : experiments.map((e) => e.experimentId);
}

export async function listRuns(
  store: TrackingStore,
  query: ListQuery,
  experiments: readonly Experiment[],
): Promise<{ runs: Run[]; nextPageToken: string | null }> {
  const experimentIds = experimentIdsOf(query, experiments);
  if (experimentIds.length === 0) return { runs: [], nextPageToken: null };
  const page = await store.searchRuns({
    experimentIds,
    maxResults: query.max,
    ...(query.filter !== undefined && { filter: query.filter }),
    ...(query.orderBy !== undefined && { orderBy: [query.orderBy] }),
    ...(query.pageToken !== undefined && { pageToken: query.pageToken }),
  });
  return { runs: page.items, nextPageToken: page.nextPageToken };
}

export async function listTraces(
  store: TrackingStore,
  query: ListQuery,
  experiments: readonly Experiment[],
): Promise<{ traces: Trace[]; nextPageToken: string | null }> {
  const experimentIds = experimentIdsOf(query, experiments);
  if (experimentIds.length === 0) return { traces: [], nextPageToken: null };
  const page = await store.searchTraces({
    experimentIds,
    maxResults: Math.min(query.max, 500),
    includeSpans: false,
    ...(query.filter !== undefined && { filter: query.filter }),
    ...(query.orderBy !== undefined && { orderBy: [query.orderBy] }),
    ...(query.pageToken !== undefined && { pageToken: query.pageToken }),
    ...(query.runId !== undefined && { runId: query.runId }),
  });
  return { traces: page.items.map((record) => new Trace(record)), nextPageToken: page.nextPageToken };
}

export async function requireTrace(store: TrackingStore, traceId: string): Promise<Trace> {
  const found = await store.getTrace(parse(id, traceId, 'trace id'));
  if (!found) throw EvalflowError.notFound(`No trace with id "${traceId}".`);
  return new Trace(found);
}

/** A run by id (RESOURCE_DOES_NOT_EXIST when the store has none). */
export async function requireRun(store: TrackingStore, runId: string): Promise<Run> {
  return store.getRun(parse(id, runId, 'run id'));
}

/** Every logged value of a run's metric, oldest first. */
export async function metricHistory(store: TrackingStore, runId: string, key: string): Promise<Metric[]> {
  validateKey('metric', key);
  return store.getMetricHistory(runId, key);
}

export interface RunDetails {
  run: Run;
  artifacts: RunArtifacts;
  files: ArtifactInfo[];
  plots: string[];
  tables: string[];
}

/** A run's artifacts, without listing them. */
export async function runArtifacts(store: TrackingStore, runId: string): Promise<RunArtifacts> {
  return new RunArtifacts(await requireRun(store, runId));
}

/** An experiment's name for headings; its id when it cannot be read. */
export async function experimentName(store: TrackingStore, experimentId: string): Promise<string> {
  return store.getExperiment(String(experimentId)).then((e) => e.name, () => `experiment ${experimentId}`);
}

export async function loadRun(store: TrackingStore, runId: string): Promise<RunDetails> {
  const run = await requireRun(store, runId);
  const artifacts = new RunArtifacts(run);
  const files = await artifacts.list();
  return { run, artifacts, files, plots: plotPaths(files), tables: tablePaths(run, files) };
}

/** `?runs=a&runs=b` (or `runs=a,b`): 1 to 20 distinct run ids, in order. */
export function parseRunIds(query: URLSearchParams): string[] {
  const ids = [...new Set(all(query, 'runs').flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean))];
  return parse(z.array(id).min(1, 'choose at least one run to compare').max(20), ids, 'runs');
}

export function parseTablePage(query: URLSearchParams): { offset: number; limit: number } {
  return parse(
    z.object({ offset: z.coerce.number().int().min(0).default(0), limit: count(500, 25) }),
    { offset: query.get('offset') ?? undefined, limit: query.get('limit') ?? undefined },
    'query',
  );
}

export function requireParam(query: URLSearchParams, key: string): string {
  return parse(z.string().min(1, `give ?${key}=`).max(1024), query.get(key) ?? '', key);
}

export interface MetricComparison {
  key: string;
  values: (number | null)[];
  /** value − first run's value, for every run (null where either is missing). */
  deltas: (number | null)[];
}

export function compareMetrics(runs: readonly Run[]): MetricComparison[] {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.data.metrics)))].sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const values = runs.map((run) => run.data.metrics[key] ?? null);
    const base = values[0] ?? null;
    return { key, values, deltas: values.map((value) => (value === null || base === null ? null : value - base)) };
  });
}

/** The metrics charted when none are chosen: those every run has, within [0, 1] (scores), at most 12. */
export function defaultChartMetrics(comparison: readonly MetricComparison[]): string[] {
  const shared = comparison.filter((m) => m.values.every((v) => v !== null && Number.isFinite(v)));
  const scores = shared.filter((m) => m.values.every((v) => (v as number) >= 0 && (v as number) <= 1));
  return (scores.length > 0 ? scores : shared).slice(0, 12).map((m) => m.key);
}

/** A run's label in charts and headers: its name and the start of its id, unique among runs. */
export function runLabel(run: Run): string {
  return `${run.info.runName} (${run.info.runId.slice(0, 8)})`;
}
