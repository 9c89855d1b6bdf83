/** Pieces the pages share; every one writes data through `html`, so it is escaped. */
import type { Experiment } from '../../store/entities.js';
import { describeFailure } from '../http.js';
import { clip, formatNumber, MAX_SHOWN_CHARS, valueText } from '../format.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';

export function badge(text: string, kind: string): SafeHtml {
  return html`<span class="badge badge-${kind.toLowerCase()}">${text}</span>`;
}

/** RUNNING / FINISHED / FAILED, OK / ERROR / IN_PROGRESS, STATUS_CODE_* as a coloured badge. */
export function statusBadge(status: string): SafeHtml {
  const label = status.replace(/^STATUS_CODE_/, '');
  const kind = ['OK', 'FINISHED'].includes(label) ? 'ok' : ['ERROR', 'FAILED', 'KILLED'].includes(label) ? 'error' : 'neutral';
  return badge(label, kind);
}

export function keyValueTable(entries: readonly [string, HtmlValue][], options: { id?: string; empty?: string } = {}): SafeHtml {
  if (entries.length === 0) return html`<p class="muted">${options.empty ?? 'none'}</p>`;
  return html`<table class="kv"${options.id ? html` id="${options.id}"` : ''}><tbody>${entries.map(
    ([key, value]) => html`<tr><th scope="row">${key}</th><td>${value}</td></tr>`,
  )}</tbody></table>`;
}

/** Any value as preformatted text (JSON for structures). */
export function textBlock(value: unknown, className = 'json'): SafeHtml {
  return html`<pre class="${className}">${valueText(value)}</pre>`;
}

/**
 * Text that may be very long (what a span holds), cut at MAX_SHOWN_CHARS characters with a note that links to
 * where the whole of it is: `fullAt`, e.g. the trace's JSON.
 */
export function clippedText(text: string, fullAt: string): { shown: string; note: SafeHtml } {
  const { text: shown, truncated } = clip(text);
  return {
    shown,
    note: truncated
      ? html`<span class="truncated muted" data-truncated="${String(text.length)}">… truncated (${MAX_SHOWN_CHARS} of ${text.length} characters shown), full JSON at <a href="${fullAt}">${fullAt}</a></span>`
      : html``,
  };
}

/** `textBlock`, cut as `clippedText` cuts. */
export function clippedBlock(value: unknown, fullAt: string, className = 'json'): SafeHtml {
  const { shown, note } = clippedText(valueText(value), fullAt);
  return html`<pre class="${className}">${shown}</pre>${note}`;
}

export function numberCell(value: number | null | undefined): SafeHtml {
  return html`<td class="num" title="${value === null || value === undefined ? '' : String(value)}">${formatNumber(value)}</td>`;
}

/** An error from a user's filter or order-by, shown on the page rather than as an error page. */
export function errorBanner(error: unknown): SafeHtml {
  const { code, message } = describeFailure(error);
  return html`<div class="error-banner" role="alert"><strong>${code}</strong> ${message}</div>`;
}

/** A sortable column header: a link that orders by `orderKey`, toggling the direction when already sorted by it. */
export function sortHeader(label: string, orderKey: string, current: string | undefined, link: (orderBy: string) => string, firstDirection: 'ASC' | 'DESC' = 'DESC'): SafeHtml {
  const [currentKey, currentDirection = 'ASC'] = splitOrderBy(current);
  const active = currentKey === orderKey;
  const next = active ? (currentDirection === 'DESC' ? 'ASC' : 'DESC') : firstDirection;
  const arrow = active ? (currentDirection === 'DESC' ? ' ▼' : ' ▲') : '';
  return html`<th scope="col"${active ? html` aria-sort="${currentDirection === 'DESC' ? 'descending' : 'ascending'}"` : ''}><a href="${link(`${orderKey} ${next}`)}">${label}${arrow}</a></th>`;
}

function splitOrderBy(orderBy: string | undefined): [string | undefined, string | undefined] {
  if (orderBy === undefined) return [undefined, undefined];
  const match = /^(.*?)\s+(ASC|DESC)$/i.exec(orderBy.trim());
  return match ? [match[1], match[2]?.toUpperCase()] : [orderBy.trim(), 'ASC'];
}

/** The experiments as a side list; `link` builds the address for one experiment, or all of them (`null`). */
export function experimentNav(experiments: readonly Experiment[], selected: readonly string[], link: (experimentId: string | null) => string): SafeHtml {
  return html`<nav class="experiments" aria-label="Experiments"><h2>Experiments</h2><ul>
<li><a href="${link(null)}"${selected.length === 0 ? html` class="active"` : ''}>All experiments</a></li>
${experiments.map(
  (e) => html`<li><a href="${link(e.experimentId)}"${selected.includes(e.experimentId) ? html` class="active"` : ''} title="id ${e.experimentId}">${e.name}</a></li>`,
)}</ul></nav>`;
}

/** A "next page" link when the store says there is one. */
export function nextPageLink(nextPageToken: string | null, path: string, query: URLSearchParams): SafeHtml {
  if (!nextPageToken) return html``;
  const params = new URLSearchParams(query);
  params.set('pageToken', nextPageToken);
  return html`<p class="pager"><a href="${`${path}?${params.toString()}`}">Next page →</a></p>`;
}

/** The query of the current page with one parameter changed (or removed with `undefined`). */
export function withParam(path: string, query: URLSearchParams, changes: Record<string, string | readonly string[] | undefined>): string {
  const params = new URLSearchParams(query);
  params.delete('pageToken');
  for (const [key, value] of Object.entries(changes)) {
    params.delete(key);
    if (value === undefined) continue;
    for (const item of typeof value === 'string' ? [value] : value) params.append(key, item);
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

