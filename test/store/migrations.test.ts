import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { openDatabase, schemaVersion } from '../../src/store/sqlite/open-database.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('schema migrations', () => {
  it('brings a new database to the latest version in WAL mode, and reopening changes nothing', async () => {
    const temp = await makeTempDir();
    const path = join(temp.path, 'evalflow.db');
    const latest = Math.max(...migrations.map((m) => m.version));
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(latest);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = openDatabase(path);
    expect(schemaVersion(again)).toBe(latest);
    again.close();
    await temp.remove();
  });

  it('applies only the missing migrations, in order', async () => {
    const temp = await makeTempDir();
    const path = join(temp.path, 'evalflow.db');
    const extra = { version: 99, description: 'test', sql: 'CREATE TABLE extra (x INTEGER);' };
    openDatabase(path).close();
    const db = openDatabase(path, [...migrations, extra]);
    expect(schemaVersion(db)).toBe(99);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toBeTruthy();
    db.close();
    await temp.remove();
  });

  it('refuses a store written by a newer evalflow', async () => {
    const temp = await makeTempDir();
    const path = join(temp.path, 'evalflow.db');
    const raw = new Database(path);
    raw.pragma('user_version = 1000');
    raw.close();
    expect(() => openDatabase(path)).toThrow(/newer than this evalflow knows/);
    await temp.remove();
  });

  it('rolls back a failing migration entirely', async () => {
    const temp = await makeTempDir();
    const path = join(temp.path, 'evalflow.db');
    openDatabase(path).close();
    const broken = { version: 50, description: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM nowhere;' };
    expect(() => openDatabase(path, [...migrations, broken])).toThrow();
    const db = new Database(path);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.pragma('user_version', { simple: true })).toBe(Math.max(...migrations.map((m) => m.version)));
    db.close();
    await temp.remove();
  });
});
