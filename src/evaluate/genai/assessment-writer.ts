import { logger } from '../../core/logger.js';
import type { AssessmentRecord, NewAssessment } from '../../store/assessment-entities.js';
import type { TrackingStore } from '../../store/tracking-store.js';

interface Queued {
  inputs: NewAssessment[];
  resolve: (records: AssessmentRecord[] | undefined) => void;
}

const WRITE_WINDOW_MS = 5;
const WRITE_BATCH_ROWS = 128;

/**
 * Logs the assessments of finished rows. Rows finishing within a few milliseconds are written in one transaction
 * (`createAssessments`); if that batch fails, each row is written on its own, so a row's assessments are stored all
 * together or not at all and one bad row cannot take the others with it. A row that cannot be written is a warning
 * (as in MLflow), never an error: `write` resolves to undefined.
 */
export class AssessmentWriter {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  failedRows = 0;

  constructor(private readonly store: TrackingStore) {}

  write(inputs: NewAssessment[]): Promise<AssessmentRecord[] | undefined> {
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      this.queue.push({ inputs, resolve });
      if (this.queue.length >= WRITE_BATCH_ROWS) this.writeNow();
      else this.timer ??= setTimeout(() => this.writeNow(), WRITE_WINDOW_MS);
    });
  }

  /** Writes what is queued and waits for every write. */
  async close(): Promise<void> {
    this.writeNow();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private writeNow(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const task = this.writeBatch(batch);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const records = await this.store.createAssessments(batch.flatMap((row) => row.inputs));
        let offset = 0;
        for (const row of batch) {
          row.resolve(records.slice(offset, offset + row.inputs.length));
          offset += row.inputs.length;
        }
        return;
      } catch {
        // One row spoilt the batch (its trace is gone, say): write the rows one by one below.
      }
    }
    for (const row of batch) {
      try {
        row.resolve(await this.store.createAssessments(row.inputs));
      } catch (error) {
        this.failedRows += 1;
        logger.warn(
          `Could not log the assessments of trace ${row.inputs[0]?.traceId ?? '?'}: ${error instanceof Error ? error.message : String(error)}`,
        );
        row.resolve(undefined);
      }
    }
  }
}
