import type { TraceRecord } from '../../store/trace-entities.js';
import type { TrackingStore } from '../../store/tracking-store.js';
import type { TraceExporter } from '../pipeline.js';

/** A store that can write many traces in one transaction (the embedded SQLite store can). */
interface BatchingStore extends TrackingStore {
  logTraces(traces: readonly TraceRecord[]): Promise<void>;
}

/**
 * Writes finished traces into a tracking store (the embedded SQLite store by default). The traces the pipeline hands
 * over together go in one transaction when the store allows it; if that fails, each is written on its own so one bad
 * trace cannot take the others with it.
 */
export class StoreTraceExporter implements TraceExporter {
  readonly name = 'store';

  constructor(
    private readonly store: () => TrackingStore,
    /** The experiment of traces started with none known (the active experiment, resolved when exported). */
    private readonly defaultExperimentId: () => Promise<string>,
  ) {}

  export(trace: TraceRecord): Promise<void> {
    return this.exportBatch([trace]);
  }

  async exportBatch(traces: readonly TraceRecord[]): Promise<void> {
    if (traces.length === 0) return;
    const store = this.store();
    let records = traces;
    if (records.some((trace) => !trace.info.experimentId)) {
      // The experiment of traces started with none known, resolved once for the batch.
      const experimentId = await this.defaultExperimentId();
      records = records.map((trace) => (trace.info.experimentId ? trace : { ...trace, info: { ...trace.info, experimentId } }));
    }
    if (records.length > 1 && typeof (store as Partial<BatchingStore>).logTraces === 'function') {
      try {
        await (store as BatchingStore).logTraces(records);
        return;
      } catch {
        // One trace spoilt the batch (say, an unknown experiment): write them one by one below.
      }
    }
    const results = await Promise.allSettled(records.map((record) => store.logTrace(record)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
