/** Traces: status, latency, tokens and feedback, searched with MLflow's trace filter string. */
import type { AssessmentRecord } from '../../store/assessment-entities.js';
import { TraceMetadataKey, TraceTagKey } from '../../store/trace-entities.js';
import type { Trace } from '../../tracing/trace-entity.js';
import { feedbackText, formatDuration, formatNumber, formatTime, totalTokens, truncate } from '../format.js';
import { html, pathOf, type SafeHtml } from '../html.js';
import { htmlResponse, type UiResponse } from '../http.js';
import { listExperiments, listTraces, parseListQuery, type ListQuery } from '../queries.js';
import type { RequestContext } from '../router.js';
import { errorBanner, experimentNav, nextPageLink, sortHeader, statusBadge, withParam } from './components.js';
import { layout } from './layout.js';

export async function tracesPage({ query, store }: RequestContext): Promise<UiResponse> {
  const list = parseListQuery(query);
  const experiments = await listExperiments(store);
  let traces: Trace[] = [];
  let nextPageToken: string | null = null;
  let failure: unknown;
  try {
    ({ traces, nextPageToken } = await listTraces(store, list, experiments));
  } catch (error) {
    failure = error;
  }
  const body = html`<div class="with-side">
${experimentNav(experiments, list.experiment, (id) => withParam('/traces', query, { experiment: id ?? undefined }))}
<section class="content">
<h1>Traces</h1>
${filterForm(list, query)}
${list.runId ? html`<p class="chip-line">Only traces of run <a href="${pathOf('runs', list.runId)}"><code>${list.runId}</code></a> <a href="${withParam('/traces', query, { runId: undefined })}" aria-label="show traces of every run">✕</a></p>` : ''}
${failure === undefined ? '' : errorBanner(failure)}
${tracesTable(traces, list, query)}
${nextPageLink(nextPageToken, '/traces', query)}
</section></div>`;
  return htmlResponse(layout({ title: 'Traces', section: 'traces', body }));
}

function filterForm(list: ListQuery, query: URLSearchParams): SafeHtml {
  return html`<form class="filter" action="/traces" method="get" role="search">
${['experiment', 'orderBy', 'runId'].flatMap((key) => query.getAll(key).map((value) => html`<input type="hidden" name="${key}" value="${value}">`))}
<label for="trace-filter">Filter</label>
<input id="trace-filter" type="search" name="filter" value="${list.filter ?? ''}" placeholder="trace.status = 'ERROR' AND span.type = 'LLM'" size="60">
<button type="submit">Search</button>
${list.filter ? html`<a href="${withParam('/traces', query, { filter: undefined })}">clear</a>` : ''}
</form>`;
}

function tracesTable(traces: readonly Trace[], list: ListQuery, query: URLSearchParams): SafeHtml {
  if (traces.length === 0) return html`<p class="muted">No traces${list.filter ? ' match this filter' : ''}.</p>`;
  const link = (orderBy: string): string => withParam('/traces', query, { orderBy });
  const current = list.orderBy ?? 'timestamp_ms DESC';
  return html`<div class="scroll"><table class="grid" id="traces-table"><thead><tr>
<th scope="col">Trace</th>
${sortHeader('Name', 'name', current, link, 'ASC')}
${sortHeader('Status', 'status', current, link, 'ASC')}
${sortHeader('Request time', 'timestamp_ms', current, link)}
${sortHeader('Latency', 'execution_time_ms', current, link)}
<th scope="col" class="num">Tokens</th><th scope="col">Feedback</th><th scope="col">Request</th>
</tr></thead><tbody>${traces.map((trace) => {
    const { info } = trace;
    const tokens = totalTokens(info.traceMetadata[TraceMetadataKey.TOKEN_USAGE]);
    return html`<tr data-trace-id="${info.traceId}">
<td class="nowrap"><a href="${pathOf('traces', info.traceId)}"><code>${info.traceId.slice(0, 15)}…</code></a></td>
<td>${info.tags[TraceTagKey.TRACE_NAME] ?? ''}</td>
<td>${statusBadge(info.state)}</td>
<td class="nowrap">${formatTime(info.requestTime)}</td>
<td class="num">${formatDuration(info.executionDuration)}</td>
<td class="num">${tokens === null ? '' : formatNumber(tokens)}</td>
<td>${feedbackChips(info.assessments ?? [])}</td>
<td><span class="preview">${truncate(info.requestPreview ?? '', 80)}</span></td>
</tr>`;
  })}</tbody></table></div>`;
}

/** The valid feedback of a trace, one chip each: `correctness: yes`. */
export function feedbackChips(assessments: readonly AssessmentRecord[]): SafeHtml {
  const valid = assessments.filter((a) => a.kind === 'feedback' && a.valid);
  return html`${valid.map(
    (a) => html`<span class="chip source-${a.source.sourceType.toLowerCase()}" title="${`${a.source.sourceType}: ${a.source.sourceId}`}">${a.name}: ${a.error ? 'error' : truncate(feedbackText(a.value), 30)}</span> `,
  )}`;
}
