/**
 * The one way the UI writes HTML: the `html` tagged template escapes every interpolated value, so text from a run,
 * a dataset or a trace always reaches the browser as text. Only `SafeHtml` (built by `html` itself) is kept as is.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  return escapeHtml(String(value));
}

/** `html\`<td>${text}</td>\``: escapes each value (nested `html` results and arrays of them are kept). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** A link to one of the UI's own routes, path segments and query values encoded. */
export function href(path: string, query: Record<string, string | number | readonly string[] | undefined | null> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** `/runs/${id}` with the id encoded as one path segment. */
export function pathOf(...segments: string[]): string {
  return `/${segments.map((segment, i) => (i === 0 ? segment : encodeURIComponent(segment))).join('/')}`;
}
