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

/** How long finished traces wait to be written together, and how many make a batch that is written at once. */
const BATCH_WINDOW_MS = 50;
const BATCH_SIZE = 512;

/**
 * Writes finished traces into a tracking store (the embedded SQLite store by default). Traces that finish within a
 * few milliseconds of each other are written together in one transaction when the store allows it: a service that
 * handles one request at a time then pays for a transaction per batch, not per trace. `flushTraces()` cuts the
 * window short. If a batch fails, each trace is written on its own so one bad trace cannot take the others with it.
 */
export class StoreTraceExporter implements TraceExporter {
  readonly name = 'store';
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: () => TrackingStore,
    /** The experiment of traces started with none known (the active experiment, resolved when exported). */
    private readonly defaultExperimentId: () => Promise<string>,
  ) {}

  export(trace: TraceRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ trace, resolve, reject });
      if (this.queue.length >= BATCH_SIZE) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), BATCH_WINDOW_MS);
    });
  }

  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length > 0) void this.writeQueued();
  }

  private async writeQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const store = this.store();
      let records = batch.map((item) => item.trace);
      if (records.some((trace) => !trace.info.experimentId)) {
        // The experiment of traces started with none known, resolved once for the batch.
        const experimentId = await this.defaultExperimentId();
        records = records.map((trace) => (trace.info.experimentId ? trace : { ...trace, info: { ...trace.info, experimentId } }));
      }
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
}
