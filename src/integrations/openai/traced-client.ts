import { TRACED_METHODS } from './endpoints.js';
import { traceOpenAICall, type ClientMethod } from './trace-call.js';

/**
 * Returns a traced view of one OpenAI client: `chat.completions.create` / `parse`, `responses.create` / `parse` and
 * `embeddings.create` become spans; everything else behaves as on the client, which is not changed. Clients made with
 * `withOptions()` are traced too. With `autolog.openai()` also on, each call is still traced once.
 */
export function tracedOpenAI<T extends object>(client: T): T {
  return view(client, '', new WeakMap()) as T;
}

/** A resource of the SDK (chat, chat.completions, responses, …): it holds the client as `_client`. */
function isResource(value: unknown): value is object {
  return value !== null && typeof value === 'object' && '_client' in value;
}

function view(target: object, path: string, views: WeakMap<object, object>): object {
  const existing = views.get(target);
  if (existing) return existing;
  const methods = TRACED_METHODS[path];
  const functions = new Map<PropertyKey, { original: unknown; wrapped: unknown }>();
  const proxy = new Proxy(target, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value === 'function') {
        const cached = functions.get(prop);
        if (cached?.original === value) return cached.wrapped;
        const wrapped = wrapFunction(obj, path, prop, value as ClientMethod, methods, views);
        functions.set(prop, { original: value, wrapped });
        return wrapped;
      }
      if (typeof prop === 'string' && prop !== '_client' && isResource(value)) {
        return views.get(value) ?? view(value, path === '' ? prop : `${path}.${prop}`, views);
      }
      return value;
    },
  });
  views.set(target, proxy);
  return proxy;
}

function wrapFunction(
  obj: object,
  path: string,
  prop: PropertyKey,
  fn: ClientMethod,
  methods: (typeof TRACED_METHODS)[string] | undefined,
  views: WeakMap<object, object>,
): unknown {
  const endpoint = typeof prop === 'string' ? methods?.[prop] : undefined;
  if (endpoint) {
    return function (this: unknown, ...args: unknown[]) {
      return traceOpenAICall(endpoint, fn, obj, args);
    };
  }
  if (path === '' && prop === 'withOptions') {
    return function (this: unknown, ...args: unknown[]) {
      const client = fn.apply(obj, args);
      return client !== null && typeof client === 'object' ? view(client, '', views) : client;
    };
  }
  // Methods run on the real object: the SDK's classes keep private fields a proxy cannot reach.
  return fn.bind(obj);
}
