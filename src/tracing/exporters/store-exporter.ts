import type { TraceRecord } from '../../store/trace-entities.js';
import type { TrackingStore } from '../../store/tracking-store.js';
import type { TraceExporter } from '../pipeline.js';

/** A store that can write many traces in one transaction (the embedded SQLite store can). */
interface BatchingStore extends TrackingStore {
  logTraces(traces: readonly TraceRecord[]): Promise<void>;
}

interface Queued {
  trace: TraceRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes finished traces into a tracking store (the embedded SQLite store by default). Traces that finish in the
 * same turn of the event loop are written together in one transaction when the store allows it; if that batch
 * fails, each trace is written on its own so one bad trace cannot take the others with it.
 */
export class StoreTraceExporter implements TraceExporter {
  readonly name = 'store';
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(
    private readonly store: () => TrackingStore,
    /** The experiment of traces started with none known (the active experiment, resolved when exported). */
    private readonly defaultExperimentId: () => Promise<string>,
  ) {}

  export(trace: TraceRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ trace, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.writeQueued());
      }
    });
  }

  private async writeQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      const store = this.store();
      const records = await Promise.all(batch.map((item) => this.withExperiment(item.trace)));
      if (records.length > 1 && typeof (store as Partial<BatchingStore>).logTraces === 'function') {
        try {
          await (store as BatchingStore).logTraces(records);
          for (const item of batch) item.resolve();
          return;
        } catch {
          // One trace spoilt the batch (say, an unknown experiment): write them one by one below.
        }
      }
      await Promise.all(
        records.map((record, i) =>
          store.logTrace(record).then(
            () => batch[i]?.resolve(),
            (error: unknown) => batch[i]?.reject(error),
          ),
        ),
      );
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  private async withExperiment(trace: TraceRecord): Promise<TraceRecord> {
    return trace.info.experimentId ? trace : { ...trace, info: { ...trace.info, experimentId: await this.defaultExperimentId() } };
  }
}
