import type { TraceRecord } from '../../store/trace-entities.js';
import type { TrackingStore } from '../../store/tracking-store.js';
import type { TraceExporter } from '../pipeline.js';

/** Writes finished traces into a tracking store (the embedded SQLite store by default). */
export class StoreTraceExporter implements TraceExporter {
  readonly name = 'store';

  constructor(
    private readonly store: () => TrackingStore,
    /** The experiment of traces started with none known (the active experiment, resolved when exported). */
    private readonly defaultExperimentId: () => Promise<string>,
  ) {}

  async export(trace: TraceRecord): Promise<void> {
    const record = trace.info.experimentId
      ? trace
      : { ...trace, info: { ...trace.info, experimentId: await this.defaultExperimentId() } };
    await this.store().logTrace(record);
  }
}
