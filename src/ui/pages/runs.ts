/** Experiments and their runs: filter string, sortable columns, metric columns of the user's choice, compare. */
import type { Experiment, Run } from '../../store/entities.js';
import { formatDuration, formatTime } from '../format.js';
import { href, html, pathOf, type SafeHtml } from '../html.js';
import { htmlResponse, type UiResponse } from '../http.js';
import { listExperiments, listRuns, parseListQuery, type ListQuery } from '../queries.js';
import type { RequestContext } from '../router.js';
import { errorBanner, experimentNav, nextPageLink, numberCell, sortHeader, statusBadge, withParam } from './components.js';
import { layout } from './layout.js';

const DEFAULT_COLUMNS = 4;

export async function runsPage({ query, store }: RequestContext): Promise<UiResponse> {
  const list = parseListQuery(query);
  const experiments = await listExperiments(store);
  let runs: Run[] = [];
  let nextPageToken: string | null = null;
  let failure: unknown;
  try {
    ({ runs, nextPageToken } = await listRuns(store, list, experiments));
  } catch (error) {
    failure = error;
  }
  const metricKeys = [...new Set(runs.flatMap((run) => Object.keys(run.data.metrics)))].sort((a, b) => a.localeCompare(b));
  const columns = query.has('cols') ? query.getAll('metric').filter((key) => key !== '') : defaultColumns(runs, metricKeys);
  const experimentNames = new Map(experiments.map((e) => [e.experimentId, e.name]));

  const body = html`<div class="with-side">
${experimentNav(experiments, list.experiment, (id) => withParam('/', query, { experiment: id ?? undefined, cols: undefined, metric: undefined }))}
<section class="content">
<h1>${title(list, experiments)}</h1>
${filterForm(list, query)}
${failure === undefined ? '' : errorBanner(failure)}
<div class="toolbar">
${columnChooser(metricKeys, columns, query)}
<form id="compare-form" action="/compare" method="get" class="compare-form">
<button type="submit" data-compare-button>Compare selected runs</button> <span class="muted" data-compare-count></span>
</form>
</div>
${runsTable(runs, columns, list, query, experimentNames)}
${nextPageLink(nextPageToken, '/', query)}
</section>
</div>`;
  return htmlResponse(layout({ title: 'Runs', section: 'runs', body }));
}

function title(list: ListQuery, experiments: readonly Experiment[]): string {
  if (list.experiment.length === 0) return 'Runs of all experiments';
  const names = list.experiment.map((id) => experiments.find((e) => e.experimentId === id)?.name ?? `experiment ${id}`);
  return `Runs of ${names.join(', ')}`;
}

function filterForm(list: ListQuery, query: URLSearchParams): SafeHtml {
  return html`<form class="filter" action="/" method="get" role="search">
${list.experiment.map((id) => html`<input type="hidden" name="experiment" value="${id}">`)}
${query.has('cols') ? html`<input type="hidden" name="cols" value="1">${query.getAll('metric').map((m) => html`<input type="hidden" name="metric" value="${m}">`)}` : ''}
${list.orderBy ? html`<input type="hidden" name="orderBy" value="${list.orderBy}">` : ''}
<label for="run-filter">Filter</label>
<input id="run-filter" type="search" name="filter" value="${list.filter ?? ''}" placeholder="metrics.accuracy_score > 0.9 and params.model = 'tree'" size="60">
<button type="submit">Search</button>
${list.filter ? html`<a href="${withParam('/', query, { filter: undefined })}">clear</a>` : ''}
</form>`;
}

/** Checkboxes of every metric on the page; the script submits the form on each change. */
function columnChooser(metricKeys: readonly string[], columns: readonly string[], query: URLSearchParams): SafeHtml {
  if (metricKeys.length === 0) return html``;
  const kept = ['experiment', 'filter', 'orderBy'];
  return html`<details class="columns"${query.has('cols') ? html` open` : ''}><summary>Metric columns (${columns.length})</summary>
<form action="/" method="get" data-autosubmit id="columns-form">
${kept.flatMap((key) => query.getAll(key).map((value) => html`<input type="hidden" name="${key}" value="${value}">`))}
<input type="hidden" name="cols" value="1">
<div class="checks">${metricKeys.map(
    (key) => html`<label><input type="checkbox" name="metric" value="${key}"${columns.includes(key) ? html` checked` : ''}> ${key}</label>`,
  )}</div>
<noscript><button type="submit">Apply</button></noscript>
</form></details>`;
}

function runsTable(runs: readonly Run[], columns: readonly string[], list: ListQuery, query: URLSearchParams, experimentNames: Map<string, string>): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">No runs${list.filter ? ' match this filter' : ''}.</p>`;
  const link = (orderBy: string): string => withParam('/', query, { orderBy });
  const showExperiment = list.experiment.length !== 1;
  return html`<div class="scroll"><table class="grid" id="runs-table">
<thead><tr><th scope="col"><span class="sr-only">Select</span></th>
${sortHeader('Run', 'attributes.run_name', list.orderBy, link, 'ASC')}
${sortHeader('Status', 'attributes.status', list.orderBy, link, 'ASC')}
${sortHeader('Started', 'attributes.start_time', list.orderBy, link)}
<th scope="col">Duration</th>
${showExperiment ? html`<th scope="col">Experiment</th>` : ''}
${columns.map((key) => sortHeader(key, `metrics.\`${key}\``, list.orderBy, link))}
</tr></thead>
<tbody>${runs.map(
    (run) => html`<tr data-run-id="${run.info.runId}">
<td><input type="checkbox" name="runs" value="${run.info.runId}" form="compare-form" aria-label="${`select ${run.info.runName}`}"></td>
<td><a href="${pathOf('runs', run.info.runId)}">${run.info.runName}</a></td>
<td>${statusBadge(run.info.status)}</td>
<td class="nowrap">${formatTime(run.info.startTime)}</td>
<td>${run.info.endTime === null ? '' : formatDuration(run.info.endTime - run.info.startTime)}</td>
${showExperiment ? html`<td><a href="${href('/', { experiment: run.info.experimentId })}">${experimentNames.get(run.info.experimentId) ?? run.info.experimentId}</a></td>` : ''}
${columns.map((key) => numberCell(run.data.metrics[key]))}
</tr>`,
  )}</tbody></table></div>`;
}

/** MLflow's headline metrics of each model type, shown first when the user has not chosen columns. */
const HEADLINE_METRICS = [
  'accuracy_score', 'f1_score', 'roc_auc', 'precision_score', 'recall_score',
  'r2_score', 'root_mean_squared_error', 'mean_absolute_error',
  'exact_match/v1', 'rouge1/v1/mean', 'toxicity/v1/mean', 'ndcg_at_3/mean',
];

/** Without a choice: the metrics most runs on the page have, headline metrics and plain names first, at most four. */
function defaultColumns(runs: readonly Run[], metricKeys: readonly string[]): string[] {
  const counts = new Map(metricKeys.map((key) => [key, runs.filter((run) => key in run.data.metrics).length]));
  const rank = (key: string): number => {
    const headline = HEADLINE_METRICS.indexOf(key);
    return headline >= 0 ? headline : HEADLINE_METRICS.length + (key.includes('/') ? 1 : 0);
  };
  return [...metricKeys]
    .sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || rank(a) - rank(b) || a.localeCompare(b))
    .slice(0, DEFAULT_COLUMNS);
}
