/** A run: params, metrics with history charts, tags, the evaluation's plots, its tables with paging, artifacts. */
import { SystemTags, type Metric, type Run } from '../../store/entities.js';
import { readTable } from '../artifacts.js';
import { formatDuration, formatNumber, formatTime, truncate, valueText } from '../format.js';
import { href, html, pathOf, type SafeHtml } from '../html.js';
import { htmlResponse, type UiResponse } from '../http.js';
import { experimentName, loadRun, metricHistory, parseTablePage, type RunDetails } from '../queries.js';
import type { RequestContext } from '../router.js';
import { errorBanner, keyValueTable, numberCell, statusBadge } from './components.js';
import { layout } from './layout.js';

const CELL_CHARS = 400;

export async function runPage({ params, query, store }: RequestContext): Promise<UiResponse> {
  const details = await loadRun(store, params.runId ?? '');
  const { run } = details;
  const histories = await Promise.all(
    Object.keys(run.data.metrics)
      .sort((a, b) => a.localeCompare(b))
      .map(async (key): Promise<[string, Metric[]]> => [key, await metricHistory(store, run.info.runId, key)]),
  );
  const experiment = await experimentName(store, run.info.experimentId);
  const body = html`<p class="crumbs"><a href="${href('/', { experiment: run.info.experimentId })}">${experiment}</a> › run</p>
<h1>${run.info.runName} ${statusBadge(run.info.status)}</h1>
${overview(run, experiment)}
<nav class="page-nav" aria-label="Sections"><a href="#params">Params</a> <a href="#metrics">Metrics</a> <a href="#plots">Plots</a> <a href="#tables">Tables</a> <a href="#tags">Tags</a> <a href="#artifacts">Artifacts</a> <a href="${href('/traces', { runId: run.info.runId })}">Traces of this run</a></nav>
<section id="params"><h2>Params</h2>${keyValueTable(Object.entries(run.data.params).sort(([a], [b]) => a.localeCompare(b)), { empty: 'No params.' })}</section>
<section id="metrics"><h2>Metrics</h2>${metricsSection(run, histories)}</section>
<section id="plots"><h2>Plots</h2>${plotsSection(details)}</section>
<section id="tables"><h2>Tables</h2>${await tablesSection(details, query)}</section>
<section id="tags"><h2>Tags</h2>${tagsSection(run)}</section>
<section id="artifacts"><h2>Artifacts</h2>${artifactsSection(details)}</section>`;
  return htmlResponse(layout({ title: run.info.runName, section: 'runs', body }));
}

function overview(run: Run, experiment: string): SafeHtml {
  const parent = run.data.tags[SystemTags.PARENT_RUN_ID];
  const note = run.data.tags[SystemTags.NOTE];
  return html`${keyValueTable([
    ['Run id', html`<code>${run.info.runId}</code>`],
    ['Experiment', html`<a href="${href('/', { experiment: run.info.experimentId })}">${experiment}</a>`],
    ['Started', formatTime(run.info.startTime)],
    ['Duration', run.info.endTime === null ? 'running' : formatDuration(run.info.endTime - run.info.startTime)],
    ['User', run.info.userId],
    ['Source', run.data.tags[SystemTags.SOURCE_NAME] ?? ''],
    ...(parent ? [['Parent run', html`<a href="${pathOf('runs', parent)}">${parent}</a>`] as [string, SafeHtml]] : []),
  ], { id: 'overview' })}
${note ? html`<div class="note">${note}</div>` : ''}`;
}

function metricsSection(run: Run, histories: readonly [string, Metric[]][]): SafeHtml {
  if (histories.length === 0) return html`<p class="muted">No metrics.</p>`;
  const charted = histories.filter(([, history]) => history.length > 1);
  return html`<table class="grid narrow" id="metrics-table"><thead><tr><th scope="col">Metric</th><th scope="col">Value</th><th scope="col">Logged values</th></tr></thead>
<tbody>${histories.map(([key, history]) => html`<tr><th scope="row">${key}</th>${numberCell(run.data.metrics[key])}<td class="num">${history.length}</td></tr>`)}</tbody></table>
${charted.length > 0
    ? html`<div class="charts">${charted.map(
        ([key]) => html`<figure class="chart"><img src="${href(`${pathOf('api', 'runs', run.info.runId)}/metric-chart.svg`, { key })}" alt="${`history of ${key}`}" loading="lazy"><figcaption>${key}</figcaption></figure>`,
      )}</div>`
    : ''}`;
}

function plotsSection({ run, plots }: RunDetails): SafeHtml {
  if (plots.length === 0) return html`<p class="muted">No plots (Vega-Lite specs, <code>*.vl.json</code>) in this run's artifacts.</p>`;
  return html`<div class="plots">${plots.map((path) => {
    const name = path.replace(/\.vl\.json$/, '');
    return html`<figure class="plot" data-plot="${name}"><img src="${href(`${pathOf('api', 'runs', run.info.runId)}/plot.svg`, { path })}" alt="${name}"><figcaption>${name}</figcaption></figure>`;
  })}</div>`;
}

async function tablesSection(details: RunDetails, query: URLSearchParams): Promise<SafeHtml> {
  const { run, tables, artifacts } = details;
  if (tables.length === 0) return html`<p class="muted">No tables.</p>`;
  const requested = query.get('table');
  const selected = requested !== null && tables.includes(requested) ? requested : (tables[0] as string);
  const { offset, limit } = parseTablePage(query);
  const base = pathOf('runs', run.info.runId);
  const link = (changes: { table?: string; offset?: number }): string =>
    `${href(base, { table: changes.table ?? selected, offset: changes.offset ?? 0, limit: limit === 25 ? undefined : limit })}#tables`;
  let table;
  try {
    table = await readTable(artifacts, selected);
  } catch (error) {
    return errorBanner(error);
  }
  const rows = table.data.slice(offset, offset + limit);
  const last = Math.min(offset + limit, table.data.length);
  return html`${tables.length > 1 ? html`<p class="tabs">${tables.map((path) => (path === selected ? html`<strong>${path}</strong> ` : html`<a href="${link({ table: path })}">${path}</a> `))}</p>` : html`<p><code>${selected}</code></p>`}
<p class="pager" data-table-pager>Rows ${table.data.length === 0 ? 0 : offset + 1}–${last} of ${table.data.length}
${offset > 0 ? html`<a href="${link({ offset: Math.max(0, offset - limit) })}" rel="prev">← Previous</a>` : ''}
${last < table.data.length ? html`<a href="${link({ offset: offset + limit })}" rel="next">Next →</a>` : ''}</p>
<div class="scroll"><table class="grid results" id="results-table"><thead><tr><th scope="col">#</th>${table.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${rows.map((row, i) => html`<tr><td class="num muted">${offset + i}</td>${table.columns.map((_, c) => cell(row[c]))}</tr>`)}</tbody></table></div>`;
}

function cell(value: unknown): SafeHtml {
  if (typeof value === 'number') return numberCell(value);
  if (value === null || value === undefined) return html`<td class="muted">null</td>`;
  const text = valueText(value, 0);
  return html`<td><div class="cell"${text.length > CELL_CHARS ? html` title="${truncate(text, 4000)}"` : ''}>${text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text}</div></td>`;
}

function tagsSection(run: Run): SafeHtml {
  const entries = Object.entries(run.data.tags).sort(([a], [b]) => a.localeCompare(b));
  const user = entries.filter(([key]) => !key.startsWith('mlflow.'));
  const system = entries.filter(([key]) => key.startsWith('mlflow.'));
  return html`${keyValueTable(user, { empty: 'No tags.' })}
${system.length > 0 ? html`<details><summary>System tags (${system.length})</summary>${keyValueTable(system.map(([k, v]) => [k, html`<span class="pre">${v}</span>`]))}</details>` : ''}`;
}

function artifactsSection({ run, files }: RunDetails): SafeHtml {
  if (files.length === 0) return html`<p class="muted">No artifacts.</p>`;
  const base = `${pathOf('api', 'runs', run.info.runId)}/artifact`;
  return html`<table class="grid narrow" id="artifacts-table"><thead><tr><th scope="col">Path</th><th scope="col">Size</th></tr></thead><tbody>${files.map((file) =>
    file.isDir
      ? html`<tr><td>${file.path}/</td><td></td></tr>`
      : html`<tr><td><a href="${href(base, { path: file.path })}">${file.path}</a></td><td class="num">${formatNumber(file.fileSize)} B</td></tr>`,
  )}</tbody></table>`;
}
