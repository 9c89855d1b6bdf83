import { logger } from '../../core/logger.js';
import type { JudgeCacheEntry, TrackingStore } from '../../store/tracking-store.js';
import type { JudgeCache } from '../../../judges/types.js';

/** How long new replies wait to be written together, and how many make a batch that is written at once. */
const WRITE_WINDOW_MS = 20;
const WRITE_BATCH = 256;

/**
 * The judge cache of an evaluation, backed by the store's judge_cache table. Replies are written behind, in
 * batches (one transaction each); a reply is readable from memory as soon as it is set. A store failure is logged
 * and treated as a miss: the cache never fails a judge. `close()` writes what is pending.
 */
export class StoreJudgeCache implements JudgeCache {
  private readonly pending = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private warned = false;

  constructor(private readonly store: TrackingStore) {}

  async get(key: string): Promise<string | undefined> {
    const pending = this.pending.get(key);
    if (pending !== undefined) return pending;
    try {
      return (await this.store.getCachedJudgeReply(key)) ?? undefined;
    } catch (error) {
      this.warn('read', error);
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    this.pending.set(key, value);
    if (this.pending.size >= WRITE_BATCH) this.writeNow();
    else this.timer ??= setTimeout(() => this.writeNow(), WRITE_WINDOW_MS);
  }

  /** Writes everything set so far and waits for it. */
  async close(): Promise<void> {
    this.writeNow();
    await this.writing;
  }

  private writeNow(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.size === 0) return;
    const entries: JudgeCacheEntry[] = [...this.pending].map(([key, value]) => ({ key, value }));
    // Chained, so that batches are written in order; a failed batch is logged, never rejected.
    this.writing = this.writing
      .then(() => this.store.cacheJudgeReplies(entries))
      .then(
        () => {
          for (const { key, value } of entries) if (this.pending.get(key) === value) this.pending.delete(key);
        },
        (error: unknown) => {
          for (const { key, value } of entries) if (this.pending.get(key) === value) this.pending.delete(key);
          this.warn('write', error);
        },
      );
  }

  private warn(what: string, error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    logger.warn(`The judge cache could not ${what} the store (${error instanceof Error ? error.message : String(error)}); judges are asked directly.`);
  }
}
