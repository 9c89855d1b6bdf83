import { AsyncLocalStorage } from 'node:async_hooks';
import { logger } from '../core/logger.js';
import { activeExperimentIdIfKnown } from '../tracking/experiments.js';
import type { TraceRecord } from '../store/trace-entities.js';
import { applySpanProcessors, finishTrace, type SpanProcessorFn } from './finish-trace.js';
import type { PendingTrace } from './trace-buffer.js';
import { TraceBuffer } from './trace-buffer.js';

/** Where finished traces go: the embedded store, an OTLP endpoint, or anything else with this shape. */
export interface TraceExporter {
  readonly name: string;
  export(trace: TraceRecord): Promise<void>;
  /**
   * Exports traces that finished together (within the pipeline's batching window) at once, for example in one
   * transaction or one request. Without it, `export` is called for each.
   */
  exportBatch?(traces: readonly TraceRecord[]): Promise<void>;
  /** Starts sending what the exporter itself holds back for batching now (flushTraces calls it). */
  flush?(): void;
  shutdown?(): Promise<void>;
}

/**
 * Traces that finish within this many ms of each other are assembled and exported together (a full batch at once,
 * on the next turn): a service handling one request at a time then pays for one store transaction per batch, not
 * per trace, and assembling them in one loop is cheaper than one at a time. `flushTraces()` cuts the window short.
 */
const BATCH_WINDOW_MS = 50;
const BATCH_SIZE = 512;

/** Span bookkeeping that need not delay the caller (see TracingPipeline.defer). */
export interface DeferredWork {
  runDeferred(): void;
}

/**
 * The state behind evalflow's tracing: the buffer of open traces, the user's span processors, the exporters, and
 * the exports still running. Nothing here throws into user code: failures are logged once per kind.
 */
class TracingPipeline {
  readonly buffer = new TraceBuffer();
  enabled = true;
  private globalProcessors: SpanProcessorFn[] = [];
  private readonly scopedProcessors = new AsyncLocalStorage<SpanProcessorFn[]>();
  private exporterFactory: () => TraceExporter[] = () => [];
  private exporters: TraceExporter[] | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private finished: PendingTrace[] = [];
  private readonly onProcessorError = (error: unknown): void =>
    this.warnOnce('processor', 'A span processor failed; the span is exported as it was', error);
  private timer: NodeJS.Timeout | undefined;
  private deferred: DeferredWork[] = [];
  /** The span processors in scope where each deferred piece of work was deferred (undefined: the global ones). */
  private deferredScopes: (SpanProcessorFn[] | undefined)[] = [];
  private deferredTurn: NodeJS.Immediate | undefined;
  private readonly warned = new Set<string>();
  lastTraceId: string | undefined;

  /**
   * Runs `work` on the next turn, once the caller's code has gone on: the end of a stream's span (its outputs
   * assembled and written as JSON) then does not delay the reader leaving its loop. Whatever reads the pipeline's
   * state first (flushTraces, getLastActiveTraceId, a change of exporters) runs what is still waiting.
   */
  defer(work: DeferredWork): void {
    this.deferred.push(work);
    this.deferredScopes.push(this.scopedProcessors.getStore());
    this.deferredTurn ??= setImmediate(() => this.runDeferred());
  }

  runDeferred(): void {
    if (this.deferredTurn !== undefined) {
      clearImmediate(this.deferredTurn);
      this.deferredTurn = undefined;
    }
    while (this.deferred.length > 0) {
      const waiting = this.deferred;
      const scopes = this.deferredScopes;
      this.deferred = [];
      this.deferredScopes = [];
      for (let i = 0; i < waiting.length; i += 1) {
        const work = waiting[i] as DeferredWork;
        const scope = scopes[i];
        try {
          // In the span processors' scope of the code that deferred it (tracing.configure(opts, fn)), not of whoever
          // runs it (flushTraces called outside that scope, the next turn).
          if (this.scopedProcessors.getStore() === scope) work.runDeferred();
          else if (scope === undefined) this.scopedProcessors.exit(() => work.runDeferred());
          else this.scopedProcessors.run(scope, () => work.runDeferred());
        } catch (error) {
          this.warnOnce('deferred', 'Tracing failed to end a span', error);
        }
      }
    }
  }

  setExporterFactory(factory: () => TraceExporter[]): void {
    this.runDeferred();
    this.exportFinished();
    this.exporterFactory = factory;
    this.exporters = undefined;
  }

  /**
   * Replaces the exporters (tracing.setDestination): traces finished until now still go to the exporters of the
   * time they finished, the next ones to the new exporters.
   */
  resetExporters(): void {
    this.runDeferred();
    this.exportFinished();
    this.exporters = undefined;
  }

  currentExporters(): TraceExporter[] {
    if (this.exporters === undefined) {
      try {
        this.exporters = this.exporterFactory();
      } catch (error) {
        this.warnOnce('exporters', 'Tracing could not set up its exporters; traces are not exported', error);
        this.exporters = [];
      }
    }
    return this.exporters;
  }

  setProcessors(processors: SpanProcessorFn[]): void {
    this.globalProcessors = processors;
  }

  get processors(): readonly SpanProcessorFn[] {
    return this.scopedProcessors.getStore() ?? this.globalProcessors;
  }

  withProcessors<T>(processors: SpanProcessorFn[], fn: () => T): T {
    return this.scopedProcessors.run(processors, fn);
  }

  /**
   * Called when a trace's root span ends: the span processors run now, and the trace is assembled and exported with
   * the others of its batch.
   */
  complete(pending: PendingTrace, processors: readonly SpanProcessorFn[] = this.processors): void {
    this.lastTraceId = pending.info.traceId;
    applySpanProcessors(pending, processors, this.onProcessorError);
    this.finished.push(pending);
    if (this.finished.length === BATCH_SIZE) {
      // A full batch goes out on the next turn, not inside the span end of the caller's code.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.exportFinished(), 0);
    } else {
      this.timer ??= setTimeout(() => this.exportFinished(), BATCH_WINDOW_MS);
    }
  }

  /** Assembles the traces finished so far and hands them to every exporter, in the background. */
  private exportFinished(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.finished;
    if (batch.length === 0) return;
    this.finished = [];
    const traces: TraceRecord[] = [];
    for (const pending of batch) {
      try {
        traces.push(finishTrace(pending));
      } catch (error) {
        this.warnOnce('finish', 'A trace could not be assembled and was dropped', error);
      }
    }
    assignEnvironmentExperiment(traces);
    for (const exporter of this.currentExporters()) this.track(exporter, traces);
  }

  private track(exporter: TraceExporter, traces: readonly TraceRecord[]): void {
    let sent: Promise<unknown>;
    try {
      sent = exporter.exportBatch ? exporter.exportBatch(traces) : Promise.all(traces.map((trace) => exporter.export(trace)));
    } catch (error) {
      sent = Promise.reject(error);
    }
    // Settles once the export has, after leaving the set of exports in flight.
    const task: Promise<void> = Promise.resolve(sent).then(
      () => {
        this.inFlight.delete(task);
      },
      (error: unknown) => {
        this.inFlight.delete(task);
        this.warnOnce(`export:${exporter.name}`, `The ${exporter.name} trace exporter failed`, error);
      },
    );
    this.inFlight.add(task);
  }

  /** Exports every finished trace now and waits for every export (and those they start). */
  async flush(): Promise<void> {
    for (;;) {
      this.runDeferred();
      this.exportFinished();
      if (this.inFlight.size === 0) return;
      for (const exporter of this.exporters ?? []) {
        try {
          exporter.flush?.();
        } catch (error) {
          this.warnOnce(`flush:${exporter.name}`, `The ${exporter.name} trace exporter failed to flush`, error);
        }
      }
      await Promise.all([...this.inFlight]);
    }
  }

  async shutdown(): Promise<void> {
    await this.flush();
    for (const exporter of this.exporters ?? []) {
      try {
        await exporter.shutdown?.();
      } catch (error) {
        this.warnOnce(`shutdown:${exporter.name}`, `The ${exporter.name} trace exporter failed to shut down`, error);
      }
    }
  }

  /** Logs a tracing failure once per kind, so a broken exporter does not flood the log. */
  warnOnce(kind: string, message: string, error?: unknown): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    logger.error(`${message} (further failures of this kind are not logged)`, error);
  }

  /** Forgets which failures were logged (tests). */
  resetWarnings(): void {
    this.warned.clear();
  }
}

/**
 * Traces started with no experiment known in code get the one of EVALFLOW_EXPERIMENT_ID, read once for the batch
 * (reading the environment is slow enough to matter on every traced call).
 */
function assignEnvironmentExperiment(traces: TraceRecord[]): void {
  let fromEnv: string | undefined;
  let read = false;
  for (const trace of traces) {
    if (trace.info.experimentId) continue;
    if (!read) {
      fromEnv = activeExperimentIdIfKnown();
      read = true;
    }
    if (fromEnv) trace.info.experimentId = fromEnv;
  }
}

export const pipeline = new TracingPipeline();
