import type Database from 'better-sqlite3';
import { EvalflowError } from '../../core/errors.js';
import { nowMs } from '../../core/clock.js';
import type { JudgeCacheEntry } from '../tracking-store.js';

/** The judge_cache table (migration 4): LLM judge replies by the key the judge computes. */
export class SqliteJudgeCache {
  private readonly select: Database.Statement<[string]>;
  private readonly upsert: Database.Statement<[string, string, number]>;

  constructor(private readonly db: Database.Database) {
    this.select = db.prepare<[string]>('SELECT value FROM judge_cache WHERE key = ?').pluck();
    this.upsert = db.prepare<[string, string, number]>(
      `INSERT INTO judge_cache (key, value, created_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
    );
  }

  get(key: string): string | null {
    if (typeof key !== 'string' || key === '') throw EvalflowError.invalid('A judge cache key must be a non-empty string.');
    return (this.select.get(key) as string | undefined) ?? null;
  }

  /** One IMMEDIATE transaction: every entry is stored, or none. */
  put(entries: readonly JudgeCacheEntry[]): void {
    if (!Array.isArray(entries)) throw EvalflowError.invalid('cacheJudgeReplies needs an array of { key, value }.');
    for (const entry of entries) {
      if (entry === null || typeof entry !== 'object' || typeof entry.key !== 'string' || entry.key === '' || typeof entry.value !== 'string') {
        throw EvalflowError.invalid('A judge cache entry is { key: non-empty string, value: string }.');
      }
    }
    if (entries.length === 0) return;
    const time = nowMs();
    this.db
      .transaction(() => {
        for (const entry of entries) this.upsert.run(entry.key, entry.value, time);
      })
      .immediate();
  }
}

const byConnection = new WeakMap<Database.Database, SqliteJudgeCache>();

export function judgeCacheFor(db: Database.Database): SqliteJudgeCache {
  let cache = byConnection.get(db);
  if (cache === undefined) {
    cache = new SqliteJudgeCache(db);
    byConnection.set(db, cache);
  }
  return cache;
}
