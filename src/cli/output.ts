/** Printing for the CLI: plain text tables, colour only on a terminal, JSON when asked. */

const useColour = (): boolean => Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;

export const style = {
  bold: (text: string): string => (useColour() ? `\u001b[1m${text}\u001b[22m` : text),
  red: (text: string): string => (useColour() ? `\u001b[31m${text}\u001b[39m` : text),
  green: (text: string): string => (useColour() ? `\u001b[32m${text}\u001b[39m` : text),
  dim: (text: string): string => (useColour() ? `\u001b[2m${text}\u001b[22m` : text),
};

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);
}

/** A left-aligned text table; numbers are right-aligned. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((row) => row.map((cell) => formatCell(cell)));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => (row[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number' || row[i] === null || row[i] === undefined));
  const line = (values: string[]): string =>
    values.map((value, i) => (numeric[i] ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [style.bold(line(headers)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  return value;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 1e-4 && abs < 1e9 ? Number(value.toPrecision(6)).toString() : value.toExponential(4);
}

export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Cuts text to a width with an ellipsis, on one line. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
}
