import { describe, expect, it } from 'vitest';
import { ErrorCode, EvalflowError } from '../../../src/core/errors.js';
import { parseFilter, parseOrderBy } from '../../../src/store/search/filter-parser.js';
import { buildTraceSearchQuery, compareColumn } from '../../../src/store/search/trace-query.js';
import { TRACE_ORDER_BY_VOCABULARY, TRACE_VOCABULARY } from '../../../src/store/search/trace-vocabulary.js';

function errorOf(run: () => unknown): EvalflowError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EvalflowError);
    return error as EvalflowError;
  }
  throw new Error('expected an error');
}

describe('the trace vocabulary', () => {
  it('reads every prefix and alias of the trace grammar', () => {
    const clauses = parseFilter(
      "trace.status = 'OK' AND attributes.state != 'ERROR' AND status = 'OK' AND trace.timestamp > 1 AND " +
        "execution_time <= 2 AND trace.end_time >= 3 AND trace.request_id IN ('a', 'b') AND tag.a = 'x' AND " +
        "tags.b LIKE 'y%' AND metadata.`mlflow.trace.user` ILIKE 'z' AND span.name RLIKE '^a' AND spans.type = 'LLM'",
      TRACE_VOCABULARY,
    );
    expect(clauses.map((c) => [c.entity, c.key, c.comparator, c.value])).toEqual([
      ['trace', 'status', '=', 'OK'],
      ['trace', 'status', '!=', 'ERROR'],
      ['trace', 'status', '=', 'OK'],
      ['trace', 'timestamp_ms', '>', 1],
      ['trace', 'execution_time_ms', '<=', 2],
      ['trace', 'end_time_ms', '>=', 3],
      ['trace', 'trace_id', 'IN', ['a', 'b']],
      ['tag', 'a', '=', 'x'],
      ['tag', 'b', 'LIKE', 'y%'],
      ['metadata', 'mlflow.trace.user', 'ILIKE', 'z'],
      ['span', 'name', 'RLIKE', '^a'],
      ['span', 'type', '=', 'LLM'],
    ]);
  });

  it('reads span.attributes.<key> with a bare dotted key or a quoted one', () => {
    const keys = [
      'span.attributes.mlflow.spanType',
      'span.attributes.`mlflow.spanType`',
      'span.attributes."mlflow.spanType"',
      'SPAN.attributes.mlflow.spanType',
    ].map((id) => parseFilter(`${id} LIKE '%LLM%'`, TRACE_VOCABULARY)[0]);
    for (const clause of keys) expect(clause).toMatchObject({ entity: 'span_attribute', key: 'mlflow.spanType' });
    expect(parseFilter("span.attributes.`my-key` LIKE 'x'", TRACE_VOCABULARY)[0]?.key).toBe('my-key');
  });

  it('explains mistakes in span.attributes keys with the position', () => {
    expect(errorOf(() => parseFilter("span.attributes LIKE 'x'", TRACE_VOCABULARY)).message).toContain(
      "unknown span key 'attributes'",
    );
    const spaced = errorOf(() => parseFilter("span.attributes. x LIKE 'x'", TRACE_VOCABULARY));
    expect(spaced.details.position).toBe(16);
    expect(spaced.message).toContain("expected a key after 'span.attributes.' but found a space");
    const unquoted = errorOf(() => parseFilter("span.attributes.my-key LIKE 'x'", TRACE_VOCABULARY));
    expect(unquoted.message).toContain('e.g. span.attributes.`my-key`');
  });

  it('keeps RLIKE out of run filters', () => {
    const error = errorOf(() => parseFilter("params.model RLIKE 'tr.*'"));
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toContain("comparator 'RLIKE' is not supported for param 'model'");
  });

  it('orders by trace fields only', () => {
    expect(parseOrderBy(['timestamp_ms DESC', 'trace.execution_time', 'request_id'], TRACE_ORDER_BY_VOCABULARY)).toEqual([
      { entity: 'trace', key: 'timestamp_ms', ascending: false },
      { entity: 'trace', key: 'execution_time_ms', ascending: true },
      { entity: 'trace', key: 'trace_id', ascending: true },
    ]);
    expect(errorOf(() => parseOrderBy(['tags.env'], TRACE_ORDER_BY_VOCABULARY)).message).toContain("unknown entity type 'tags'");
    expect(errorOf(() => parseOrderBy(['run_id'], TRACE_ORDER_BY_VOCABULARY)).message).toContain("unknown trace key 'run_id'");
  });
});

describe('buildTraceSearchQuery', () => {
  it('binds every user value as a parameter', () => {
    const values = ["it's", 'pat%tern', 'k.e.y', 'v\\al', 'run-9', '^re(gex)?$'];
    const query = buildTraceSearchQuery({
      experimentIds: ['3', '4'],
      filter:
        `trace.name = 'it''s' AND tags.\`k.e.y\` LIKE 'pat%tern' AND metadata.m = 'v\\\\al' AND ` +
        "span.attributes.`a\"b` ILIKE '%x%' AND trace.client_request_id RLIKE '^re(gex)?$'",
      runId: 'run-9',
      maxResults: 7,
      pageToken: Buffer.from('{"offset": 14}').toString('base64'),
    });
    for (const value of [...values, '3', '4']) expect(query.sql).not.toContain(value);
    expect(query.params).toEqual([3, 4, 'run-9', "it's", 'k.e.y', 'pat*tern', 'm', 'v\\al', 'a"b', '%x%', '^re(gex)?$', 8, 14]);
    expect(query).toMatchObject({ offset: 14, limit: 7 });
  });

  it('orders newest first by default, ties by trace id; missing values last', () => {
    expect(buildTraceSearchQuery({ experimentIds: ['0'] }).sql).toContain('ORDER BY t.request_time DESC, t.trace_id ASC');
    expect(buildTraceSearchQuery({ experimentIds: ['0'], orderBy: ['execution_time_ms'] }).sql).toContain(
      'ORDER BY t.execution_duration IS NULL, t.execution_duration ASC, t.request_time DESC, t.trace_id ASC',
    );
  });

  it('compiles feedback and expectation conditions through a registered compiler', () => {
    const query = buildTraceSearchQuery(
      { experimentIds: ['0'], filter: "feedback.correctness = 'yes'" },
      {
        entityCompilers: {
          feedback: (clause, filter) => {
            const condition = compareColumn('a.value', clause, filter);
            return {
              sql: `EXISTS (SELECT 1 FROM assessments a WHERE a.trace_id = t.trace_id AND a.name = ? AND ${condition.sql})`,
              params: [clause.key, ...condition.params],
            };
          },
        },
      },
    );
    expect(query.sql).toContain('FROM assessments a');
    expect(query.params).toEqual([0, 'correctness', 'yes', 101, 0]);
    const error = errorOf(() => buildTraceSearchQuery({ experimentIds: ['0'], filter: "trace.status = 'OK' AND expectation.x = 'y'" }));
    expect(error.details).toMatchObject({ position: 24, entity: 'expectation' });
  });

  it('validates maxResults (1 … 500, default 100)', () => {
    expect(buildTraceSearchQuery({ experimentIds: ['0'] }).limit).toBe(100);
    expect(buildTraceSearchQuery({ experimentIds: ['0'], maxResults: 500 }).limit).toBe(500);
    expect(errorOf(() => buildTraceSearchQuery({ experimentIds: ['0'], maxResults: 501 })).message).toContain('from 1 to 500');
  });
});
