import { html } from '../html.js';
import { describeFailure, htmlResponse, type UiResponse } from '../http.js';
import { layout } from './layout.js';

export function errorPage(error: unknown): UiResponse {
  const { status, code, message } = describeFailure(error);
  const body = html`<h1>${status === 404 ? 'Not found' : 'Something went wrong'}</h1>
<div class="error-banner" role="alert"><strong>${code}</strong> ${message}</div>
<p><a href="/">Back to the runs</a></p>`;
  return htmlResponse(layout({ title: `${status} ${code}`, section: 'runs', body }), status);
}
