/** How the UI writes numbers, times and values as text. */

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 1e-4 && abs < 1e9 ? Number(value.toPrecision(4)).toString() : value.toExponential(3);
}

export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1) return `${Number(ms.toPrecision(2))} ms`;
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Cuts text to a width with an ellipsis, on one line. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
}

/** The most characters of one value (a span's inputs, outputs, an attribute) a page shows. */
export const MAX_SHOWN_CHARS = 20_000;

/** The start of a long text, at most `max` characters (never half of a surrogate pair), and whether it was cut. */
export function clip(text: string, max = MAX_SHOWN_CHARS): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return { text: text.slice(0, end), truncated: true };
}

/** Any value as text: strings as they are, everything else as indented JSON. */
export function valueText(value: unknown, indent = 2): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A feedback value on one line: `true`, `0.8`, `"yes"` as yes. */
export function feedbackText(value: unknown): string {
  return typeof value === 'string' ? value : valueText(value, 0);
}

/** The total of a token-usage record (`{ total_tokens }` or input + output), or null. */
export function totalTokens(usage: unknown): number | null {
  let parsed = usage;
  if (typeof usage === 'string') {
    try {
      parsed = JSON.parse(usage) as unknown;
    } catch {
      return null;
    }
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  const record = parsed as { total_tokens?: unknown; input_tokens?: unknown; output_tokens?: unknown };
  if (typeof record.total_tokens === 'number') return record.total_tokens;
  if (typeof record.input_tokens === 'number' && typeof record.output_tokens === 'number') return record.input_tokens + record.output_tokens;
  return null;
}
