/** A trace's spans as a tree with timing bars; each span opens to its inputs, outputs, attributes and events. */
import { SpanAttributeKey } from '../../store/trace-entities.js';
import type { Span, Trace } from '../../tracing/trace-entity.js';
import { formatDuration, totalTokens, valueText } from '../format.js';
import { html, pathOf, type SafeHtml } from '../html.js';
import { clippedBlock, clippedText, keyValueTable, statusBadge } from './components.js';
import { conversationOf, conversationView } from './conversation.js';

const MAX_INDENT = 12;
const BAR_WIDTH = 1000;
const CHAT_SPAN_TYPES = new Set<string>(['LLM', 'CHAT_MODEL']);
const HIDDEN_ATTRIBUTES = new Set<string>([SpanAttributeKey.INPUTS, SpanAttributeKey.OUTPUTS]);

/** Spans in tree order (parents before their children, siblings by start time), with their depth. */
export function spansInTreeOrder(spans: readonly Span[]): { span: Span; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const span of spans) {
    const parent = span.parentId !== null && ids.has(span.parentId) ? span.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ordered: { span: Span; depth: number }[] = [];
  const walk = (parent: string | null, depth: number): void => {
    // By start, then end: stored start times may be whole milliseconds, so siblings can start at the same time.
    const list = [...(children.get(parent) ?? [])].sort((a, b) => compareNs(a.startTimeNs, b.startTimeNs) || compareNs(a.endTimeNs ?? a.startTimeNs, b.endTimeNs ?? b.startTimeNs));
    for (const span of list) {
      ordered.push({ span, depth });
      walk(span.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return ordered;
}

function compareNs(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function spanTree(trace: Trace): SafeHtml {
  const rows = spansInTreeOrder(trace.data.spans);
  if (rows.length === 0) return html`<p class="muted">This trace has no spans.</p>`;
  const start = rows.reduce((min, { span }) => (span.startTimeNs < min ? span.startTimeNs : min), rows[0]?.span.startTimeNs ?? 0n);
  const end = rows.reduce((max, { span }) => {
    const spanEnd = span.endTimeNs ?? span.startTimeNs;
    return spanEnd > max ? spanEnd : max;
  }, start);
  const total = Number(end - start) || 1;
  return html`<div class="tree-tools"><button type="button" data-expand-all>Expand all</button> <button type="button" data-collapse-all>Collapse all</button></div>
<div class="span-tree">${rows.map(({ span, depth }) => spanRow(span, depth, start, total))}</div>`;
}

function spanRow(span: Span, depth: number, traceStart: bigint, total: number): SafeHtml {
  const offset = Number(span.startTimeNs - traceStart);
  const duration = span.endTimeNs === null ? 0 : Number(span.endTimeNs - span.startTimeNs);
  const x = Math.min(BAR_WIDTH - 2, Math.round((offset / total) * BAR_WIDTH));
  const width = Math.max(2, Math.min(BAR_WIDTH - x, Math.round((duration / total) * BAR_WIDTH)));
  const status = span.status.code === 'STATUS_CODE_ERROR' ? 'error' : 'ok';
  const tokens = totalTokens(span.getAttribute(SpanAttributeKey.CHAT_TOKEN_USAGE));
  return html`<details class="span" data-span-id="${span.spanId}" data-span-name="${span.name}">
<summary>
<span class="span-name d${Math.min(depth, MAX_INDENT)}">${span.name}</span>
<span class="span-type">${span.spanType}</span>
<span class="span-duration">${span.durationMs === null ? 'unfinished' : formatDuration(span.durationMs)}</span>
<span class="span-status">${statusBadge(span.status.code)}${tokens === null ? '' : html` <span class="muted">${tokens} tokens</span>`}</span>
<svg class="timing" viewBox="0 0 ${BAR_WIDTH} 10" preserveAspectRatio="none" role="img" aria-label="${`starts at ${formatDuration(offset / 1e6)}, lasts ${formatDuration(duration / 1e6)}`}"><rect class="track" x="0" y="0" width="${BAR_WIDTH}" height="10"></rect><rect class="bar bar-${status}" x="${x}" y="0" width="${width}" height="10"></rect></svg>
</summary>
<div class="span-body">${spanDetails(span)}</div>
</details>`;
}

function spanDetails(span: Span): SafeHtml {
  const chatSpan = CHAT_SPAN_TYPES.has(span.spanType) || span.getAttribute(SpanAttributeKey.MESSAGE_FORMAT) !== undefined;
  const conversation = conversationOf(span.inputs, span.outputs, chatSpan);
  const attributes = Object.entries(span.attributes).filter(([key]) => !HIDDEN_ATTRIBUTES.has(key)).sort(([a], [b]) => a.localeCompare(b));
  // Inputs, outputs and attributes can be megabytes: the page shows the start of each, the JSON API all of it.
  const fullAt = pathOf('api', 'traces', span.traceId);
  const attributeView = (value: unknown): SafeHtml => {
    const { shown, note } = clippedText(valueText(value), fullAt);
    return html`<span class="pre">${shown}</span>${note}`;
  };
  return html`<p class="muted">span <code>${span.spanId}</code></p>
${span.status.message ? html`<div class="error-banner">${clippedText(span.status.message, fullAt).shown}</div>` : ''}
${conversation ? html`<h4>Conversation</h4>${conversationView(conversation, fullAt)}` : ''}
<h4>Inputs</h4>${span.inputs === undefined ? html`<p class="muted">none</p>` : clippedBlock(span.inputs, fullAt)}
<h4>Outputs</h4>${span.outputs === undefined ? html`<p class="muted">none</p>` : clippedBlock(span.outputs, fullAt)}
<h4>Attributes</h4>${keyValueTable(attributes.map(([key, value]) => [key, attributeView(value)]), { empty: 'none' })}
<h4>Events</h4>${span.events.length === 0
    ? html`<p class="muted">none</p>`
    : html`<ul class="events">${span.events.map(
        (event) => html`<li><strong>${event.name}</strong> <span class="muted">+${formatDuration(Number(event.timeUnixNano - span.startTimeNs) / 1e6)}</span>${
          Object.keys(event.attributes).length > 0 ? clippedBlock(event.attributes, fullAt) : ''
        }</li>`,
      )}</ul>`}`;
}
