import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EvalflowError } from '../../core/errors.js';
import { migrations, type Migration } from './migrations.js';

/** How long a writer waits for another process's lock before giving up (SQLite's busy timeout). */
export const BUSY_TIMEOUT_MS = 15_000;
const WAL_AUTOCHECKPOINT_PAGES = 4000;

/**
 * Opens (creating if needed) a store database: WAL so readers never block the writer, a busy timeout so several
 * processes can write one store, and the schema migrated to the latest version.
 */
export function openDatabase(dbPath: string, schema: readonly Migration[] = migrations): Database.Database {
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw EvalflowError.internal(`Cannot open the tracking store at "${dbPath}": ${(error as Error).message}`, error);
  }
  try {
    enableWal(db);
    // NORMAL is durable against a killed process in WAL mode (only an OS crash can lose the last commits).
    db.pragma('synchronous = NORMAL');
    // Checkpoint every 4,000 WAL pages (16 MB) rather than SQLite's 1,000: the pages each commit rewrites (the last
    // page of every index) are then copied back to the database file a quarter as often; each checkpoint takes longer.
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma('foreign_keys = ON');
    migrate(db, schema);
  } catch (error) {
    db.close();
    if (error instanceof EvalflowError) throw error;
    throw EvalflowError.internal(`Cannot prepare the tracking store at "${dbPath}": ${(error as Error).message}`, error);
  }
  return db;
}

/**
 * Switches a new store to WAL. The switch needs the database to itself, and SQLite answers SQLITE_BUSY at once,
 * without its busy timeout, while another process is opening the same new store: retried for up to the busy timeout.
 */
function enableWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() + wait > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    }
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database, schema: readonly Migration[]): void {
  const latest = schema.reduce((max, m) => Math.max(max, m.version), 0);
  if (schemaVersion(db) === latest) return;
  // IMMEDIATE takes the write lock first, so two processes opening a new store apply each migration once.
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = schemaVersion(db);
    if (current > latest) {
      throw EvalflowError.internal(
        `The tracking store has schema version ${current}, newer than this evalflow knows (${latest}). ` +
          'Upgrade evalflow to open it.',
      );
    }
    for (const migration of [...schema].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
