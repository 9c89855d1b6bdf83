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

/** Keeps a streamed call's span open while the stream is read and ends it with what was assembled. */
class StreamSpan {
  private signal: AbortSignal | undefined;
  /**
   * The abort listener (this object is registered as one). The SDK also aborts the controller itself when its stream
   * fails or the reader breaks off, before the error or the return reaches the iterator here: wait a turn, so that
   * those are recorded as what they are.
   */
  handleEvent(): void {
    setImmediate(() => this.finish('abort'));
  }

  constructor(
    private readonly call: OpenAICall,
    private readonly accumulator: StreamAccumulator,
  ) {}

  watch(signal: AbortSignal | undefined): void {
    if (!signal) return;
    if (signal.aborted) {
      this.finish('abort');
      return;
    }
    this.signal = signal;
    // Removed in finish(), which the listener itself leads to: no `once` option to parse.
    signal.addEventListener('abort', this);
  }

  add(item: unknown): void {
    if (this.call.isDone) return;
    try {
      this.accumulator.add(item);
    } catch (error) {
      pipeline.warnOnce('openai:chunk', 'Tracing failed to read a streamed OpenAI chunk', error);
    }
  }

  finish(reason: StopReason, error?: unknown): void {
    if (this.call.isDone) return;
    // Removed, not left as a no-op: a long-lived signal of the caller's would keep the span's record alive.
    this.signal?.removeEventListener('abort', this);
    dropped.unregister(this);
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
    this.call.end({ outputs, usage, error, errorMessage, ...(interrupted && { event: { name: 'interrupted', attributes: { reason } } }) });
  }

  /** The iterator the user reads: items pass through unchanged while the span collects them. */
  wrap(inner: AsyncIterator<unknown>): AsyncIterator<unknown> & AsyncIterable<unknown> {
    const state = this;
    // Made once per stream, not once per chunk. They watch the SDK's own promise, registered before the reader
    // awaits it, so each item is recorded before the reader sees it; the reader gets that promise itself (one
    // promise a chunk fewer than a derived one). Neither throws: a rejection of theirs would be unhandled.
    const onStep = (step: IteratorResult<unknown>): void => {
      try {
        if (step.done) state.finish(state.signal?.aborted ? 'abort' : 'completed');
        else state.add(step.value);
      } catch (error) {
        pipeline.warnOnce('openai:chunk', 'Tracing failed to read a streamed OpenAI chunk', error);
      }
    };
    const onError = (error: unknown): void => {
      try {
        state.finish('completed', error);
      } catch (failure) {
        pipeline.warnOnce('openai:chunk', 'Tracing failed to record a failed OpenAI stream', failure);
      }
    };
    const iterator: AsyncIterator<unknown> & AsyncIterable<unknown> = {
      next(value?: unknown) {
        // An async generator (the SDK's) treats next() and next(undefined) alike.
        const step = inner.next(value);
        step.then(onStep, onError);
        return step;
      },
      return(value?: unknown) {
        state.finish('break');
        return inner.return ? inner.return(value) : Promise.resolve({ done: true as const, value });
      },
      throw(error?: unknown) {
        state.finish('completed', error);
        return inner.throw ? inner.throw(error) : Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    // Once reading starts the stream object itself may go (tee() keeps only the iterator): watch the iterator.
    dropped.unregister(this);
    if (!this.call.isDone) dropped.register(iterator, this, this);
    return iterator;
  }
}

/**
 * Instruments an SDK `Stream` in place and returns it: the user gets the same object (`for await`, `tee()`,
 * `toReadableStream()` all read through its `iterator`), and the call's span ends when the stream is read to its
 * end, broken off, fails, is aborted (its controller's signal, which the SDK links to the request's `signal`), when
 * the enclosing trace ends, or when the unread stream is garbage-collected. False when the value is not a stream.
 */
export function instrumentStream(stream: object, call: OpenAICall, accumulator: StreamAccumulator): boolean {
  const state = new StreamSpan(call, accumulator);
  const target = stream as { iterator?: unknown; controller?: { signal?: AbortSignal }; [Symbol.asyncIterator]?: unknown };
  if (typeof target.iterator === 'function' && Object.hasOwn(target, 'iterator')) {
    // openai's Stream: [Symbol.asyncIterator], tee() and toReadableStream() all call this.iterator().
    const open = target.iterator as (this: unknown) => AsyncIterator<unknown>;
    target.iterator = function (this: unknown) {
      return state.wrap(open.call(this));
    };
  } else if (typeof target[Symbol.asyncIterator] === 'function') {
    const open = target[Symbol.asyncIterator] as (this: unknown) => AsyncIterator<unknown>;
    Object.defineProperty(stream, Symbol.asyncIterator, {
      value: function (this: unknown) {
        return state.wrap(open.call(this));
      },
      configurable: true,
      writable: true,
    });
  } else {
    return false;
  }
  call.span.closeWithTrace = () => state.finish('trace_ended');
  dropped.register(stream, state, state);
  state.watch(target.controller?.signal);
  return true;
}
