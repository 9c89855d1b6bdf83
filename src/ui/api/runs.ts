/** JSON API for experiments and runs, and the SVG and files a run page shows. */
import { readFile, stat } from 'node:fs/promises';
import { ErrorCode, EvalflowError } from '../../core/errors.js';
import type { Run } from '../../store/entities.js';
import { artifactContentType, readTable } from '../artifacts.js';
import { checkStoredPlot, comparisonSpec, MAX_PLOT_SPEC_BYTES, metricHistorySpec, renderCached } from '../charts.js';
import { FILE_CSP, HttpError, jsonResponse, svgResponse, type UiResponse } from '../http.js';
import {
  compareMetrics,
  defaultChartMetrics,
  listExperiments,
  listRuns,
  loadRun,
  metricHistory,
  parseListQuery,
  parseRunIds,
  parseTablePage,
  requireParam,
  requireRun,
  runArtifacts,
  runLabel,
} from '../queries.js';
import type { RequestContext, Router } from '../router.js';

export function registerRunApi(router: Router): void {
  router
    .get('/api/experiments', async ({ store }) => jsonResponse({ experiments: await listExperiments(store) }))
    .get('/api/runs', async ({ query, store }) => {
      const page = await listRuns(store, parseListQuery(query), await listExperiments(store));
      return jsonResponse({ runs: page.runs, next_page_token: page.nextPageToken });
    })
    .get('/api/runs/:runId', async ({ params, store }) => {
      const details = await loadRun(store, params.runId ?? '');
      return jsonResponse({ run: details.run, artifacts: details.files, plots: details.plots, tables: details.tables });
    })
    .get('/api/runs/:runId/metric-history', async ({ params, query, store }) => {
      const run = await requireRun(store, params.runId ?? '');
      return jsonResponse({ metrics: await metricHistory(store, run.info.runId, requireParam(query, 'key')) });
    })
    .get('/api/runs/:runId/metric-chart.svg', metricChart)
    .get('/api/runs/:runId/artifacts', async ({ params, store }) => jsonResponse({ files: (await loadRun(store, params.runId ?? '')).files }))
    .get('/api/runs/:runId/artifact', artifactFile)
    .get('/api/runs/:runId/plot.svg', plot)
    .get('/api/runs/:runId/table', async ({ params, query, store }) => {
      const artifacts = await runArtifacts(store, params.runId ?? '');
      const path = requireParam(query, 'path');
      const { offset, limit } = parseTablePage(query);
      const table = await readTable(artifacts, path);
      const rows = table.data.slice(offset, offset + limit).map((values) => Object.fromEntries(table.columns.map((c, i) => [c, values[i] ?? null])));
      return jsonResponse({ path, columns: table.columns, rows, offset, limit, total: table.data.length });
    })
    .get('/api/compare', async ({ query, store }) => {
      const runs = await Promise.all(parseRunIds(query).map((id) => requireRun(store, id)));
      return jsonResponse({ runs, metrics: compareMetrics(runs) });
    })
    .get('/api/compare/chart.svg', comparisonChart);
}

async function metricChart({ params, query, store }: RequestContext): Promise<UiResponse> {
  const run = await requireRun(store, params.runId ?? '');
  const key = requireParam(query, 'key');
  const history = await metricHistory(store, run.info.runId, key);
  if (history.length === 0) throw EvalflowError.notFound(`Run ${run.info.runId} has no metric ${JSON.stringify(key)}.`);
  const last = history.at(-1);
  const cacheKey = `history:${run.info.runId}:${key}:${history.length}:${last?.timestamp}:${last?.value}`;
  return svgResponse(await renderCached(cacheKey, () => metricHistorySpec(key, history)));
}

/**
 * A stored Vega-Lite plot (`*.vl.json`) as SVG. Only specs the UI can draw in bounded time: at most 5 MB, inline
 * data of at most 50,000 rows (422 otherwise), no outside data or data generators (400).
 */
async function plot({ params, query, store }: RequestContext): Promise<UiResponse> {
  const artifacts = await runArtifacts(store, params.runId ?? '');
  const path = requireParam(query, 'path');
  if (!path.endsWith('.vl.json')) throw EvalflowError.invalid(`Plot ${JSON.stringify(path)} is not a Vega-Lite spec (a .vl.json file).`);
  const file = await artifacts.resolveFile(path);
  const info = await stat(file);
  if (info.size > MAX_PLOT_SPEC_BYTES) {
    throw new HttpError(
      422,
      ErrorCode.INVALID_PARAMETER_VALUE,
      `Plot ${JSON.stringify(path)} is ${info.size} bytes; the UI draws plot specs of at most ${MAX_PLOT_SPEC_BYTES} bytes.`,
    );
  }
  return svgResponse(
    await renderCached(`plot:${file}:${info.mtimeMs}:${info.size}`, async () => {
      const text = await readFile(file, 'utf8');
      // The file may have grown since it was measured.
      if (Buffer.byteLength(text) > MAX_PLOT_SPEC_BYTES) {
        throw new HttpError(422, ErrorCode.INVALID_PARAMETER_VALUE, `Plot ${JSON.stringify(path)} is larger than ${MAX_PLOT_SPEC_BYTES} bytes.`);
      }
      let spec: unknown;
      try {
        spec = JSON.parse(text) as unknown;
      } catch {
        throw EvalflowError.invalid(`Plot ${JSON.stringify(path)} is not valid JSON.`);
      }
      return checkStoredPlot(spec, path);
    }),
  );
}

/** An artifact file, streamed from disk. */
async function artifactFile({ params, query, store }: RequestContext): Promise<UiResponse> {
  const artifacts = await runArtifacts(store, params.runId ?? '');
  const path = requireParam(query, 'path');
  const { contentType, download } = artifactContentType(path);
  const fileName = path.split('/').at(-1) ?? 'artifact';
  const { readable, size } = await artifacts.openStream(path);
  return {
    status: 200,
    contentType,
    body: '',
    ...(readable && { stream: { readable, size } }),
    headers: {
      'Content-Security-Policy': FILE_CSP,
      'Cache-Control': 'no-store',
      'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    },
  };
}

async function comparisonChart({ query, store }: RequestContext): Promise<UiResponse> {
  const runs: Run[] = await Promise.all(parseRunIds(query).map((id) => requireRun(store, id)));
  const comparison = compareMetrics(runs);
  const chosen = query.getAll('metric').filter((key) => comparison.some((m) => m.key === key));
  const metrics = chosen.length > 0 ? chosen : defaultChartMetrics(comparison);
  const labels = runs.map(runLabel);
  const values = comparison
    .filter((m) => metrics.includes(m.key))
    .flatMap((m) => m.values.flatMap((value, i) => (value === null ? [] : [{ metric: m.key, run: labels[i] as string, value }])));
  const cacheKey = `compare:${JSON.stringify(values)}`;
  return svgResponse(await renderCached(cacheKey, () => comparisonSpec(values, labels)));
}
