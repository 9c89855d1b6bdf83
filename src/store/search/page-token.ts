import { EvalflowError } from '../../core/errors.js';

/**
 * MLflow's page token: base64 of the JSON `{"offset": n}`. Opaque to callers; the format is kept so tokens look
 * like the ones MLflow's stores hand out.
 */
export function encodePageToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw EvalflowError.invalid(`Invalid page offset ${offset}: expected a non-negative integer.`, { offset });
  }
  // Spaced as Python's json.dumps writes it, so the token is byte-for-byte MLflow's.
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

/** The offset in a page token; an empty or missing token means 0. */
export function decodePageToken(token: string | undefined | null): number {
  if (token === undefined || token === null || token === '') return 0;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token) || token.length % 4 !== 0) {
    throw invalid(token, 'it is not base64');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid(token, 'it does not decode to JSON');
  }
  const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  // MLflow writes the offset as a number; accept a numeric string as its parser does.
  const value = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(token, 'it holds no non-negative integer offset');
  }
  return value;
}

function invalid(token: string, reason: string): EvalflowError {
  const shown = token.length > 64 ? `${token.slice(0, 64)}…` : token;
  return EvalflowError.invalid(`Invalid page token "${shown}": ${reason}. Pass back the nextPageToken of a previous search.`, {
    pageToken: token,
  });
}
