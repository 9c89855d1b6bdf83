import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/core/errors.js';
import { buildRunSearchQuery, encodePageToken, type RunSearchInput } from '../../../src/store/search/run-query.js';
import { createDb, insertRuns, search, type Db } from './fixtures.js';

let db: Db;

// Experiment 1 holds run0…run5 (run5 deleted); experiment 2 holds other.
beforeEach(() => {
  db = createDb();
  insertRuns(db, [
    {
      id: 'run1', name: 'alpha', user: 'ann', status: 'FINISHED', start: 100, end: 150,
      metrics: { rmse: 0.5, acc: 0.9 }, params: { model: 'tree', lr: '0.1' }, tags: { team: 'Core', note: 'a*b' },
    },
    {
      id: 'run2', name: 'Beta', user: 'bob', status: 'FAILED', start: 200, end: null,
      metrics: { rmse: Number.NaN, acc: 0.7 }, params: { model: 'Tree', lr: '0.01' }, tags: { team: 'core', note: 'a[1]' },
    },
    {
      id: 'run3', name: 'gamma', user: 'ann', status: 'RUNNING', start: 300, end: 310,
      metrics: { rmse: 0.2 }, params: { model: 'linear' }, tags: { team: 'ml-ops', note: 'a?c' },
    },
    { id: 'run4', name: 'delta', user: 'cy', status: 'FINISHED', start: 400, end: 420, params: { model: 'tree' }, tags: { note: 'a_b' } },
    { id: 'run0', name: 'zeta', user: 'ann', status: 'FINISHED', start: 300, end: 305, metrics: { rmse: Number.NaN }, tags: { note: 'axb' } },
    { id: 'run5', name: 'eps', start: 350, stage: 'deleted', metrics: { rmse: 0.3 } },
    { id: 'other', experimentId: 2, name: 'other', start: 500, metrics: { rmse: 0.1 } },
  ]);
});

const ids = (input: Partial<RunSearchInput> = {}): string[] => search(db, { experimentIds: ['1'], ...input }).ids;
const filtered = (filter: string): string[] => ids({ filter, orderBy: ['attributes.run_id'] });

describe('buildRunSearchQuery: scope', () => {
  it("returns an experiment's active runs, newest first, ties by run id", () => {
    expect(ids()).toEqual(['run4', 'run0', 'run3', 'run2', 'run1']);
  });

  it('searches several experiments, or none', () => {
    expect(ids({ experimentIds: ['1', '2'] })).toEqual(['other', 'run4', 'run0', 'run3', 'run2', 'run1']);
    expect(ids({ experimentIds: [] })).toEqual([]);
    expect(ids({ experimentIds: ['999'] })).toEqual([]);
  });

  it('honours the view type', () => {
    expect(ids({ viewType: 'ACTIVE_ONLY' })).toEqual(['run4', 'run0', 'run3', 'run2', 'run1']);
    expect(ids({ viewType: 'DELETED_ONLY' })).toEqual(['run5']);
    expect(ids({ viewType: 'ALL' })).toEqual(['run4', 'run5', 'run0', 'run3', 'run2', 'run1']);
  });

  it('rejects a bad experiment id or view type', () => {
    expect(() => ids({ experimentIds: ['1; DROP TABLE runs'] })).toThrow(/Invalid experiment id/);
    expect(() => ids({ viewType: 'SOME' as never })).toThrow(/Invalid viewType/);
  });
});

describe('buildRunSearchQuery: metric filters', () => {
  it('compares latest metric values; NaN and missing metrics never satisfy an order comparison', () => {
    expect(filtered('metrics.rmse < 0.6')).toEqual(['run1', 'run3']);
    expect(filtered('metrics.rmse > 0.3')).toEqual(['run1']);
    expect(filtered('metrics.rmse >= 0.2')).toEqual(['run1', 'run3']);
    expect(filtered('metrics.rmse <= 0.2')).toEqual(['run3']);
    expect(filtered('metrics.rmse = 0.5')).toEqual(['run1']);
    expect(filtered('metrics.rmse > -1e9')).toEqual(['run1', 'run3']);
  });

  it('lets NaN satisfy != (NaN equals nothing), but not a run without the metric', () => {
    expect(filtered('metrics.rmse != 0.5')).toEqual(['run0', 'run2', 'run3']);
    expect(filtered('metrics.rmse != 0')).toEqual(['run0', 'run1', 'run2', 'run3']);
  });

  it('ANDs clauses', () => {
    expect(filtered('metrics.rmse < 1 and metrics.acc > 0.8')).toEqual(['run1']);
    expect(filtered("metrics.acc > 0 AND params.model = 'Tree'")).toEqual(['run2']);
  });
});

describe('buildRunSearchQuery: param and tag filters', () => {
  it('matches = case-sensitively', () => {
    expect(filtered("params.model = 'tree'")).toEqual(['run1', 'run4']);
    expect(filtered("tags.team = 'core'")).toEqual(['run2']);
  });

  it('matches != only among runs that have the key', () => {
    expect(filtered("params.model != 'tree'")).toEqual(['run2', 'run3']);
    expect(filtered("tags.team != 'Core'")).toEqual(['run2', 'run3']);
  });

  it('matches LIKE case-sensitively and ILIKE case-insensitively, with % and _', () => {
    expect(filtered("params.model LIKE 'T%'")).toEqual(['run2']);
    expect(filtered("params.model LIKE 't%'")).toEqual(['run1', 'run4']);
    expect(filtered("params.model ILIKE 't%'")).toEqual(['run1', 'run2', 'run4']);
    expect(filtered("params.model ILIKE '%E%'")).toEqual(['run1', 'run2', 'run3', 'run4']);
    expect(filtered("params.model LIKE 'tre_'")).toEqual(['run1', 'run4']);
    expect(filtered("params.model LIKE 'tre'")).toEqual([]);
    expect(filtered("tags.team LIKE '%-%'")).toEqual(['run3']);
  });

  it('treats GLOB specials in a LIKE pattern as plain characters', () => {
    expect(filtered("tags.note LIKE 'a*b'")).toEqual(['run1']);
    expect(filtered("tags.note LIKE 'a?c'")).toEqual(['run3']);
    expect(filtered("tags.note LIKE 'a[1]'")).toEqual(['run2']);
    expect(filtered("tags.note LIKE 'a[1%'")).toEqual(['run2']);
    expect(filtered("tags.note ILIKE 'A*B'")).toEqual(['run1']);
    expect(filtered("tags.note ILIKE 'A[1]'")).toEqual(['run2']);
  });

  it('lets a backslash make % and _ literal', () => {
    expect(filtered("tags.note LIKE 'a_b'")).toEqual(['run0', 'run1', 'run4']);
    expect(filtered("tags.note LIKE 'a\\_b'")).toEqual(['run4']);
    expect(filtered("tags.note ILIKE 'A\\_B'")).toEqual(['run4']);
  });

  it('finds keys that need quoting', () => {
    insertRuns(db, [{ id: 'dotted', start: 1, tags: { 'mlflow.source.name': 'b.ts' }, metrics: { 'precision_at_3/mean': 0.7 } }]);
    expect(filtered("tags.`mlflow.source.name` = 'b.ts'")).toEqual(['dotted']);
    expect(filtered('metrics."precision_at_3/mean" > 0.5')).toEqual(['dotted']);
  });
});

describe('buildRunSearchQuery: attribute filters', () => {
  it('compares string attributes on their columns', () => {
    expect(filtered("attributes.status = 'FINISHED'")).toEqual(['run0', 'run1', 'run4']);
    expect(filtered("attributes.status != 'FINISHED'")).toEqual(['run2', 'run3']);
    expect(filtered("attributes.run_name = 'Beta'")).toEqual(['run2']);
    expect(filtered("attributes.run_name LIKE 'b%'")).toEqual([]);
    expect(filtered("attributes.run_name ILIKE 'b%'")).toEqual(['run2']);
    expect(filtered("`Run Name` = 'gamma'")).toEqual(['run3']);
    expect(filtered("attributes.user_id = 'ann'")).toEqual(['run0', 'run1', 'run3']);
    expect(filtered("attributes.artifact_uri LIKE '%/run4'")).toEqual(['run4']);
    expect(filtered("run.run_id = 'run3'")).toEqual(['run3']);
  });

  it('supports IN and NOT IN lists', () => {
    expect(filtered("attributes.run_id IN ('run1', 'run3', 'other', 'nope')")).toEqual(['run1', 'run3']);
    expect(filtered("attributes.run_id NOT IN ('run1', 'run3')")).toEqual(['run0', 'run2', 'run4']);
    expect(filtered("attributes.run_name IN ('alpha', 'delta')")).toEqual(['run1', 'run4']);
    expect(filtered("attributes.status NOT IN ('FINISHED')")).toEqual(['run2', 'run3']);
  });

  it('compares numeric attributes; a missing end_time never matches', () => {
    expect(filtered('attributes.start_time > 200')).toEqual(['run0', 'run3', 'run4']);
    expect(filtered('created <= 200')).toEqual(['run1', 'run2']);
    expect(filtered('attributes.end_time > 0')).toEqual(['run0', 'run1', 'run3', 'run4']);
    expect(filtered('attributes.end_time != 150')).toEqual(['run0', 'run3', 'run4']);
  });
});

describe('buildRunSearchQuery: ordering', () => {
  it('orders by a metric: numbers, then NaN, then runs without it, ascending or descending', () => {
    expect(ids({ orderBy: ['metrics.rmse ASC'] })).toEqual(['run3', 'run1', 'run0', 'run2', 'run4']);
    expect(ids({ orderBy: ['metrics.rmse DESC'] })).toEqual(['run1', 'run3', 'run0', 'run2', 'run4']);
    expect(ids({ orderBy: ['metrics.rmse'] })).toEqual(['run3', 'run1', 'run0', 'run2', 'run4']);
  });

  it('orders by params and tags as text, missing values last either way', () => {
    expect(ids({ orderBy: ['params.model'] })).toEqual(['run2', 'run3', 'run4', 'run1', 'run0']);
    expect(ids({ orderBy: ['params.model DESC'] })).toEqual(['run4', 'run1', 'run3', 'run2', 'run0']);
    expect(ids({ orderBy: ['tags.team DESC'] })).toEqual(['run3', 'run2', 'run1', 'run4', 'run0']);
  });

  it('orders by attributes, a missing end_time last', () => {
    expect(ids({ orderBy: ['attributes.start_time ASC'] })).toEqual(['run1', 'run2', 'run0', 'run3', 'run4']);
    expect(ids({ orderBy: ['attributes.end_time'] })).toEqual(['run1', 'run0', 'run3', 'run4', 'run2']);
    expect(ids({ orderBy: ['attributes.end_time DESC'] })).toEqual(['run4', 'run3', 'run0', 'run1', 'run2']);
    expect(ids({ orderBy: ['run_name'] })).toEqual(['run2', 'run1', 'run4', 'run3', 'run0']);
    expect(ids({ orderBy: ['attributes.run_id DESC'] })).toEqual(['run4', 'run3', 'run2', 'run1', 'run0']);
  });

  it('applies several orderings in turn, then start_time DESC and run_id', () => {
    expect(ids({ orderBy: ['attributes.user_id', 'metrics.rmse DESC'] })).toEqual(['run1', 'run3', 'run0', 'run2', 'run4']);
    expect(ids({ orderBy: ['attributes.status'] })).toEqual(['run2', 'run4', 'run0', 'run1', 'run3']);
  });

  it('combines a filter with an ordering', () => {
    expect(ids({ filter: "params.model ILIKE 'tree'", orderBy: ['metrics.rmse DESC'] })).toEqual(['run1', 'run2', 'run4']);
  });
});

describe('buildRunSearchQuery: paging', () => {
  it('pages through the results with tokens', () => {
    const pages: string[][] = [];
    let pageToken: string | undefined;
    for (;;) {
      const query = buildRunSearchQuery({ experimentIds: ['1'], maxResults: 2, ...(pageToken && { pageToken }) });
      const rows = (db.prepare(query.sql).all(...query.params) as { run_id: string }[]).map((r) => r.run_id);
      pages.push(rows.slice(0, query.limit));
      if (rows.length <= query.limit) break;
      pageToken = encodePageToken(query.offset + query.limit);
    }
    expect(pages).toEqual([['run4', 'run0'], ['run3', 'run2'], ['run1']]);
  });

  it('says there is no next page when the last page is exactly full', () => {
    expect(search(db, { experimentIds: ['1'], maxResults: 5 })).toEqual({ ids: ['run4', 'run0', 'run3', 'run2', 'run1'], hasMore: false });
    expect(search(db, { experimentIds: ['1'], maxResults: 4 }).hasMore).toBe(true);
  });

  it('returns nothing past the end', () => {
    expect(ids({ pageToken: encodePageToken(50) })).toEqual([]);
  });

  it('returns offset and limit', () => {
    const query = buildRunSearchQuery({ experimentIds: ['1'], maxResults: 10, pageToken: encodePageToken(20) });
    expect(query).toMatchObject({ offset: 20, limit: 10 });
    expect(query.params.slice(-2)).toEqual([11, 20]);
    expect(buildRunSearchQuery({ experimentIds: ['1'] })).toMatchObject({ offset: 0, limit: 1000 });
  });

  it.each([0, -1, 1.5, 50001, Number.NaN])('rejects maxResults %s', (maxResults) => {
    expect(() => buildRunSearchQuery({ experimentIds: ['1'], maxResults })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE, message: expect.stringMatching(/^Invalid maxResults/) }),
    );
  });

  it('accepts maxResults up to 50000', () => {
    expect(buildRunSearchQuery({ experimentIds: ['1'], maxResults: 50000 }).limit).toBe(50000);
  });

  it('rejects a malformed page token', () => {
    expect(() => buildRunSearchQuery({ experimentIds: ['1'], pageToken: 'garbage!' })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE, message: expect.stringMatching(/^Invalid page token/) }),
    );
  });
});

describe('buildRunSearchQuery: safety', () => {
  const attack = "'; DROP TABLE runs; --";

  it('binds every user value as a parameter', () => {
    const filter = `tags.\`k${attack}\` = '${attack.replace(/'/g, "''")}' AND metrics.rmse > 0.25 AND attributes.run_id IN ('x${attack.replace(/'/g, "''")}')`;
    const query = buildRunSearchQuery({ experimentIds: ['1'], filter, orderBy: [`params.\`p${attack}\` DESC`] });
    expect(query.sql).not.toContain('DROP');
    expect(query.sql).not.toContain('0.25');
    expect(query.params).toEqual(expect.arrayContaining([`k${attack}`, attack, 0.25, `x${attack}`, `p${attack}`]));
    expect(db.prepare(query.sql).all(...query.params)).toEqual([]);
    expect(ids()).toHaveLength(5);
  });

  it('finds a value that looks like SQL, harmlessly', () => {
    insertRuns(db, [{ id: 'sneaky', start: 1, params: { q: attack } }]);
    expect(filtered(`params.q = '${attack.replace(/'/g, "''")}'`)).toEqual(['sneaky']);
    expect(filtered(`params.q = "${attack}"`)).toEqual(['sneaky']);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'runs'").get()).toEqual({ n: 1 });
  });

  it('rejects a malformed filter or order_by before any SQL is built', () => {
    expect(() => buildRunSearchQuery({ experimentIds: ['1'], filter: 'metrics.rmse >> 1' })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE, details: { position: 13 } }),
    );
    expect(() => buildRunSearchQuery({ experimentIds: ['1'], orderBy: ['metrics.rmse sideways'] })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE, details: { position: 13, index: 0 } }),
    );
  });
});

describe('buildRunSearchQuery: query plan', () => {
  const plan = (input: RunSearchInput): string[] => {
    const query = buildRunSearchQuery(input);
    return (db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as { detail: string }[]).map((r) => r.detail);
  };

  it('reaches runs by the experiment index and metrics, params and tags by primary key', () => {
    const details = plan({
      experimentIds: ['1'],
      filter: "metrics.rmse < 1 AND params.model = 'tree' AND tags.team LIKE 'c%'",
      orderBy: ['metrics.acc DESC', 'tags.team'],
    });
    expect(details.some((d) => /SEARCH r USING (COVERING )?INDEX runs_by_experiment/.test(d))).toBe(true);
    expect(details.filter((d) => /SEARCH (e|o\d) USING PRIMARY KEY \(run_id=\? AND key=\?\)/.test(d))).toHaveLength(5);
    expect(details.some((d) => /SCAN (e|o\d)\b/.test(d))).toBe(false);
  });
});
