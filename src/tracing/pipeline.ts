import { AsyncLocalStorage } from 'node:async_hooks';
import { logger } from '../core/logger.js';
import type { TraceRecord } from '../store/trace-entities.js';
import { finishTrace, type SpanProcessorFn } from './finish-trace.js';
import type { PendingTrace } from './trace-buffer.js';
import { TraceBuffer } from './trace-buffer.js';

/** Where finished traces go: the embedded store, an OTLP endpoint, or anything else with this shape. */
export interface TraceExporter {
  readonly name: string;
  export(trace: TraceRecord): Promise<void>;
  /** Starts writing what the exporter holds back for batching now, instead of at the end of its window. */
  flush?(): void;
  shutdown?(): Promise<void>;
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
  private readonly warned = new Set<string>();
  lastTraceId: string | undefined;

  setExporterFactory(factory: () => TraceExporter[]): void {
    this.exporterFactory = factory;
    this.exporters = undefined;
  }

  /** Replaces the exporters (tracing.setDestination); the next finished trace uses them. */
  resetExporters(): void {
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

  /** Called when a trace's root span ends: builds the record and exports it in the background. */
  complete(pending: PendingTrace, processors: readonly SpanProcessorFn[] = this.processors): void {
    let trace: TraceRecord;
    try {
      trace = finishTrace(pending, processors, (error) => this.warnOnce('processor', 'A span processor failed; the span is exported as it was', error));
    } catch (error) {
      this.warnOnce('finish', 'A trace could not be assembled and was dropped', error);
      return;
    }
    this.lastTraceId = trace.info.traceId;
    for (const exporter of this.currentExporters()) {
      // Settles once the export has, after leaving the set of exports in flight.
      const task: Promise<void> = Promise.resolve()
        .then(() => exporter.export(trace))
        .then(
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
  }

  /** Waits for every export started so far (and those they start). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) {
      // The exports of this turn reach their exporters in a microtask; let them, then cut the batching windows short.
      await Promise.resolve();
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

export const pipeline = new TracingPipeline();
