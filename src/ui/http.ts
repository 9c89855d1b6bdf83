/** What a route returns, the security headers every response carries, and errors as HTTP statuses. */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { ErrorCode, EvalflowError, isEvalflowError } from '../core/errors.js';
import type { SafeHtml } from './html.js';

export interface UiResponse {
  status: number;
  contentType: string;
  body: string | Buffer;
  /** A body streamed instead of `body` (artifact files): `size` bytes, sent as Content-Length. */
  stream?: { readable: Readable; size: number };
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
    /** Headers the error response carries, e.g. `Connection: close`. */
    readonly headers: Record<string, string> = {},
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
  const response = jsonResponse({ error_code: code, message }, status);
  if (error instanceof HttpError) response.headers = { ...response.headers, ...error.headers };
  return response;
}

export const MAX_BODY_BYTES = 64 * 1024;
/** How much more of a body that is too large is read (and dropped) before answering, so the client gets the 413. */
const MAX_DISCARDED_BYTES = 1024 * 1024;
const DISCARD_TIMEOUT_MS = 2000;

/**
 * The request's JSON body: application/json only (a cross-site form cannot send it), at most 64 KiB.
 *
 * A larger body is answered 413 with `Connection: close`, after reading and dropping the rest of it (up to 1 MiB,
 * for at most 2 s): the client's next request on that connection would otherwise be read from the middle of the
 * body, or the connection reset while the client is still sending and the 413 lost.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    // Nothing of the body is read here; node drops it after the response, keeping the connection usable.
    throw new HttpError(415, ErrorCode.BAD_REQUEST, 'Send the request body as JSON with Content-Type: application/json.');
  }
  const tooLarge = (): HttpError =>
    new HttpError(413, ErrorCode.BAD_REQUEST, `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { Connection: 'close' });
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    if (declared <= MAX_DISCARDED_BYTES) await discardRest(req, MAX_DISCARDED_BYTES);
    throw tooLarge();
  }
  const body = await new Promise<Buffer | null>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        cleanup();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
  if (body === null) {
    await discardRest(req, MAX_DISCARDED_BYTES);
    throw tooLarge();
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
  }
}

/** Reads and drops what is left of a request body: until its end, `limit` bytes, or a timeout, whichever is first. */
function discardRest(req: IncomingMessage, limit: number): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let size = 0;
    const done = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', done);
      req.off('error', done);
      req.off('close', done);
      req.pause();
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) done();
    };
    const timer = setTimeout(done, DISCARD_TIMEOUT_MS);
    req.on('data', onData);
    req.on('end', done);
    req.on('error', done);
    req.on('close', done);
    req.resume();
  });
}

/** Turns a failed zod parse into INVALID_PARAMETER_VALUE naming the field. */
export function invalidInput(where: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): EvalflowError {
  const issue = issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return EvalflowError.invalid(`${where}${path ? `: ${path}` : ''}: ${issue?.message ?? 'invalid value'}.`, { field: path });
}
