import { describe, expect, it } from 'vitest';
import { ErrorCode, EvalflowError } from '../../../src/core/errors.js';
import { parseOrderBy } from '../../../src/store/search/filter-parser.js';

function errorOf(items: string[]): EvalflowError {
  try {
    parseOrderBy(items);
  } catch (error) {
    expect(error).toBeInstanceOf(EvalflowError);
    expect((error as EvalflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    return error as EvalflowError;
  }
  throw new Error(`expected ${JSON.stringify(items)} to be rejected`);
}

describe('parseOrderBy', () => {
  it('reads identifiers with an optional direction, ascending by default', () => {
    expect(parseOrderBy(['metrics.rmse DESC', 'attributes.start_time', 'params.lr ASC', 'tags.`a.b` desc'])).toEqual([
      { entity: 'metric', key: 'rmse', ascending: false },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'param', key: 'lr', ascending: true },
      { entity: 'tag', key: 'a.b', ascending: false },
    ]);
  });

  it('accepts bare attributes, aliases, quoted keys and extra whitespace', () => {
    expect(parseOrderBy(['  end_time   asc ', 'created', 'tags."mlflow.runName" Desc', 'run_name'])).toEqual([
      { entity: 'attribute', key: 'end_time', ascending: true },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'tag', key: 'mlflow.runName', ascending: false },
      { entity: 'attribute', key: 'run_name', ascending: true },
    ]);
    expect(parseOrderBy(['attr.`Run Name` DESC'])).toEqual([{ entity: 'attribute', key: 'run_name', ascending: false }]);
  });

  it('gives nothing for no items', () => {
    expect(parseOrderBy([])).toEqual([]);
    expect(parseOrderBy(undefined)).toEqual([]);
  });

  it.each([
    ['metrics.rmse DESCENDING', 13, "expected ASC, DESC or the end of the clause but found 'DESCENDING'"],
    ['metrics.rmse DESC ASC', 18, "found 'ASC'"],
    ['metrics.rmse, params.lr', 12, "found ','"],
    ['', 0, 'expected an identifier such as metric.<key>, param.<key>, tag.<key>, attribute.<key> but found end of input'],
    ['metrics.a-b', 9, 'e.g. metrics.`a-b`'],
    ['attributes.lifecycle_stage', 11, "unknown attribute key 'lifecycle_stage'"],
    ['metricz.rmse', 0, "unknown entity type 'metricz'"],
    ['metrics.rmse > 1', 13, "found '>'"],
  ])('rejects %j at position %i', (item, position, text) => {
    const error = errorOf([item]);
    expect(error.message).toContain(`Invalid order_by clause ${JSON.stringify(item)} at position ${position}: `);
    expect(error.message).toContain(text);
    expect(error.message.split('\n')[2]).toBe(`  ${' '.repeat(position)}^`);
    expect(error.details).toEqual({ position, index: 0 });
  });

  it('names which item is wrong', () => {
    expect(errorOf(['metrics.rmse', 'params.lr sideways']).details).toEqual({ position: 10, index: 1 });
  });

  it('rejects a field ordered twice, however it is spelled', () => {
    const error = errorOf(['metrics.rmse', 'params.lr', 'metric.rmse DESC']);
    expect(error.message).toContain("metric 'rmse' is already ordered by item 0");
    expect(error.details).toEqual({ position: 0, index: 2 });
    expect(errorOf(['start_time', 'attributes.created DESC']).details).toEqual({ position: 0, index: 1 });
  });
});
