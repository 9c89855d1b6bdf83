import { context } from '@opentelemetry/api';
import { failSpan, startRecordedSpan, succeedSpan, withSpan } from './span-api.js';
import type { SpanTypeName } from './span-type.js';

export interface TraceOptions {
  /** The span name; the function's name by default. */
  name?: string;
  spanType?: SpanTypeName;
  attributes?: Record<string, unknown>;
  /** Generators: turns the yielded items into the span's outputs (default: the list of items). */
  outputReducer?: (items: unknown[]) => unknown;
}

type AnyFunction = (this: unknown, ...args: never[]) => unknown;

/**
 * Wraps a function so that every call is a span: sync and async functions, generators and async generators (the
 * span covers the iteration). The wrapper has the same type. Also usable as a method decorator: `@trace()` or
 * `@trace({ name })`.
 */
export function trace<F extends AnyFunction>(fn: F, options?: TraceOptions): F;
export function trace(options?: TraceOptions): MethodDecorator & (<F extends AnyFunction>(value: F, context: ClassMethodDecoratorContext) => F);
export function trace(fnOrOptions?: AnyFunction | TraceOptions, maybeOptions: TraceOptions = {}): unknown {
  if (typeof fnOrOptions === 'function') return wrap(fnOrOptions, maybeOptions);
  const options = fnOrOptions ?? {};
  // Standard (TC39) decorators get (method, context); legacy ones (target, key, descriptor).
  return (target: unknown, contextOrKey: unknown, descriptor?: PropertyDescriptor): unknown => {
    if (descriptor && typeof descriptor.value === 'function') {
      descriptor.value = wrap(descriptor.value as AnyFunction, { name: String(contextOrKey), ...options });
      return descriptor;
    }
    const name = (contextOrKey as ClassMethodDecoratorContext | undefined)?.name;
    return wrap(target as AnyFunction, { ...(name !== undefined && { name: String(name) }), ...options });
  };
}

function wrap<F extends AnyFunction>(fn: F, options: TraceOptions): F {
  const name = options.name ?? (fn.name || 'span');
  const parameterNames = parseParameterNames(fn);
  const kind = fn.constructor?.name;
  const spanOptions = (args: unknown[]) => ({
    name,
    inputs: inputsOf(parameterNames, args),
    ...(options.spanType !== undefined && { spanType: options.spanType }),
    ...(options.attributes !== undefined && { attributes: options.attributes }),
  });

  if (kind === 'GeneratorFunction') {
    const traced = function* (this: unknown, ...args: unknown[]): Generator<unknown, unknown, unknown> {
      return yield* tracedGenerator(fn.apply(this, args as never[]) as Generator, spanOptions(args), options.outputReducer);
    };
    return rename(traced, fn) as unknown as F;
  }
  if (kind === 'AsyncGeneratorFunction') {
    const traced = async function* (this: unknown, ...args: unknown[]): AsyncGenerator<unknown, unknown, unknown> {
      return yield* tracedAsyncGenerator(fn.apply(this, args as never[]) as AsyncGenerator, spanOptions(args), options.outputReducer);
    };
    return rename(traced, fn) as unknown as F;
  }
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    return withSpan(() => fn.apply(this, args as never[]), spanOptions(args));
  };
  return rename(traced, fn) as unknown as F;
}

function* tracedGenerator(
  iterator: Generator,
  spanOptions: Parameters<typeof startRecordedSpan>[0],
  reducer: TraceOptions['outputReducer'],
): Generator<unknown, unknown, unknown> {
  const started = startRecordedSpan(spanOptions, context.active());
  if (!started) return yield* iterator;
  const items: unknown[] = [];
  let finished = false;
  try {
    let sent: unknown;
    for (;;) {
      const step = context.with(started.ctx, () => iterator.next(sent));
      if (step.done) {
        finished = true;
        succeedSpan(started.live, reduce(items, reducer));
        return step.value;
      }
      items.push(step.value);
      sent = yield step.value;
    }
  } catch (error) {
    finished = true;
    failSpan(started.live, error);
    throw error;
  } finally {
    // The consumer stopped early (break / return()): close the inner generator and the span.
    if (!finished) {
      context.with(started.ctx, () => iterator.return(undefined));
      succeedSpan(started.live, reduce(items, reducer));
    }
  }
}

async function* tracedAsyncGenerator(
  iterator: AsyncGenerator,
  spanOptions: Parameters<typeof startRecordedSpan>[0],
  reducer: TraceOptions['outputReducer'],
): AsyncGenerator<unknown, unknown, unknown> {
  const started = startRecordedSpan(spanOptions, context.active());
  if (!started) return yield* iterator;
  const items: unknown[] = [];
  let finished = false;
  try {
    let sent: unknown;
    for (;;) {
      const step = await context.with(started.ctx, () => iterator.next(sent));
      if (step.done) {
        finished = true;
        succeedSpan(started.live, reduce(items, reducer));
        return step.value;
      }
      items.push(step.value);
      sent = yield step.value;
    }
  } catch (error) {
    finished = true;
    failSpan(started.live, error);
    throw error;
  } finally {
    if (!finished) {
      await context.with(started.ctx, () => iterator.return(undefined));
      succeedSpan(started.live, reduce(items, reducer));
    }
  }
}

function reduce(items: unknown[], reducer: TraceOptions['outputReducer']): unknown {
  if (!reducer) return items;
  try {
    return reducer(items);
  } catch {
    return items;
  }
}

function rename<T extends object>(wrapper: T, original: AnyFunction): T {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  return wrapper;
}

/** `{ name: value }` for simple parameters; `{ args: [...] }` when a parameter is destructured or a rest parameter. */
function inputsOf(names: string[] | undefined, args: unknown[]): Record<string, unknown> {
  if (args.length === 0) return {};
  if (names === undefined || names.length < args.length) return { args };
  return Object.fromEntries(names.slice(0, args.length).map((name, i) => [name, args[i]]));
}

/** The parameter names in the function's source, or undefined when one is destructured or a rest parameter. */
export function parseParameterNames(fn: AnyFunction): string[] | undefined {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return undefined;
  }
  let list: string;
  const arrowSingle = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrowSingle?.[1]) list = arrowSingle[1];
  else {
    const open = source.indexOf('(');
    if (open < 0) return undefined;
    let depth = 0;
    let close = -1;
    for (let i = open; i < source.length; i += 1) {
      const c = source[i];
      if (c === '(' || c === '[' || c === '{') depth += 1;
      else if (c === ')' || c === ']' || c === '}') {
        depth -= 1;
        if (depth === 0) {
          close = i;
          break;
        }
      }
    }
    if (close < 0) return undefined;
    list = source.slice(open + 1, close);
  }
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of `${list},`) {
    if (c === '(' || c === '[' || c === '{') depth += 1;
    if (c === ')' || c === ']' || c === '}') depth -= 1;
    if (c === ',' && depth === 0) {
      const name = (current.split('=')[0] ?? '').replace(/\/\*.*?\*\//g, '').trim();
      current = '';
      if (name === '') continue;
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
      names.push(name);
      continue;
    }
    current += c;
  }
  return names;
}
