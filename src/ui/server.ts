/**
 * `startUi()`: the web UI on node:http. Pages are rendered on the server; the JSON API under /api serves them and
 * takes the only writes (feedback, overrides). The server binds to loopback unless told otherwise and then only
 * answers requests addressed to a loopback name (no DNS rebinding); writes must be same-origin JSON.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { getTrackingUri, normalizeTrackingUri } from '../core/config.js';
import { ErrorCode, EvalflowError, isEvalflowError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { TrackingStore } from '../store/tracking-store.js';
import { getStoreFor } from '../tracking/client.js';
import { registerRunApi } from './api/runs.js';
import { registerTraceApi } from './api/traces.js';
import { assetResponse } from './assets/index.js';
import { BASE_HEADERS, errorJson, HttpError, type UiResponse } from './http.js';
import { comparePage } from './pages/compare.js';
import { errorPage } from './pages/error.js';
import { runPage } from './pages/run.js';
import { runsPage } from './pages/runs.js';
import { tracePage } from './pages/trace.js';
import { tracesPage } from './pages/traces.js';
import { Router } from './router.js';

export interface UiOptions {
  /** Default 5000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /**
   * The store to show; by default the tracking URI in effect when the UI starts (`setTrackingUri`,
   * EVALFLOW_TRACKING_URI, ./evalflow). The server reads this store only: the process's tracking URI is left as it is.
   */
  trackingUri?: string;
}

export interface UiServer {
  /** The address to open, e.g. `http://127.0.0.1:5000/`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The store it shows. */
  readonly trackingUri: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function buildRouter(): Router {
  const router = new Router()
    .get('/', runsPage)
    .get('/compare', comparePage)
    .get('/runs/:runId', runPage)
    .get('/traces', tracesPage)
    .get('/traces/:traceId', tracePage)
    .get('/assets/:name', ({ params }) => {
      const asset = assetResponse(params.name ?? '');
      if (!asset) throw new HttpError(404, ErrorCode.RESOURCE_DOES_NOT_EXIST, `No asset ${JSON.stringify(params.name)}.`);
      return asset;
    });
  registerRunApi(router);
  registerTraceApi(router);
  return router;
}

/** Starts the UI and resolves once it listens. */
export async function startUi(options: UiOptions = {}): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5000;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw EvalflowError.invalid(`Invalid port ${String(port)}: expected a whole number from 0 to 65535.`);
  }
  if (typeof host !== 'string' || host.trim() === '') throw EvalflowError.invalid('The host to bind to must be a non-empty string.');
  if (options.trackingUri !== undefined && (typeof options.trackingUri !== 'string' || options.trackingUri.trim() === '')) {
    throw EvalflowError.invalid('The tracking URI to show must be a non-empty string.');
  }
  const trackingUri = normalizeTrackingUri(options.trackingUri ?? getTrackingUri());
  // The server's own handle, looked up per request: shared with the rest of the process for the same URI, and opened
  // again should the host program close the stores (closeStores) while the UI runs.
  const store = (): TrackingStore => getStoreFor(trackingUri);

  const router = buildRouter();
  const loopbackOnly = isLoopback(host);
  const server = createServer((req, res) => {
    handle(router, req, res, { loopbackOnly, store }).catch((error: unknown) => {
      logger.error(`UI response to ${req.method} ${req.url} failed`, error);
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new EvalflowError(
          ErrorCode.INVALID_STATE,
          error.code === 'EADDRINUSE'
            ? `Cannot start the UI: ${host}:${port} is already in use. Choose another port with --port.`
            : `Cannot start the UI on ${host}:${port}: ${error.message}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}/`,
    host,
    port: boundPort,
    trackingUri,
    close: () => closeServer(server),
  };
}

function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

interface RequestState {
  loopbackOnly: boolean;
  store: () => TrackingStore;
}

async function handle(router: Router, req: IncomingMessage, res: ServerResponse, state: RequestState): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://ui.invalid');
  } catch {
    url = new URL('http://ui.invalid/');
  }
  const api = url.pathname.startsWith('/api/');
  let response: UiResponse;
  try {
    checkHost(req, state);
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') checkSameOrigin(req);
    const { handler, params } = router.match(method, url.pathname);
    // The store is opened on first use only (assets need none).
    response = await handler({
      req,
      url,
      params,
      query: url.searchParams,
      get store() {
        return state.store();
      },
    });
  } catch (error) {
    if (!(error instanceof HttpError) && !isEvalflowError(error)) logger.error(`UI request ${req.method} ${url.pathname} failed`, error);
    response = api ? errorJson(error) : errorPage(error);
  }
  send(req, res, response);
}

/** A page served to loopback only answers to loopback names, so a rebound DNS name cannot read it. */
function checkHost(req: IncomingMessage, state: RequestState): void {
  if (!state.loopbackOnly) return;
  const hostHeader = (req.headers.host ?? '').toLowerCase();
  const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : (hostHeader.split(':')[0] ?? '');
  if (!isLoopback(name)) {
    throw new HttpError(403, ErrorCode.BAD_REQUEST, `The UI answers requests to localhost only (got Host: ${hostHeader.slice(0, 100) || '(none)'}).`);
  }
}

/** Writes come from the UI's own pages (or from a client that sends no Origin, such as curl). */
function checkSameOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  const fetchSite = req.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new HttpError(403, ErrorCode.BAD_REQUEST, 'Cross-site requests cannot write to the UI.');
  }
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
    throw new HttpError(403, ErrorCode.BAD_REQUEST, `Requests from ${origin.slice(0, 100)} cannot write to the UI.`);
  }
}

function send(req: IncomingMessage, res: ServerResponse, response: UiResponse): void {
  const { stream } = response;
  const body = stream ? null : typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.writeHead(response.status, {
    ...BASE_HEADERS,
    'Content-Type': response.contentType,
    'Content-Length': String(stream ? stream.size : (body as Buffer).length),
    ...response.headers,
  });
  if (!stream) {
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (req.method === 'HEAD') {
    stream.readable.destroy();
    res.end();
    return;
  }
  // A file read in pieces: a large artifact is never held in memory. A read error (or the client going away)
  // ends both sides; the status line is already out, so the connection is dropped.
  pipeline(stream.readable, res, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      logger.error(`UI response to ${req.method} ${req.url} failed while sending a file`, error);
    }
  });
}
