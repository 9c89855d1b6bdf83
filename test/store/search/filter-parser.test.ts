import { describe, expect, it } from 'vitest';
import { ErrorCode, EvalflowError } from '../../../src/core/errors.js';
import { parseFilter } from '../../../src/store/search/filter-parser.js';
import type { SearchVocabulary } from '../../../src/store/search/vocabulary.js';

/** The error parseFilter throws for `filter`, checked to be INVALID_PARAMETER_VALUE with a position. */
function errorOf(filter: string, vocabulary?: SearchVocabulary): EvalflowError {
  try {
    parseFilter(filter, vocabulary);
  } catch (error) {
    expect(error).toBeInstanceOf(EvalflowError);
    const e = error as EvalflowError;
    expect(e.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(e.message).toContain(`Invalid filter ${JSON.stringify(filter)} at position`);
    return e;
  }
  throw new Error(`expected "${filter}" to be rejected`);
}

describe('parseFilter: valid filters', () => {
  it('gives no clauses for an empty, blank or missing filter', () => {
    expect(parseFilter('')).toEqual([]);
    expect(parseFilter('   \n\t ')).toEqual([]);
    expect(parseFilter(undefined)).toEqual([]);
  });

  it('parses a metric comparison', () => {
    expect(parseFilter('metrics.rmse < 1')).toEqual([{ entity: 'metric', key: 'rmse', comparator: '<', value: 1, position: 0 }]);
  });

  it.each([
    ['metric', 'metric'],
    ['metrics', 'metric'],
    ['param', 'param'],
    ['params', 'param'],
    ['parameter', 'param'],
    ['parameters', 'param'],
    ['tag', 'tag'],
    ['tags', 'tag'],
  ])('maps the prefix %s to the entity %s', (prefix, entity) => {
    const value = entity === 'metric' ? '1' : "'v'";
    expect(parseFilter(`${prefix}.k = ${value}`)).toEqual([
      { entity, key: 'k', comparator: '=', value: entity === 'metric' ? 1 : 'v', position: 0 },
    ]);
  });

  it.each(['attribute', 'attributes', 'attr', 'run'])('maps the prefix %s to attribute', (prefix) => {
    expect(parseFilter(`${prefix}.status = 'FAILED'`)[0]).toMatchObject({ entity: 'attribute', key: 'status', value: 'FAILED' });
  });

  it('reads prefixes case-insensitively', () => {
    expect(parseFilter('METRICS.rmse > 0')[0]).toMatchObject({ entity: 'metric', key: 'rmse' });
  });

  it('accepts every run attribute, and a bare attribute key without a prefix', () => {
    for (const key of ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri']) {
      expect(parseFilter(`attributes.${key} = 'x'`)[0]).toMatchObject({ entity: 'attribute', key, value: 'x' });
    }
    for (const key of ['start_time', 'end_time']) {
      expect(parseFilter(`attributes.${key} >= 1700000000000`)[0]).toMatchObject({ key, value: 1_700_000_000_000 });
    }
    expect(parseFilter("status = 'RUNNING'")[0]).toMatchObject({ entity: 'attribute', key: 'status' });
  });

  it("resolves MLflow's attribute aliases (created, run name)", () => {
    expect(parseFilter('created > 5')[0]).toMatchObject({ entity: 'attribute', key: 'start_time', value: 5 });
    expect(parseFilter('attributes.Created > 5')[0]).toMatchObject({ key: 'start_time' });
    expect(parseFilter(`"run name" = 'a'`)[0]).toMatchObject({ key: 'run_name' });
    expect(parseFilter("attributes.`Run Name` LIKE 'a%'")[0]).toMatchObject({ key: 'run_name', comparator: 'LIKE' });
  });

  it('reads keys quoted with backticks, double or single quotes', () => {
    expect(parseFilter('metrics.`my.metric` > 1')[0]).toMatchObject({ key: 'my.metric' });
    expect(parseFilter(`tags."mlflow.runName" = 'x'`)[0]).toMatchObject({ key: 'mlflow.runName' });
    expect(parseFilter(`params.'learning rate' = '0.1'`)[0]).toMatchObject({ key: 'learning rate' });
    expect(parseFilter('metrics.`precision_at_3/mean` >= 0.5')[0]).toMatchObject({ key: 'precision_at_3/mean' });
    expect(parseFilter('`metrics`.rmse > 1')[0]).toMatchObject({ entity: 'metric', key: 'rmse' });
  });

  it('keeps bare keys with letters, digits and underscores, including non-ASCII letters', () => {
    expect(parseFilter('metrics.f1_score_2 > 0')[0]).toMatchObject({ key: 'f1_score_2' });
    expect(parseFilter('metrics.5fold > 0')[0]).toMatchObject({ key: '5fold' });
    expect(parseFilter('metrics.précision > 0')[0]).toMatchObject({ key: 'précision' });
  });

  it.each([
    ['1', 1],
    ['-1', -1],
    ['+2', 2],
    ['0.25', 0.25],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['3.', 3],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['-1e+2', -100],
  ])('reads the number %s', (text, value) => {
    expect(parseFilter(`metrics.m > ${text}`)[0]?.value).toBe(value);
  });

  it('reads strings in single or double quotes, with doubled quotes and backslash escapes', () => {
    expect(parseFilter(`tags.t = 'a b'`)[0]?.value).toBe('a b');
    expect(parseFilter(`tags.t = "a b"`)[0]?.value).toBe('a b');
    expect(parseFilter(`tags.t = 'it''s'`)[0]?.value).toBe("it's");
    expect(parseFilter(`tags.t = "say ""hi"""`)[0]?.value).toBe('say "hi"');
    expect(parseFilter(`tags.t = 'it\\'s'`)[0]?.value).toBe("it's");
    expect(parseFilter(`tags.t = 'C:\\\\dir\\\\'`)[0]?.value).toBe('C:\\dir\\');
    // Any other backslash is kept, for LIKE escapes.
    expect(parseFilter(`tags.t LIKE '100\\%'`)[0]?.value).toBe('100\\%');
    expect(parseFilter(`tags.t = ''`)[0]?.value).toBe('');
  });

  it('reads IN and NOT IN lists', () => {
    expect(parseFilter(`attributes.run_id IN ('a', "b",'c')`)[0]).toMatchObject({ comparator: 'IN', value: ['a', 'b', 'c'] });
    expect(parseFilter(`attributes.run_name not in ('x')`)[0]).toMatchObject({ comparator: 'NOT IN', value: ['x'] });
    expect(parseFilter(`run_id IN('a')`)[0]).toMatchObject({ comparator: 'IN', value: ['a'] });
  });

  it('reads keywords in any case and joins clauses with AND', () => {
    const clauses = parseFilter(`metrics.a > 1 and params.b like 'x%' AnD tags.c IlIkE 'y' AND attributes.status != 'FAILED'`);
    expect(clauses.map((c) => [c.entity, c.key, c.comparator, c.value, c.position])).toEqual([
      ['metric', 'a', '>', 1, 0],
      ['param', 'b', 'LIKE', 'x%', 18],
      ['tag', 'c', 'ILIKE', 'y', 41],
      ['attribute', 'status', '!=', 'FAILED', 62],
    ]);
  });

  it('tolerates any whitespace, or none around operators', () => {
    expect(parseFilter('  metrics.a>-1\n\tAND\r\n params.b!=\'x\'  ')).toEqual([
      { entity: 'metric', key: 'a', comparator: '>', value: -1, position: 2 },
      { entity: 'param', key: 'b', comparator: '!=', value: 'x', position: 22 },
    ]);
  });

  it.each(['=', '!=', '>', '>=', '<', '<='])('accepts %s for metrics and numeric attributes', (op) => {
    expect(parseFilter(`metrics.m ${op} 1`)[0]?.comparator).toBe(op);
    expect(parseFilter(`attributes.end_time ${op} 1`)[0]?.comparator).toBe(op);
  });

  it.each(['=', '!=', 'LIKE', 'ILIKE'])('accepts %s for params, tags and string attributes', (op) => {
    expect(parseFilter(`params.p ${op} 'v'`)[0]?.comparator).toBe(op);
    expect(parseFilter(`tags.t ${op} 'v'`)[0]?.comparator).toBe(op);
    expect(parseFilter(`attributes.user_id ${op} 'v'`)[0]?.comparator).toBe(op);
  });

  it('does not take a SQL injection attempt inside a string for anything but a value', () => {
    expect(parseFilter(`tags.t = '''; DROP TABLE runs; --'`)[0]?.value).toBe("'; DROP TABLE runs; --");
  });
});

describe('parseFilter: dotted bare keys', () => {
  it('reads the rest of a dotted name as the key, as MLflow does', () => {
    expect(parseFilter("tags.mlflow.parentRunId = 'abc'")).toEqual([
      { entity: 'tag', key: 'mlflow.parentRunId', comparator: '=', value: 'abc', position: 0 },
    ]);
    expect(parseFilter('metrics.val.loss < 1')[0]).toMatchObject({ entity: 'metric', key: 'val.loss' });
  });
});

describe('parseFilter: errors', () => {
  it('quotes the filter, names the token, gives the position and draws a caret', () => {
    const error = errorOf('metrics.rmse >> 1');
    expect(error.message).toBe(
      'Invalid filter "metrics.rmse >> 1" at position 13: expected a comparison operator (=, !=, >, >=, <, <=) ' +
        "but found '>>'.\n  metrics.rmse >> 1\n               ^",
    );
    expect(error.details).toEqual({ position: 13 });
  });

  it.each([
    // [filter, position, text in the message]
    ['metrics.x > 1 OR metrics.y < 2', 14, 'OR is not supported'],
    ['metrics.x > 1 or metrics.y < 2', 14, 'only joins conditions with AND'],
    ['(metrics.x > 1)', 0, 'parentheses are not supported'],
    ["metrics.x > 1 AND (tags.a = 'b')", 18, 'parentheses are not supported'],
    ['metrics.x > 1)', 13, 'parentheses are not supported'],
    ['metrics.rmse > 1 AND', 20, "expected a condition after 'AND' but found end of input"],
    ['AND metrics.rmse > 1', 0, "expected a condition such as metrics.rmse < 1 but found 'AND'"],
    ["tags.a = 'b' AND AND tags.c = 'd'", 17, "expected a condition such as metrics.rmse < 1 but found 'AND'"],
    ['metrics.rmse > 1 metrics.mae < 2', 17, "expected AND or the end of the filter but found 'metrics'"],
    ["tags.x = 'a'; DROP TABLE runs", 12, "found ';'"],
    ['metrics.rmse', 12, 'expected a comparison operator (=, !=, >, >=, <, <=) but found end of input'],
    ['metrics.rmse >', 14, "expected a numeric value for metric 'rmse' but found end of input"],
    ["metrics.rmse > '1'", 15, "expected a numeric value for metric 'rmse' but found the string '1'"],
    ['metrics.rmse > abc', 15, "expected a numeric value for metric 'rmse' but found 'abc'"],
    ['metrics.rmse > 1.5x', 15, "found '1.5x'"],
    ["attributes.start_time > 'yesterday'", 24, "expected a numeric value for attribute 'start_time'"],
    ['params.model = tree', 15, "expected a quoted string value for param 'model' (e.g. 'my-value') but found 'tree'"],
    ['tags.x = 1', 9, "expected a quoted string value for tag 'x'"],
    ['tags.x = `v`', 9, 'Backticks quote keys'],
    ['attributes.status = FAILED', 20, "expected a quoted string value for attribute 'status'"],
    ["metrics.rmse LIKE '1'", 13, "comparator 'LIKE' is not supported for metric 'rmse'; use one of =, !=, >, >=, <, <="],
    ['params.lr > 1', 10, "comparator '>' is not supported for param 'lr'; use one of =, !=, LIKE, ILIKE"],
    ["params.lr IN ('1')", 10, "comparator 'IN' is not supported for param 'lr'"],
    ['tags.t IS NULL', 7, "comparator 'IS NULL' is not supported for tag 't'"],
    ['attributes.start_time IN (1)', 22, "comparator 'IN' is not supported for attribute 'start_time'"],
    ['metrics.x <> 1', 10, "found '<>'. Use !="],
    ['metrics.x == 1', 10, "found '=='. Use ="],
    ['metrics.x => 1', 10, "found '=>'"],
    ["tags.x NOT LIKE 'a'", 7, "found 'NOT'"],
    ["metricz.x > 1", 0, "unknown entity type 'metricz'; valid prefixes are metric, metrics, param, params, parameter"],
    ["attributes.foo = 'x'", 11, "unknown attribute key 'foo'; valid keys are run_id, run_name, status, user_id, artifact_uri, start_time, end_time"],
    ["attributes.lifecycle_stage = 'active'", 11, "unknown attribute key 'lifecycle_stage'"],
    ["attributes.constructor = 'x'", 11, "unknown attribute key 'constructor'"],
    ["nope = 'x'", 0, "unknown attribute key 'nope'"],
    ['metrics.a.-b > 1', 10, "expected the rest of the key after 'a.'"],
    ['metrics.a.b-c > 1', 11, "unexpected '-' after key 'a.b'"],
    ['metrics.my-metric > 1', 10, "unexpected '-' after key 'my'"],
    ['metrics.a/b > 1', 9, 'e.g. metrics.`a/b`'],
    ['metrics. rmse > 1', 8, "expected a key after 'metrics.' but found a space"],
    ['metrics.> 1', 8, "expected a key after 'metrics.' but found '>'"],
    ["tags.'' = 'x'", 5, 'the key is empty'],
    ['> 1', 0, "expected an identifier such as metric.<key>, param.<key>, tag.<key>, attribute.<key> but found '>'"],
    ["tags.x = 'unterminated", 9, "unterminated string: the ' opened here is never closed"],
    ['tags.`x = 1', 5, 'unterminated string: the ` opened here'],
    ["attributes.run_id IN 'a'", 21, "expected a parenthesised list such as ('a', 'b') after IN but found the string 'a'"],
    ['attributes.run_id IN ()', 22, 'a list needs at least one value'],
    ["attributes.run_id IN ('a',)", 26, 'a list needs at least one value'],
    ["attributes.run_id IN ('a' 'b')", 26, "expected ',' or ')' in the list but found the string 'b'"],
    ["attributes.run_id IN ('a'", 25, "expected ',' or ')' in the list but found end of input"],
    ['attributes.run_id IN (1)', 22, "expected a quoted string value for attribute 'run_id'"],
  ])('rejects %j at position %i', (filter, position, text) => {
    const error = errorOf(filter);
    expect(error.message).toContain(`at position ${position}: `);
    expect(error.message).toContain(text);
    expect(error.details).toEqual({ position });
    const lines = error.message.split('\n');
    expect(lines[1]).toBe(`  ${filter}`);
    expect(lines[2]).toBe(`  ${' '.repeat(position)}^`);
  });

  it('keeps the caret aligned when the filter spans lines', () => {
    const error = errorOf('metrics.a > 1\nAND\tmetrics.b >> 2');
    expect(error.details).toEqual({ position: 28 });
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('Invalid filter "metrics.a > 1\\nAND\\tmetrics.b >> 2" at position 28');
    expect(lines[1]).toBe('  metrics.a > 1 AND metrics.b >> 2');
    expect(lines[2]).toBe(`  ${' '.repeat(28)}^`);
  });
});

describe('parseFilter: another vocabulary', () => {
  const traces: SearchVocabulary = {
    prefixes: { trace: 'trace', tag: 'tag', tags: 'tag', metadata: 'metadata', feedback: 'feedback', span: 'span' },
    entities: {
      trace: {
        keys: {
          status: { valueKind: 'string', comparators: ['=', '!=', 'IN', 'NOT IN'] },
          timestamp_ms: { valueKind: 'number', comparators: ['=', '!=', '>', '>=', '<', '<='] },
        },
        keyAliases: { timestamp: 'timestamp_ms' },
      },
      tag: { anyKey: { valueKind: 'string', comparators: ['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'] } },
      metadata: { anyKey: { valueKind: 'string', comparators: ['=', '!='] } },
      feedback: { anyKey: { valueKind: 'string', comparators: ['='] } },
      span: { keys: { name: { valueKind: 'string', comparators: ['=', 'LIKE'] } } },
    },
  };

  it('parses trace identifiers with the same grammar', () => {
    expect(
      parseFilter(
        "trace.status IN ('OK', 'ERROR') AND trace.timestamp > 5 AND metadata.`mlflow.sourceRun` = 'r' AND " +
          "feedback.correctness = 'yes' AND span.name LIKE 'chat%' AND tags.env IS NOT NULL AND tag.x is null",
        traces,
      ).map((c) => [c.entity, c.key, c.comparator, c.value]),
    ).toEqual([
      ['trace', 'status', 'IN', ['OK', 'ERROR']],
      ['trace', 'timestamp_ms', '>', 5],
      ['metadata', 'mlflow.sourceRun', '=', 'r'],
      ['feedback', 'correctness', '=', 'yes'],
      ['span', 'name', 'LIKE', 'chat%'],
      ['tag', 'env', 'IS NOT NULL', null],
      ['tag', 'x', 'IS NULL', null],
    ]);
  });

  it('requires a prefix when the vocabulary has no default entity, and lists its prefixes', () => {
    const error = errorOf("status = 'OK'", traces);
    expect(error.message).toContain("expected '<prefix>.<key>' (prefixes: trace, tag, tags, metadata, feedback, span) but found 'status'");
    expect(errorOf("trace.duration > 1", traces).message).toContain("unknown trace key 'duration'; valid keys are status, timestamp_ms");
    expect(errorOf('metrics.x > 1', traces).message).toContain("unknown entity type 'metrics'");
  });
});
