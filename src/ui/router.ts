/** A small method + path router: `/runs/:runId` patterns, one segment per parameter. */
import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '../core/errors.js';
import type { TrackingStore } from '../store/tracking-store.js';
import { HttpError, type UiResponse } from './http.js';

export interface RequestContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The store this server shows (its own, whatever the process's tracking URI is). */
  store: TrackingStore;
}

export type Handler = (context: RequestContext) => Promise<UiResponse> | UiResponse;

interface Route {
  method: 'GET' | 'POST';
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  get(pattern: string, handler: Handler): this {
    return this.add('GET', pattern, handler);
  }

  post(pattern: string, handler: Handler): this {
    return this.add('POST', pattern, handler);
  }

  private add(method: Route['method'], pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: splitPath(pattern), handler });
    return this;
  }

  /** The handler for a request and its path parameters; 404 for an unknown path, 405 for a known one with another method. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } {
    const segments = splitPath(pathname);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { handler: route.handler, params };
    }
    if (pathMatched) throw new HttpError(405, ErrorCode.BAD_REQUEST, `Method ${method} is not allowed on ${pathname}.`);
    throw new HttpError(404, ErrorCode.RESOURCE_DOES_NOT_EXIST, `No page or API route at ${pathname}.`);
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] as string;
    const actual = segments[i] as string;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        throw new HttpError(400, ErrorCode.BAD_REQUEST, `The path segment ${JSON.stringify(actual)} is not valid percent-encoding.`);
      }
    } else if (expected !== actual) {
      return null;
    }
  }
  return params;
}
