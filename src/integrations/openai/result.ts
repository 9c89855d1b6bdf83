import { pipeline } from '../../tracing/pipeline.js';

/** What to do with the outcome of a call; none of these throws. */
export interface ResultHandlers {
  /** The parsed response (or stream). Returns the value the user gets: the same object. */
  onValue(value: unknown): unknown;
  onError(error: unknown): void;
  /** The user asked for the raw `Response` (`asResponse()`): its body is theirs to read. */
  onRawResponse(): void;
}

/** The SDK's `APIPromise`, as far as it is used here. */
interface APIPromiseLike extends PromiseLike<unknown> {
  _thenUnwrap(transform: (data: unknown) => unknown): APIPromiseLike;
  asResponse(): Promise<unknown>;
  withResponse(): Promise<unknown>;
  /** The step that turns the response into the value (JSON, a Stream); run once, for the first to await. */
  parseResponse?: unknown;
}

type ParseResponse = (this: unknown, client: unknown, props: unknown) => unknown;

function isAPIPromise(value: unknown): value is APIPromiseLike {
  const v = value as Partial<APIPromiseLike> | null;
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof v.then === 'function' &&
    typeof v._thenUnwrap === 'function' &&
    typeof v.asResponse === 'function' &&
    typeof v.withResponse === 'function'
  );
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Watches what a client method returned and gives the user an equivalent: for the SDK's `APIPromise`, the same or
 * another `APIPromise` over the same request (so `.withResponse()` and `.asResponse()` keep working), for any other
 * promise a promise of the same value, otherwise the value itself. `transformsValue` says that `onValue` must see the
 * value before the user does (a stream to instrument before anyone reads it).
 */
export function observeResult(result: unknown, handlers: ResultHandlers, transformsValue: boolean): unknown {
  if (isAPIPromise(result)) {
    if (!transformsValue) return observeInPlace(result, handlers);
    return typeof result.parseResponse === 'function' && Object.hasOwn(result, 'parseResponse')
      ? observeParsed(result, result.parseResponse as ParseResponse, handlers)
      : observeTransformed(result, handlers);
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (value) => handlers.onValue(value),
      (error: unknown) => {
        handlers.onError(error);
        throw error;
      },
    );
  }
  return handlers.onValue(result);
}

/**
 * Tells apart a user who wants the raw `Response` (`asResponse()`: its body is theirs to read, the span must not
 * parse it) from one who awaits the result or calls `withResponse()` (which also calls `asResponse()`, for the
 * headers).
 */
function watchRawRequests(promise: APIPromiseLike): () => boolean {
  let wantsRawResponse = false;
  let insideWithResponse = false;
  const asResponse = promise.asResponse;
  const withResponse = promise.withResponse;
  try {
    // Own properties on this one promise; the SDK's class is not touched.
    promise.asResponse = function (this: APIPromiseLike) {
      if (!insideWithResponse) wantsRawResponse = true;
      return asResponse.call(this);
    };
    promise.withResponse = function (this: APIPromiseLike) {
      insideWithResponse = true;
      try {
        return withResponse.call(this);
      } finally {
        insideWithResponse = false;
      }
    };
  } catch (error) {
    pipeline.warnOnce('openai:promise', 'Tracing could not watch asResponse() on an OpenAI call', error);
  }
  return () => wantsRawResponse;
}

/**
 * The SDK reads and parses the body only when someone awaits the promise; the parse is then cached on the promise.
 * When the response arrives the span awaits it too (unless the user asked for the raw `Response`): the user's await,
 * before or after, shares that one parse. So a call nobody awaits still ends its span.
 */
function observeInPlace(promise: APIPromiseLike, handlers: ResultHandlers): APIPromiseLike {
  const arrival = promise.asResponse();
  const wantsRawResponse = watchRawRequests(promise);
  arrival.then(
    () => {
      if (wantsRawResponse()) handlers.onRawResponse();
      else promise.then((value) => handlers.onValue(value), (error: unknown) => handlers.onError(error));
    },
    (error: unknown) => handlers.onError(error),
  );
  return promise;
}

/**
 * As `observeInPlace`, but `onValue` sees the value before anyone else and the user gets what it returns: the
 * promise's own parse step is wrapped, so the user keeps the very promise the SDK made (and, for a stream, the stream
 * exactly as the SDK made it), with no second `APIPromise` over the request.
 */
function observeParsed(promise: APIPromiseLike, parse: ParseResponse, handlers: ResultHandlers): APIPromiseLike {
  promise.parseResponse = function (this: unknown, client: unknown, props: unknown): unknown {
    return Promise.resolve(parse.call(this, client, props)).then((value) => handlers.onValue(value));
  };
  const arrival = promise.asResponse();
  const wantsRawResponse = watchRawRequests(promise);
  arrival.then(
    () => {
      // Parsing (once, shared with the user's await) is what calls onValue; only a failure is left to watch here.
      if (wantsRawResponse()) handlers.onRawResponse();
      else promise.then(undefined, (error: unknown) => handlers.onError(error));
    },
    (error: unknown) => handlers.onError(error),
  );
  return promise;
}

/**
 * As `observeParsed`, through another `APIPromise` over the same request (`_thenUnwrap`), for a client whose promises
 * do not keep their parse step where `observeParsed` looks for it.
 */
function observeTransformed(original: APIPromiseLike, handlers: ResultHandlers): APIPromiseLike {
  const observed = original._thenUnwrap((data) => handlers.onValue(data));
  const wantsRawResponse = watchRawRequests(observed);
  original.asResponse().then(
    () => {
      if (wantsRawResponse()) handlers.onRawResponse();
      else observed.then(undefined, (error: unknown) => handlers.onError(error));
    },
    (error: unknown) => handlers.onError(error),
  );
  return observed;
}
