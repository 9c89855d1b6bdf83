/**
 * Where the OTLP trace exporter sends, read from options or from the standard OpenTelemetry variables:
 *
 * - endpoint: `options.endpoint`, else `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as it is), else
 *   `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`, else `http://localhost:4318/v1/traces`;
 * - headers: `OTEL_EXPORTER_OTLP_HEADERS`, then `OTEL_EXPORTER_OTLP_TRACES_HEADERS` over it, then `options.headers`
 *   over both (`k=v,k2=v2`, keys and values URL-decoded; names lower-cased);
 * - timeout: `options.timeoutMillis`, else `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` / `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10 s.
 */
import { EvalflowError } from '../../core/errors.js';

export const OTLP_TRACES_PATH = 'v1/traces';
export const DEFAULT_OTLP_TRACES_ENDPOINT = `http://localhost:4318/${OTLP_TRACES_PATH}`;
export const DEFAULT_OTLP_TIMEOUT_MILLIS = 10_000;

export interface OtlpEndpointConfig {
  /** The full URL the spans are POSTed to. */
  endpoint: string;
  headers: Record<string, string>;
  timeoutMillis: number;
}

export interface OtlpEndpointOptions {
  /** The full traces URL (`https://collector:4318/v1/traces`); the OTEL_EXPORTER_OTLP_* variables by default. */
  endpoint?: string;
  /** Extra request headers; they win over the OTEL_EXPORTER_OTLP_*_HEADERS variables. */
  headers?: Record<string, string>;
  /** How long one export request (with its retries) may take. */
  timeoutMillis?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The traces endpoint the OTEL_EXPORTER_OTLP_* variables name, or undefined when neither is set. */
export function otlpEndpointFromEnv(env: Env = process.env): string | undefined {
  const specific = envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (specific) return specific;
  const base = envValue(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base) return `${base.replace(/\/+$/, '')}/${OTLP_TRACES_PATH}`;
  return undefined;
}

/** Parses `k=v,k2=v2` (the OTEL_EXPORTER_OTLP_HEADERS form): split on the first `=`, trimmed, URL-decoded. */
export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!text) return headers;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = decode(part.slice(0, eq).trim());
    const value = decode(part.slice(eq + 1).trim());
    if (key) headers[key] = value;
  }
  return headers;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function timeoutFromEnv(env: Env): number | undefined {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const value = Number(envValue(env, name));
    if (Number.isFinite(value) && value > 0) return value;
  }
  return undefined;
}

/** Resolves endpoint, headers and timeout; throws an EvalflowError for an endpoint that is not an http(s) URL. */
export function resolveOtlpConfig(options: OtlpEndpointOptions = {}, env: Env = process.env): OtlpEndpointConfig {
  const endpoint = options.endpoint?.trim() || otlpEndpointFromEnv(env) || DEFAULT_OTLP_TRACES_ENDPOINT;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw EvalflowError.invalid(`OTLP trace exporter: the endpoint '${endpoint}' is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw EvalflowError.invalid(`OTLP trace exporter: the endpoint '${endpoint}' must be http:// or https:// (OTLP over HTTP).`);
  }
  const timeoutMillis = options.timeoutMillis ?? timeoutFromEnv(env) ?? DEFAULT_OTLP_TIMEOUT_MILLIS;
  if (!Number.isFinite(timeoutMillis) || timeoutMillis <= 0) {
    throw EvalflowError.invalid('OTLP trace exporter: timeoutMillis must be a positive number.');
  }
  return {
    endpoint,
    headers: lowerCaseKeys({
      ...lowerCaseKeys(parseOtlpHeaders(envValue(env, 'OTEL_EXPORTER_OTLP_HEADERS'))),
      ...lowerCaseKeys(parseOtlpHeaders(envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'))),
      ...lowerCaseKeys(options.headers ?? {}),
    }),
    timeoutMillis,
  };
}

/** Header names are case-insensitive: lower-cased, so `Authorization` given in code replaces `authorization` from the environment. */
function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) out[key.toLowerCase()] = String(value);
  }
  return out;
}

/**
 * The wire protocol the variables ask for (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`),
 * or undefined. evalflow's built-in transport sends `http/json`.
 */
export function otlpProtocolFromEnv(env: Env = process.env): string | undefined {
  return envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? envValue(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
}
