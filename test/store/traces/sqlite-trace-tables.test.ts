// What the SQLite trace tables add beyond the trace contract: the schema, exact 64-bit storage, the stored span
// JSON, cascades, the batch writer, prepared-statement reuse and the query plans the searches rely on.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../src/core/errors.js';
import { migrations } from '../../../src/store/sqlite/migrations.js';
import { openDatabase, schemaVersion } from '../../../src/store/sqlite/open-database.js';
import { SqliteTrackingStore } from '../../../src/store/sqlite/sqlite-store.js';
import { traceTablesFor } from '../../../src/store/sqlite/trace-tables.js';
import { buildTraceSearchQuery } from '../../../src/store/search/trace-query.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { makeTrace, traceId } from '../trace-contract.js';
import { tempStore, type TempStore } from './fixtures.js';

let temp: TempStore;
let store: SqliteTrackingStore;

beforeEach(async () => {
  temp = await tempStore();
  store = temp.store;
});
afterEach(async () => {
  await temp.cleanup();
});

const db = () => store.database;

describe('migration 2', () => {
  it('creates the trace tables and indexes', () => {
    const names = (type: string): string[] =>
      (db().prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').pluck().all(type) as string[]).filter(
        (name) => !name.startsWith('sqlite_'),
      );
    expect(names('table')).toEqual(expect.arrayContaining(['traces', 'trace_tags', 'trace_metadata', 'spans']));
    expect(names('index')).toEqual(expect.arrayContaining(['traces_by_experiment_time', 'traces_by_run', 'spans_by_trace']));
    expect(schemaVersion(db())).toBeGreaterThanOrEqual(2);
  });

  it('upgrades a version-1 store in place, keeping its runs', async () => {
    const dir = await makeTempDir();
    const path = join(dir.path, 'evalflow.db');
    const v1 = openDatabase(path, [migrations[0] as (typeof migrations)[number]]);
    v1.prepare("INSERT INTO experiments VALUES (7, 'old', 'file:///a', 'active', 1, 1)").run();
    v1.close();
    const upgraded = new SqliteTrackingStore(path, join(dir.path, 'artifacts'));
    expect(schemaVersion(upgraded.database)).toBeGreaterThanOrEqual(2);
    expect((await upgraded.getExperiment('7')).name).toBe('old');
    const id = traceId();
    await upgraded.logTrace(makeTrace({ id, experimentId: '7' }));
    expect((await upgraded.getTrace(id))?.info.experimentId).toBe('7');
    await upgraded.close();
    await dir.remove();
  });
});

describe('stored form', () => {
  it('keeps span times as exact 64-bit integers and the span as JSON with decimal-string times', async () => {
    const id = traceId();
    const trace = makeTrace({ id, spans: [{ id: 1, name: 'root', type: 'LLM', start: 1_700_000_000_123_456_789n, end: null }] });
    await store.logTrace(trace);
    const row = db()
      .prepare(
        `SELECT typeof(start_time_unix_nano) AS kind, start_time_unix_nano AS start, end_time_unix_nano AS end,
                type, status, name, content
         FROM spans`,
      )
      .safeIntegers(true)
      .get() as { kind: string; start: bigint; end: bigint | null; type: string; status: string; name: string; content: string };
    expect(row).toMatchObject({ kind: 'integer', start: 1_700_000_000_123_456_789n, end: null, type: 'LLM', status: 'STATUS_CODE_OK', name: 'root' });
    const content = JSON.parse(row.content) as Record<string, unknown>;
    expect(content).toMatchObject({
      trace_id: id,
      span_id: '0000000000000001',
      parent_span_id: null,
      start_time_unix_nano: '1700000000123456789',
      end_time_unix_nano: null,
      attributes: { 'mlflow.spanType': '"LLM"' },
    });
  });

  it('stores the decoded span type: JSON string decoded, other text kept, none as NULL', async () => {
    const id = traceId();
    const trace = makeTrace({ id, spans: [{ id: 1 }, { id: 2, parent: 1 }, { id: 3, parent: 1 }] });
    const [a, b, c] = trace.data.spans;
    if (!a || !b || !c) throw new Error('spans');
    a.attributes['mlflow.spanType'] = '"RETRIEVER"';
    b.attributes['mlflow.spanType'] = 'custom-type';
    delete c.attributes['mlflow.spanType'];
    await store.logTrace(trace);
    expect(db().prepare('SELECT type FROM spans ORDER BY span_id').pluck().all()).toEqual(['RETRIEVER', 'custom-type', null]);
  });

  it('keeps the trace name (tag, else root span) and the source run in columns', async () => {
    const tagged = traceId();
    const untagged = traceId();
    await store.logTrace(makeTrace({ id: tagged, name: 'from-tag', metadata: { 'mlflow.sourceRun': 'r1' } }));
    await store.logTrace(makeTrace({ id: untagged, spans: [{ id: 1, name: 'root-name' }] }));
    const rows = db().prepare('SELECT trace_id, name, run_id FROM traces ORDER BY trace_id').all();
    expect(rows).toEqual(
      expect.arrayContaining([
        { trace_id: tagged, name: 'from-tag', run_id: 'r1' },
        { trace_id: untagged, name: 'root-name', run_id: null },
      ]),
    );
  });

  it('round-trips attribute values plain JSON cannot hold: bigint, NaN and ±Infinity', async () => {
    const id = traceId();
    const trace = makeTrace({ id, spans: [{ id: 1 }] });
    const span = trace.data.spans[0];
    if (!span) throw new Error('span');
    span.attributes = { big: 12_345_678_901_234_567_890n, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, list: [1, Number.NEGATIVE_INFINITY], tricky: '{"$bigint":"1"}' };
    span.events = [{ name: 'e', timeUnixNano: 5n, attributes: { n: -7n } }];
    await store.logTrace(trace);
    const stored = (await store.getTrace(id))?.data.spans[0];
    expect(stored?.attributes).toEqual(span.attributes);
    expect(stored?.attributes.big).toBe(12_345_678_901_234_567_890n);
    expect(stored?.attributes.tricky).toBe('{"$bigint":"1"}');
    expect(stored?.events[0]?.attributes.n).toBe(-7n);
  });

  it('rejects span times outside 0 … 2^63 - 1 with INVALID_PARAMETER_VALUE', async () => {
    for (const start of [-1n, 2n ** 63n]) {
      await expect(store.logTrace(makeTrace({ spans: [{ id: 1, start, end: null }] }))).rejects.toMatchObject({
        code: ErrorCode.INVALID_PARAMETER_VALUE,
      });
    }
    expect(db().prepare('SELECT count(*) FROM traces').pluck().get()).toBe(0);
  });

  it('keeps the last copy of a span id repeated within one record', async () => {
    const id = traceId();
    const trace = makeTrace({ id, spans: [{ id: 1, name: 'first' }, { id: 1, name: 'second' }] });
    await store.logTrace(trace);
    expect((await store.getTrace(id))?.data.spans.map((s) => s.name)).toEqual(['second']);
  });
});

describe('span attribute conditions', () => {
  it('find keys with dots, quotes, backslashes, line breaks and non-ASCII letters', async () => {
    const keys = ['llm.model', 'say "hi"', 'back\\slash', 'line\nbreak', "it's", 'clé ✓', '[0]'];
    const ids: string[] = [];
    for (const [index, key] of keys.entries()) {
      const id = traceId();
      ids.push(id);
      await store.logTrace(makeTrace({ id, spans: [{ id: 1, attributes: { [key]: `value-${index}` } }] }));
    }
    for (const [index, key] of keys.entries()) {
      const quoted = key.replace(/\\/g, '\\\\').replace(/`/g, '\\`');
      const found = await store.searchTraces({ experimentIds: ['0'], filter: `span.attributes.\`${quoted}\` LIKE 'value-%'` });
      expect(found.items.map((t) => t.info.traceId), key).toEqual([ids[index]]);
    }
  });
});

describe('deleting', () => {
  it('leaves no tag, metadata or span rows behind', async () => {
    const ids = [traceId(), traceId()];
    for (const id of ids) await store.logTrace(makeTrace({ id, tags: { a: '1' }, metadata: { m: '1' } }));
    expect(await store.deleteTraces({ experimentId: '0', traceIds: ids })).toBe(2);
    for (const table of ['traces', 'trace_tags', 'trace_metadata', 'spans']) {
      expect(db().prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
  });
});

describe('logTraces (batch)', () => {
  it('writes many traces in one transaction, merging repeated ids', async () => {
    const id = traceId();
    const traces = [
      makeTrace({ id, requestTime: 10, executionDuration: 5, spans: [{ id: 1 }] }),
      ...Array.from({ length: 50 }, () => makeTrace()),
      makeTrace({ id, requestTime: 12, executionDuration: 10, spans: [{ id: 2, parent: 1 }] }),
    ];
    await store.logTraces(traces);
    expect((await store.searchTraces({ experimentIds: ['0'], maxResults: 500 })).items).toHaveLength(51);
    expect((await store.getTrace(id))?.info).toMatchObject({ requestTime: 10, executionDuration: 12 });
    expect((await store.getTrace(id))?.data.spans).toHaveLength(2);
    await store.logTraces([]);
  });

  it('writes nothing when one trace of the batch is rejected', async () => {
    const good = makeTrace();
    await expect(store.logTraces([good, makeTrace({ experimentId: '404' })])).rejects.toMatchObject({
      code: ErrorCode.RESOURCE_DOES_NOT_EXIST,
    });
    expect(await store.getTrace(good.info.traceId)).toBeNull();
  });
});

describe('statements and plans', () => {
  it('prepares the write and read statements once per store', async () => {
    await store.logTrace(makeTrace());
    await store.searchTraces({ experimentIds: ['0'], filter: "tags.a = 'x'" });
    const prepare = vi.spyOn(db(), 'prepare');
    for (let i = 0; i < 5; i += 1) {
      const id = traceId();
      await store.logTrace(makeTrace({ id }));
      await store.logTrace(makeTrace({ id, spans: [{ id: 3, parent: 1 }] }));
      await store.getTrace(id);
      await store.setTraceTag(id, 'k', 'v');
      await store.searchTraces({ experimentIds: ['0'], filter: `tags.a = 'x${i}'` });
    }
    expect(prepare).not.toHaveBeenCalled();
    prepare.mockRestore();
    expect(traceTablesFor(db())).toBe(traceTablesFor(db()));
  });

  function plan(input: Parameters<typeof buildTraceSearchQuery>[0]): string {
    traceTablesFor(db()); // registers regexp
    const query = buildTraceSearchQuery(input);
    const rows = db().prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  }

  it('lists an experiment from its time index, without sorting', () => {
    const detail = plan({ experimentIds: ['0'] });
    expect(detail).toContain('traces_by_experiment_time');
    expect(detail).not.toContain('TEMP B-TREE');
  });

  it('answers span name and type conditions from the covering index, tags and metadata from their keys', () => {
    expect(plan({ experimentIds: ['0'], filter: "span.name = 'x'" })).toMatch(/COVERING INDEX spans_by_trace/);
    expect(plan({ experimentIds: ['0'], filter: "span.type LIKE 'L%'" })).toMatch(/COVERING INDEX spans_by_trace/);
    const keyed = plan({ experimentIds: ['0'], filter: "tags.env = 'x' AND metadata.m = 'y'" });
    expect(keyed.match(/USING PRIMARY KEY \(trace_key=\? AND key=\?\)/g)).toHaveLength(2);
  });

  it('registers REGEXP for RLIKE', () => {
    traceTablesFor(db());
    expect(db().prepare("SELECT 'gpt-4o-mini' REGEXP 'mini$', 'gpt-4o' REGEXP 'mini$', NULL REGEXP 'x'").raw().get()).toEqual([1, 0, null]);
  });
});

describe('two stores on one file', () => {
  it('merges the halves of a trace written by two processes', async () => {
    const other = new SqliteTrackingStore(store.dbPath, join(temp.dir, 'artifacts'));
    const id = traceId();
    await store.logTrace(makeTrace({ id, requestTime: 100, executionDuration: 10, spans: [{ id: 1 }] }));
    await other.logTrace(makeTrace({ id, requestTime: 105, executionDuration: 20, spans: [{ id: 2, parent: 1 }] }));
    expect((await store.getTrace(id))?.info).toMatchObject({ requestTime: 100, executionDuration: 25 });
    expect((await other.getTrace(id))?.data.spans).toHaveLength(2);
    await other.close();
  });
});
