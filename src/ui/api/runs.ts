/** JSON API for experiments and runs, and the SVG and files a run page shows. */
import { readFile, stat } from 'node:fs/promises';
import { EvalflowError } from '../../core/errors.js';
import type { Run } from '../../store/entities.js';
import { getMetricHistory } from '../../tracking/logging.js';
import { getRun } from '../../tracking/runs.js';
import { artifactContentType, readTable } from '../artifacts.js';
import { comparisonSpec, metricHistorySpec, renderCached } from '../charts.js';
import { FILE_CSP, jsonResponse, svgResponse, type UiResponse } from '../http.js';
import {
  compareMetrics,
  defaultChartMetrics,
  listExperiments,
  listRuns,
  loadRun,
  parseListQuery,
  parseRunIds,
  parseTablePage,
  requireParam,
  runArtifacts,
  runLabel,
} from '../queries.js';
import type { RequestContext, Router } from '../router.js';

export function registerRunApi(router: Router): void {
  router
    .get('/api/experiments', async () => jsonResponse({ experiments: await listExperiments() }))
    .get('/api/runs', async ({ query }) => {
      const page = await listRuns(parseListQuery(query), await listExperiments());
      return jsonResponse({ runs: page.runs, next_page_token: page.nextPageToken });
    })
    .get('/api/runs/:runId', async ({ params }) => {
      const details = await loadRun(params.runId ?? '');
      return jsonResponse({ run: details.run, artifacts: details.files, plots: details.plots, tables: details.tables });
    })
    .get('/api/runs/:runId/metric-history', async ({ params, query }) => {
      const run = await getRun(params.runId ?? '');
      return jsonResponse({ metrics: await getMetricHistory(run.info.runId, requireParam(query, 'key')) });
    })
    .get('/api/runs/:runId/metric-chart.svg', metricChart)
    .get('/api/runs/:runId/artifacts', async ({ params }) => jsonResponse({ files: (await loadRun(params.runId ?? '')).files }))
    .get('/api/runs/:runId/artifact', artifactFile)
    .get('/api/runs/:runId/plot.svg', plot)
    .get('/api/runs/:runId/table', async ({ params, query }) => {
      const artifacts = await runArtifacts(params.runId ?? '');
      const path = requireParam(query, 'path');
      const { offset, limit } = parseTablePage(query);
      const table = await readTable(artifacts, path);
      const rows = table.data.slice(offset, offset + limit).map((values) => Object.fromEntries(table.columns.map((c, i) => [c, values[i] ?? null])));
      return jsonResponse({ path, columns: table.columns, rows, offset, limit, total: table.data.length });
    })
    .get('/api/compare', async ({ query }) => {
      const runs = await Promise.all(parseRunIds(query).map((id) => getRun(id)));
      return jsonResponse({ runs, metrics: compareMetrics(runs) });
    })
    .get('/api/compare/chart.svg', comparisonChart);
}

async function metricChart({ params, query }: RequestContext): Promise<UiResponse> {
  const run = await getRun(params.runId ?? '');
  const key = requireParam(query, 'key');
  const history = await getMetricHistory(run.info.runId, key);
  const last = history.at(-1);
  const cacheKey = `history:${run.info.runId}:${key}:${history.length}:${last?.timestamp}:${last?.value}`;
  return svgResponse(await renderCached(cacheKey, () => metricHistorySpec(key, history)));
}

async function plot({ params, query }: RequestContext): Promise<UiResponse> {
  const artifacts = await runArtifacts(params.runId ?? '');
  const path = requireParam(query, 'path');
  if (!path.endsWith('.json')) throw EvalflowError.invalid(`Plot ${JSON.stringify(path)} is not a Vega-Lite spec (a .vl.json file).`);
  const file = await artifacts.resolveFile(path);
  const info = await stat(file);
  return svgResponse(
    await renderCached(`plot:${file}:${info.mtimeMs}:${info.size}`, async () => {
      try {
        return JSON.parse(await readFile(file, 'utf8')) as unknown;
      } catch {
        throw EvalflowError.invalid(`Plot ${JSON.stringify(path)} is not valid JSON.`);
      }
    }),
  );
}

async function artifactFile({ params, query }: RequestContext): Promise<UiResponse> {
  const artifacts = await runArtifacts(params.runId ?? '');
  const path = requireParam(query, 'path');
  const { contentType, download } = artifactContentType(path);
  const fileName = path.split('/').at(-1) ?? 'artifact';
  return {
    status: 200,
    contentType,
    body: await artifacts.read(path),
    headers: {
      'Content-Security-Policy': FILE_CSP,
      'Cache-Control': 'no-store',
      'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    },
  };
}

async function comparisonChart({ query }: RequestContext): Promise<UiResponse> {
  const runs: Run[] = await Promise.all(parseRunIds(query).map((id) => getRun(id)));
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
