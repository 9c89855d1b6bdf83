/**
 * The assessments of a trace with their source and rationale. A feedback that was overridden is shown under the
 * one that replaced it, struck through; forms log new feedback and override a verdict through the JSON API.
 */
import type { AssessmentRecord } from '../../store/assessment-entities.js';
import type { Trace } from '../../tracing/trace-entity.js';
import { feedbackText, formatTime } from '../format.js';
import { html, pathOf, type SafeHtml } from '../html.js';

/** Each assessment that overrides nothing, followed by its overrides, oldest first. */
export function assessmentChains(assessments: readonly AssessmentRecord[]): AssessmentRecord[][] {
  const byCreateTime = [...assessments].sort((a, b) => a.createTimeMs - b.createTimeMs);
  const ids = new Set(byCreateTime.map((a) => a.assessmentId));
  const overriddenBy = new Map<string, AssessmentRecord>();
  for (const a of byCreateTime) if (a.overrides !== null && ids.has(a.overrides)) overriddenBy.set(a.overrides, a);
  return byCreateTime
    .filter((a) => a.overrides === null || !ids.has(a.overrides))
    .map((root) => {
      const chain = [root];
      const seen = new Set([root.assessmentId]);
      for (let next = overriddenBy.get(root.assessmentId); next && !seen.has(next.assessmentId); next = overriddenBy.get(next.assessmentId)) {
        chain.push(next);
        seen.add(next.assessmentId);
      }
      return chain;
    });
}

export function assessmentsSection(trace: Trace): SafeHtml {
  const chains = assessmentChains(trace.info.assessments ?? []);
  const spanNames = new Map(trace.data.spans.map((s) => [s.spanId, s.name]));
  return html`${chains.length === 0 ? html`<p class="muted">No assessments yet.</p>` : html`<div class="assessments">${chains.map((chain) => assessmentCard(trace, chain, spanNames))}</div>`}
${logFeedbackForm(trace)}`;
}

function valueView(a: AssessmentRecord): SafeHtml {
  if (a.error) return html`<span class="value error">error ${a.error.errorCode}${a.error.errorMessage ? `: ${a.error.errorMessage}` : ''}</span>`;
  return html`<span class="value">${feedbackText(a.value)}</span>`;
}

function sourceView(a: AssessmentRecord): SafeHtml {
  return html`<span class="source source-${a.source.sourceType.toLowerCase()}">${a.source.sourceType} · ${a.source.sourceId}</span> <time class="muted" datetime="${new Date(a.createTimeMs).toISOString()}">${formatTime(a.createTimeMs)}</time>`;
}

function assessmentCard(trace: Trace, chain: readonly AssessmentRecord[], spanNames: Map<string, string>): SafeHtml {
  const current = chain.at(-1) as AssessmentRecord;
  const earlier = chain.slice(0, -1).reverse();
  const span = current.spanId === null ? null : (spanNames.get(current.spanId) ?? current.spanId);
  return html`<article class="assessment" data-assessment-id="${current.assessmentId}" data-name="${current.name}">
<header><strong>${current.name}</strong> <span class="kind">${current.kind}</span>${span === null ? '' : html` <span class="muted">on span ${span}</span>`}${
    earlier.length > 0 ? html` <span class="badge badge-neutral">overridden</span>` : ''
  }</header>
<div class="current">${valueView(current)} ${sourceView(current)}${current.rationale ? html`<p class="rationale">${current.rationale}</p>` : ''}</div>
${earlier.map(
  (a) => html`<div class="previous" data-assessment-id="${a.assessmentId}"><del>${valueView(a)}</del> ${sourceView(a)}${a.rationale ? html`<p class="rationale"><del>${a.rationale}</del></p>` : ''}</div>`,
)}
${current.kind === 'feedback' ? overrideForm(trace, current) : ''}
</article>`;
}

function overrideForm(trace: Trace, current: AssessmentRecord): SafeHtml {
  const action = `${pathOf('api', 'traces', trace.info.traceId, 'assessments', current.assessmentId)}/override`;
  return html`<details class="override"><summary>Override</summary>
<form class="api-form" data-api="${action}" data-kind="override">
<label>New value <input name="value" required autocomplete="off" placeholder="yes, no, true, 0.8 or text"></label>
<label>Rationale <textarea name="rationale" rows="2"></textarea></label>
<label>Your name <input name="sourceId" required data-remember="sourceId" autocomplete="off"></label>
<button type="submit">Save override</button>
<p class="form-error" role="alert" hidden></p>
</form></details>`;
}

function logFeedbackForm(trace: Trace): SafeHtml {
  return html`<details class="log-feedback"><summary>Log feedback</summary>
<form class="api-form" id="log-feedback" data-api="${`${pathOf('api', 'traces', trace.info.traceId)}/feedback`}" data-kind="feedback">
<label>Name <input name="name" required autocomplete="off" placeholder="correctness"></label>
<label>Value <input name="value" required autocomplete="off" placeholder="yes, no, true, 0.8 or text"></label>
<label>Rationale <textarea name="rationale" rows="2"></textarea></label>
<label>On <select name="spanId"><option value="">the whole trace</option>${trace.data.spans.map(
    (s) => html`<option value="${s.spanId}">span ${s.name}</option>`,
  )}</select></label>
<label>Your name <input name="sourceId" required data-remember="sourceId" autocomplete="off"></label>
<button type="submit">Log feedback</button>
<p class="form-error" role="alert" hidden></p>
</form></details>`;
}
