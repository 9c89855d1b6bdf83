import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { openDatabase, schemaVersion } from '../../src/store/sqlite/open-database.js';
import { SqliteTrackingStore } from '../../src/store/sqlite/sqlite-store.js';
import { traceTablesFor } from '../../src/store/sqlite/trace-tables.js';
import { makeTempDir } from '../support/temp-dir.js';
import { assessmentStoreContract, feedbackInput } from './assessment-contract.js';
import { makeTrace } from './trace-contract.js';

async function makeStore() {
  const temp = await makeTempDir();
  const store = new SqliteTrackingStore(join(temp.path, 'evalflow.db'), join(temp.path, 'artifacts'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await temp.remove();
    },
  };
}

assessmentStoreContract('SQLite', makeStore);

describe('SQLite assessment table', () => {
  it('stores the value as JSON and the filter text beside it, and answers filters from the name index', async () => {
    const { store, cleanup } = await makeStore();
    const trace = makeTrace();
    await store.logTrace(trace);
    const t = trace.info.traceId;
    await store.createAssessment(feedbackInput(t, { name: 'label', value: 'yes' }));
    await store.createAssessment(feedbackInput(t, { name: 'pass', value: true }));
    await store.createAssessment(feedbackInput(t, { name: 'score', value: 0.8 }));
    await store.createAssessment(feedbackInput(t, { name: 'failed', value: null, error: { errorCode: 'E', errorMessage: 'm', stackTrace: null } }));
    const rows = store.database
      .prepare('SELECT name, value, value_text, error, valid FROM assessments ORDER BY create_time, rowid')
      .all() as { name: string; value: string | null; value_text: string | null; error: string | null; valid: number }[];
    expect(rows).toEqual([
      { name: 'label', value: '"yes"', value_text: 'yes', error: null, valid: 1 },
      { name: 'pass', value: 'true', value_text: 'true', error: null, valid: 1 },
      { name: 'score', value: '0.8', value_text: '0.8', error: null, valid: 1 },
      { name: 'failed', value: null, value_text: null, error: '{"error_code":"E","error_message":"m","stack_trace":null}', valid: 1 },
    ]);
    const plan = store.database
      .prepare(
        `EXPLAIN QUERY PLAN SELECT t.trace_id FROM traces t WHERE EXISTS (SELECT 1 FROM assessments a WHERE a.name = ? AND a.valid = 1
         AND a.trace_key = t.trace_key AND a.kind = 'feedback' AND a.value_text = ?)`,
      )
      .all('label', 'yes') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/assessments_by_name \(name=\? AND valid=\? AND trace_key=\?\)/);
    await cleanup();
  });

  it('registers the filters when the store opens, on a database that already has assessments', async () => {
    const temp = await makeTempDir();
    const path = join(temp.path, 'evalflow.db');
    const first = new SqliteTrackingStore(path, join(temp.path, 'artifacts'));
    const trace = makeTrace();
    await first.logTrace(trace);
    await first.createAssessment(feedbackInput(trace.info.traceId));
    await first.close();
    const second = new SqliteTrackingStore(path, join(temp.path, 'artifacts'));
    const page = await second.searchTraces({ experimentIds: ['0'], filter: "feedback.correctness = 'yes'" });
    expect(page.items.map((t) => t.info.traceId)).toEqual([trace.info.traceId]);
    await second.close();
    await temp.remove();
  });

  it('migration 3 upgrades a version-2 store in place, keeping its traces', async () => {
    const temp = await makeTempDir();
    const path = join(temp.path, 'evalflow.db');
    const v2 = openDatabase(path, migrations.filter((m) => m.version <= 2));
    v2.prepare(
      "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (0, 'Default', 'file:///x', 'active', 0, 0)",
    ).run();
    const trace = makeTrace();
    traceTablesFor(v2).logTrace(trace);
    expect(schemaVersion(v2)).toBe(2);
    v2.close();

    const store = new SqliteTrackingStore(path, join(temp.path, 'artifacts'));
    expect(schemaVersion(store.database)).toBe(Math.max(...migrations.map((m) => m.version)));
    const names = (store.database.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'assessments'").all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['assessments', 'assessments_by_trace', 'assessments_by_name']));
    expect((await store.getTrace(trace.info.traceId))?.info.assessments).toEqual([]);
    const created = await store.createAssessment(feedbackInput(trace.info.traceId));
    expect((await store.getTrace(trace.info.traceId))?.info.assessments).toEqual([created]);
    await store.close();
    await temp.remove();
  });
});
