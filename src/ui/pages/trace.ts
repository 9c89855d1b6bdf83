/** A trace: its info, the span tree, and the assessments with the forms to add or override feedback. */
import { TraceMetadataKey, TraceTagKey } from '../../store/trace-entities.js';
import { formatDuration, formatNumber, formatTime, totalTokens } from '../format.js';
import { href, html, pathOf, type SafeHtml } from '../html.js';
import { htmlResponse, type UiResponse } from '../http.js';
import { experimentName, requireTrace } from '../queries.js';
import type { RequestContext } from '../router.js';
import { assessmentsSection } from './assessments.js';
import { clippedText, keyValueTable, statusBadge } from './components.js';
import { layout } from './layout.js';
import { spanTree } from './span-tree.js';

export async function tracePage({ params, store }: RequestContext): Promise<UiResponse> {
  const trace = await requireTrace(store, params.traceId ?? '');
  const { info } = trace;
  const name = info.tags[TraceTagKey.TRACE_NAME] ?? info.traceId;
  const tokens = totalTokens(info.traceMetadata[TraceMetadataKey.TOKEN_USAGE]);
  const sourceRun = info.traceMetadata[TraceMetadataKey.SOURCE_RUN];
  const experiment = await experimentName(store, info.experimentId);
  const userTags = Object.entries(info.tags).filter(([key]) => !key.startsWith('mlflow.'));
  const fullAt = pathOf('api', 'traces', info.traceId);
  const clipped = (text: string): SafeHtml => {
    const { shown, note } = clippedText(text, fullAt);
    return html`<span class="pre">${shown}</span>${note}`;
  };
  const body = html`<p class="crumbs"><a href="${href('/traces', { experiment: info.experimentId })}">traces of ${experiment}</a> › trace</p>
<h1>${name} ${statusBadge(info.state)}</h1>
${keyValueTable([
  ['Trace id', html`<code>${info.traceId}</code>`],
  ['Request time', formatTime(info.requestTime)],
  ['Latency', formatDuration(info.executionDuration)],
  ...(tokens === null ? [] : [['Tokens', formatNumber(tokens)] as [string, string]]),
  ['Experiment', html`<a href="${href('/traces', { experiment: info.experimentId })}">${experiment}</a>`],
  ...(sourceRun ? [['Run', html`<a href="${pathOf('runs', sourceRun)}">${sourceRun}</a>`] as [string, ReturnType<typeof html>]] : []),
  ...userTags.map(([key, value]): [string, SafeHtml] => [`tag ${key}`, clipped(value)]),
], { id: 'trace-info' })}
<details><summary>Metadata (${Object.keys(info.traceMetadata).length})</summary>${keyValueTable(Object.entries(info.traceMetadata).map(([k, v]) => [k, clipped(v)]))}</details>
<section id="spans"><h2>Spans</h2>${spanTree(trace)}</section>
<section id="assessments"><h2>Assessments</h2>${assessmentsSection(trace)}</section>`;
  return htmlResponse(layout({ title: name, section: 'traces', body }));
}
