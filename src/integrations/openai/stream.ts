import { nowNanos } from '../../tracing/live-span.js';
import { pipeline } from '../../tracing/pipeline.js';
import type { OpenAICall } from './call.js';
import type { TokenUsage } from './usage.js';

/** Builds the outputs of a streamed call from its items (chunks or events). */
export interface StreamAccumulator {
  add(item: unknown): void;
  outputs(): unknown;
  usage(): TokenUsage | undefined;
  /** An error the stream reported as an item rather than by throwing. */
  error?(): string | undefined;
}

type StopReason = 'completed' | 'break' | 'abort' | 'trace_ended' | 'garbage_collected';

// The last resort for a stream dropped without being read to its end: its span ends when the stream (or the
// iterator being read) is garbage-collected, so no span is left open forever.
const dropped = new FinalizationRegistry<StreamSpan>((state) => state.finish('garbage_collected'));

/**
 * Keeps a streamed call's span open while the stream is read and ends it with what was assembled.
 *
 * While someone reads the stream, its iterator reports every way reading can stop: the end, an error, a `return()`
 * (break), and an abort (the SDK ends its iteration then; `signal.aborted` tells it from the end). A stream nobody
 * reads has no such reports, so from the turn after it is handed over until reading starts, its abort signal and its
 * garbage collection are watched instead. Most streams are read at once and never need that (an abort listener and
 * a finalizer are a good part of what tracing a stream costs).
 */
class StreamSpan {
  private readonly signal: AbortSignal | undefined;
  private reading = false;
  private listening = false;
  /** Registered with `dropped` (the stream, or the iterator being read). */
  private collectable = false;
  /** Read to its end: how, and when; the span is ended from this on the next turn (see finishSoon). */
  private ended: { reason: StopReason; endTimeNs: bigint } | undefined;

  constructor(
    private readonly call: OpenAICall,
    private readonly accumulator: StreamAccumulator,
    signal: AbortSignal | undefined,
  ) {
    this.signal = signal;
  }

  /**
   * The abort listener (this object is registered as one). The SDK also aborts the controller itself when its stream
   * fails or the reader breaks off, before the error or the return reaches the iterator here: wait a turn, so that
   * those are recorded as what they are.
   */
  handleEvent(): void {
    setImmediate(() => this.finish('abort'));
  }

  /** A turn after the stream was handed over: when nobody has started reading it, watch its signal and its collection. */
  watchIfUnread(stream: object): void {
    if (this.reading || this.call.isDone) return;
    const signal = this.signal;
    if (signal?.aborted) {
      this.finish('abort');
      return;
    }
    dropped.register(stream, this, this);
    this.collectable = true;
    if (signal) {
      // Removed in finish(), which the listener itself leads to: no `once` option to parse.
      signal.addEventListener('abort', this);
      this.listening = true;
    }
  }

  add(item: unknown): void {
    if (this.call.isDone) return;
    try {
      this.accumulator.add(item);
    } catch (error) {
      pipeline.warnOnce('openai:chunk', 'Tracing failed to read a streamed OpenAI chunk', error);
    }
  }

  /**
   * The stream was read to its end: the reader leaves its loop now, and the span is ended on the next turn (its
   * outputs assembled and written as JSON), as it was at this moment. Anything that ends it sooner (its trace
   * ending, flushTraces) ends it the same way.
   */
  finishSoon(reason: StopReason): void {
    if (this.call.isDone || this.ended !== undefined) return;
    this.ended = { reason, endTimeNs: nowNanos() };
    pipeline.defer(this);
  }

  runDeferred(): void {
    if (this.ended !== undefined) this.finish(this.ended.reason);
  }

  finish(stopReason: StopReason, error?: unknown): void {
    if (this.call.isDone) return;
    const reason = this.ended?.reason ?? stopReason;
    if (this.listening) {
      // Removed, not left as a no-op: a long-lived signal of the caller's would keep the span's record alive.
      this.signal?.removeEventListener('abort', this);
      this.listening = false;
    }
    if (this.collectable) {
      dropped.unregister(this);
      this.collectable = false;
    }
    let outputs: unknown;
    let usage: TokenUsage | undefined;
    let errorMessage: string | undefined;
    try {
      outputs = this.accumulator.outputs();
      usage = this.accumulator.usage();
      errorMessage = this.accumulator.error?.();
    } catch (failure) {
      pipeline.warnOnce('openai:assemble', 'Tracing failed to assemble a streamed OpenAI response', failure);
    }
    const interrupted = reason !== 'completed' && error === undefined;
    this.call.end({
      outputs,
      usage,
      error,
      errorMessage,
      endTimeNs: this.ended?.endTimeNs,
      ...(interrupted && { event: { name: 'interrupted', attributes: { reason } } }),
    });
  }

  /**
   * What watches each step the reader takes: the SDK's own promise, watched before the reader awaits it (so each item
   * is recorded before the reader sees it) rather than chained (one promise a chunk fewer). Bound once per stream.
   * Neither throws: a rejection of theirs would be unhandled.
   */
  readonly onStep = this.stepped.bind(this);
  readonly onError = this.failed.bind(this);

  private stepped(step: IteratorResult<unknown>): void {
    try {
      if (step.done) this.finishSoon(this.signal?.aborted ? 'abort' : 'completed');
      else this.add(step.value);
    } catch (error) {
      pipeline.warnOnce('openai:chunk', 'Tracing failed to read a streamed OpenAI chunk', error);
    }
  }

  private failed(error: unknown): void {
    try {
      this.finish('completed', error);
    } catch (failure) {
      pipeline.warnOnce('openai:chunk', 'Tracing failed to record a failed OpenAI stream', failure);
    }
  }

  /** The iterator the user reads: items pass through unchanged while the span collects them. */
  wrap(inner: AsyncIterator<unknown>): TracedIterator {
    const iterator = new TracedIterator(inner, this);
    // A reader may drop the iterator without finishing or breaking off: watch its collection (not the stream's, which
    // may go first: tee() keeps only the iterator).
    if (this.collectable) dropped.unregister(this);
    if (this.listening) {
      // The reader's steps report an abort from now on, after the chunks that had arrived, as for a stream read at once.
      this.signal?.removeEventListener('abort', this);
      this.listening = false;
    }
    this.reading = true;
    this.collectable = !this.call.isDone;
    if (this.collectable) dropped.register(iterator, this, this);
    return iterator;
  }
}

/** Passes the items of the SDK's iterator through unchanged and shows each step to the stream's span. */
class TracedIterator implements AsyncIterator<unknown>, AsyncIterable<unknown> {
  constructor(
    private readonly inner: AsyncIterator<unknown>,
    private readonly state: StreamSpan,
  ) {}

  next(value?: unknown): Promise<IteratorResult<unknown>> {
    // An async generator (the SDK's) treats next() and next(undefined) alike.
    const step = this.inner.next(value);
    step.then(this.state.onStep, this.state.onError);
    return step;
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    this.state.finish('break');
    return this.inner.return ? this.inner.return(value) : Promise.resolve({ done: true as const, value });
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    this.state.finish('completed', error);
    return this.inner.throw ? this.inner.throw(error) : Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

function watchIfUnread(state: StreamSpan, stream: object): void {
  state.watchIfUnread(stream);
}

/** The stream's iterator method, instrumented: `open` is the original, called on the stream as before. */
function openTraced(state: StreamSpan, open: (this: unknown) => AsyncIterator<unknown>, stream: object): TracedIterator {
  return state.wrap(open.call(stream));
}

/**
 * Instruments an SDK `Stream` in place and returns it: the user gets the same object (`for await`, `tee()`,
 * `toReadableStream()` all read through its `iterator`), and the call's span ends when the stream is read to its
 * end, broken off, fails, is aborted (its controller's signal, which the SDK links to the request's `signal`), when
 * the enclosing trace ends, or when the unread stream is garbage-collected. False when the value is not a stream.
 */
export function instrumentStream(stream: object, call: OpenAICall, accumulator: StreamAccumulator): boolean {
  const target = stream as { iterator?: unknown; controller?: { signal?: AbortSignal }; [Symbol.asyncIterator]?: unknown };
  const state = new StreamSpan(call, accumulator, target.controller?.signal);
  if (typeof target.iterator === 'function' && Object.hasOwn(target, 'iterator')) {
    // openai's Stream: [Symbol.asyncIterator], tee() and toReadableStream() all call this.iterator().
    // Bound rather than a closure: made for every stream. The SDK calls it on this stream (tee() too).
    target.iterator = openTraced.bind(undefined, state, target.iterator as (this: unknown) => AsyncIterator<unknown>, stream);
  } else if (typeof target[Symbol.asyncIterator] === 'function') {
    Object.defineProperty(stream, Symbol.asyncIterator, {
      value: openTraced.bind(undefined, state, target[Symbol.asyncIterator] as (this: unknown) => AsyncIterator<unknown>, stream),
      configurable: true,
      writable: true,
    });
  } else {
    return false;
  }
  call.span.closeWithTrace = state.finish.bind(state, 'trace_ended');
  setImmediate(watchIfUnread, state, stream);
  return true;
}
