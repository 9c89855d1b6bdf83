/** Runs side by side: each metric with its change from the first run, a bar chart, and the params that differ. */
import type { Run } from '../../store/entities.js';
import { formatNumber, formatTime } from '../format.js';
import { href, html, pathOf, type SafeHtml } from '../html.js';
import { htmlResponse, type UiResponse } from '../http.js';
import { compareMetrics, defaultChartMetrics, listExperiments, parseRunIds, requireRun, runLabel, type MetricComparison } from '../queries.js';
import type { RequestContext } from '../router.js';
import { numberCell, statusBadge } from './components.js';
import { layout } from './layout.js';

export async function comparePage({ query, store }: RequestContext): Promise<UiResponse> {
  const runIds = parseRunIds(query);
  const runs = await Promise.all(runIds.map((id) => requireRun(store, id)));
  const comparison = compareMetrics(runs);
  const experiments = new Map((await listExperiments(store)).map((e) => [e.experimentId, e.name]));
  const chosen = query.getAll('metric').filter((key) => comparison.some((m) => m.key === key));
  const charted = query.has('cols') ? chosen : defaultChartMetrics(comparison);
  const body = html`<p class="crumbs"><a href="/">runs</a> › compare</p>
<h1>Comparing ${runs.length} runs</h1>
${runsHeader(runs, experiments)}
<section id="compare-metrics"><h2>Metrics</h2>
<p class="muted">Δ is the change from the first run, <strong>${runLabel(runs[0] as Run)}</strong>.</p>
${metricsTable(runs, comparison)}</section>
<section id="compare-chart"><h2>Chart</h2>
${chartChooser(runIds, comparison, charted, query.has('cols'))}
${charted.length > 0
    ? html`<figure class="chart wide"><img src="${href('/api/compare/chart.svg', { runs: runIds, metric: charted })}" alt="${`bar chart of ${charted.join(', ')}`}"><figcaption>${charted.length} metrics</figcaption></figure>`
    : html`<p class="muted">Choose metrics to chart.</p>`}
</section>
<section id="compare-params"><h2>Params</h2>${paramsTable(runs)}</section>`;
  return htmlResponse(layout({ title: 'Compare runs', section: 'runs', body }));
}

function runsHeader(runs: readonly Run[], experiments: Map<string, string>): SafeHtml {
  return html`<table class="grid narrow" id="compare-runs"><thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Experiment</th></tr></thead><tbody>${runs.map(
    (run) => html`<tr><td><a href="${pathOf('runs', run.info.runId)}">${runLabel(run)}</a></td><td>${statusBadge(run.info.status)}</td><td>${formatTime(run.info.startTime)}</td><td><a href="${href('/', { experiment: run.info.experimentId })}">${experiments.get(run.info.experimentId) ?? run.info.experimentId}</a></td></tr>`,
  )}</tbody></table>`;
}

function metricsTable(runs: readonly Run[], comparison: readonly MetricComparison[]): SafeHtml {
  if (comparison.length === 0) return html`<p class="muted">These runs have no metrics.</p>`;
  return html`<div class="scroll"><table class="grid" id="compare-table"><thead><tr><th scope="col">Metric</th>${runs.map(
    (run, i) => html`<th scope="col" class="num">${runLabel(run)}</th>${i > 0 ? html`<th scope="col" class="num">Δ</th>` : ''}`,
  )}</tr></thead>
<tbody>${comparison.map(
    (m) => html`<tr data-metric="${m.key}"><th scope="row">${m.key}</th>${m.values.map(
      (value, i) => html`${numberCell(value)}${i > 0 ? delta(m.deltas[i] ?? null, m.values[0] ?? null) : ''}`,
    )}</tr>`,
  )}</tbody></table></div>`;
}

function delta(value: number | null, base: number | null): SafeHtml {
  if (value === null) return html`<td class="num muted"></td>`;
  const kind = value > 0 ? 'up' : value < 0 ? 'down' : 'same';
  const relative = base !== null && base !== 0 ? ` (${value > 0 ? '+' : ''}${formatNumber((value / Math.abs(base)) * 100)}%)` : '';
  return html`<td class="num delta delta-${kind}" data-delta="${String(value)}">${value > 0 ? '+' : ''}${formatNumber(value)}${relative}</td>`;
}

function chartChooser(runIds: readonly string[], comparison: readonly MetricComparison[], charted: readonly string[], open: boolean): SafeHtml {
  return html`<details class="columns"${open ? html` open` : ''}><summary>Metrics in the chart (${charted.length})</summary>
<form action="/compare" method="get" data-autosubmit>
${runIds.map((id) => html`<input type="hidden" name="runs" value="${id}">`)}
<input type="hidden" name="cols" value="1">
<div class="checks">${comparison.map(
    (m) => html`<label><input type="checkbox" name="metric" value="${m.key}"${charted.includes(m.key) ? html` checked` : ''}> ${m.key}</label>`,
  )}</div>
<noscript><button type="submit">Apply</button></noscript>
</form></details>`;
}

function paramsTable(runs: readonly Run[]): SafeHtml {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.data.params)))].sort((a, b) => a.localeCompare(b));
  if (keys.length === 0) return html`<p class="muted">No params.</p>`;
  return html`<div class="scroll"><table class="grid" id="compare-params-table"><thead><tr><th scope="col">Param</th>${runs.map((run) => html`<th scope="col">${runLabel(run)}</th>`)}</tr></thead>
<tbody>${keys.map((key) => {
    const values = runs.map((run) => run.data.params[key]);
    const differs = new Set(values).size > 1;
    return html`<tr${differs ? html` class="differs"` : ''}><th scope="row">${key}</th>${values.map((value) => html`<td>${value ?? ''}</td>`)}</tr>`;
  })}</tbody></table></div>`;
}
