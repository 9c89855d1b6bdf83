/** What a route returns, the security headers every response carries, and errors as HTTP statuses. */
import type { IncomingMessage } from 'node:http';
import { ErrorCode, EvalflowError, isEvalflowError } from '../core/errors.js';
import type { SafeHtml } from './html.js';

export interface UiResponse {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * No inline script or style anywhere: the page's script and stylesheet are files served by the UI, plots are SVG
 * images from the UI's own routes, and nothing is loaded from another origin.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Files served as they are (artifacts, rendered SVG): a sandboxed document with no script, should one be opened
 * directly. SVG from vega styles through attributes, but user artifacts may use inline styles, which are harmless.
 */
export const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function htmlResponse(page: SafeHtml, status = 200): UiResponse {
  return { status, contentType: 'text/html; charset=utf-8', body: page.value, headers: { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' } };
}

export function jsonResponse(value: unknown, status = 200): UiResponse {
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
    headers: { 'Cache-Control': 'no-store', 'Content-Security-Policy': FILE_CSP },
  };
}

export function svgResponse(svg: string): UiResponse {
  return { status: 200, contentType: 'image/svg+xml; charset=utf-8', body: svg, headers: { 'Content-Security-Policy': FILE_CSP, 'Cache-Control': 'no-store' } };
}

/** A failure with its HTTP status; the body says `{ error_code, message }` as MLflow's REST API does. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_OF_CODE: Record<string, number> = {
  [ErrorCode.INVALID_PARAMETER_VALUE]: 400,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.RESOURCE_DOES_NOT_EXIST]: 404,
  [ErrorCode.RESOURCE_ALREADY_EXISTS]: 409,
  [ErrorCode.INVALID_STATE]: 409,
  [ErrorCode.INTERNAL_ERROR]: 500,
};

/** The status, code and message a client sees; unexpected errors say nothing of their inside. */
export function describeFailure(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message };
  if (isEvalflowError(error)) return { status: STATUS_OF_CODE[error.code] ?? 500, code: error.code, message: error.message };
  return { status: 500, code: ErrorCode.INTERNAL_ERROR, message: 'The UI failed to answer this request; see the server log.' };
}

export function errorJson(error: unknown): UiResponse {
  const { status, code, message } = describeFailure(error);
  return jsonResponse({ error_code: code, message }, status);
}

export const MAX_BODY_BYTES = 64 * 1024;

/** The request's JSON body: application/json only (a cross-site form cannot send it), at most 64 KiB. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, ErrorCode.BAD_REQUEST, 'Send the request body as JSON with Content-Type: application/json.');
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    throw new HttpError(413, ErrorCode.BAD_REQUEST, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, ErrorCode.BAD_REQUEST, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
  }
}

/** Turns a failed zod parse into INVALID_PARAMETER_VALUE naming the field. */
export function invalidInput(where: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): EvalflowError {
  const issue = issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return EvalflowError.invalid(`${where}${path ? `: ${path}` : ''}: ${issue?.message ?? 'invalid value'}.`, { field: path });
}
