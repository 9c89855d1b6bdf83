import { describe, expect, it } from 'vitest';
import {
  deleteTag,
  ErrorCode,
  getMetricHistory,
  getRun,
  logBatch,
  logMetric,
  logMetrics,
  logParam,
  logParams,
  setTag,
  setTags,
  withRun,
} from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

describe('params', () => {
  it('logs params as strings, one or many', async () => {
    const run = await withRun(async (r) => {
      await logParam('lr', 0.01);
      await logParams({ depth: 3, kernel: 'rbf', shuffle: true });
      return r;
    });
    expect((await getRun(run.info.runId)).data.params).toEqual({ lr: '0.01', depth: '3', kernel: 'rbf', shuffle: 'true' });
  });

  it('rejects changing a logged value, as MLflow does', async () => {
    await withRun(async () => {
      await logParam('lr', 0.01);
      await logParam('lr', 0.01);
      await expect(logParam('lr', 0.02)).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    });
  });

  it('rejects bad keys and values with a message that says what to fix', async () => {
    await withRun(async () => {
      await expect(logParam('', 1)).rejects.toThrow(/must not be empty/);
      await expect(logParam('a'.repeat(251), 1)).rejects.toThrow(/at most 250 characters/);
      await expect(logParam('bad*key', 1)).rejects.toThrow(/may only contain/);
      await expect(logParam('../escape', 1)).rejects.toThrow(/relative path/);
      await expect(logParam('big', 'x'.repeat(6001))).rejects.toThrow(/limit is 6000/);
      await expect(logParam('obj', { a: 1 } as never)).rejects.toThrow(/JSON.stringify/);
    });
  });
});

describe('metrics', () => {
  it('logs with steps and timestamps and keeps the history', async () => {
    const run = await withRun(async (r) => {
      for (let step = 0; step < 3; step += 1) await logMetric('loss', 1 / (step + 1), { step, timestamp: 1000 + step });
      await logMetrics({ acc: 0.9, f1: 0.8 }, { step: 5 });
      return r;
    });
    const { metrics } = (await getRun(run.info.runId)).data;
    expect(metrics).toEqual({ loss: 1 / 3, acc: 0.9, f1: 0.8 });
    const history = await getMetricHistory(run.info.runId, 'loss');
    expect(history).toEqual([
      { key: 'loss', value: 1, timestamp: 1000, step: 0 },
      { key: 'loss', value: 0.5, timestamp: 1001, step: 1 },
      { key: 'loss', value: 1 / 3, timestamp: 1002, step: 2 },
    ]);
  });

  it('logs into the run named by runId', async () => {
    const target = await withRun(async (r) => r);
    await withRun(async () => {
      await logMetric('elsewhere', 7, { runId: target.info.runId });
    });
    expect((await getRun(target.info.runId)).data.metrics).toEqual({ elsewhere: 7 });
  });

  it('rejects non-numeric values, non-finite or fractional steps and bad timestamps', async () => {
    await withRun(async (run) => {
      await expect(logMetric('m', '1' as never)).rejects.toThrow(/must be a number/);
      await expect(logMetric('m', 1, { step: Number.POSITIVE_INFINITY })).rejects.toMatchObject({
        code: ErrorCode.INVALID_PARAMETER_VALUE,
      });
      await expect(logMetric('m', 1, { step: Number.NaN })).rejects.toThrow(/finite integer/);
      await expect(logMetric('m', 1, { step: 1.5 })).rejects.toThrow(/finite integer/);
      await expect(logMetric('m', 1, { timestamp: -0.5 })).rejects.toThrow(/timestamp/);
      expect((await getRun(run.info.runId)).data.metrics).toEqual({});
    });
  });

  it('accepts NaN and infinite values', async () => {
    const run = await withRun(async (r) => {
      await logMetrics({ nan: Number.NaN, inf: Number.POSITIVE_INFINITY });
      return r;
    });
    const { metrics } = (await getRun(run.info.runId)).data;
    expect(metrics.nan).toBeNaN();
    expect(metrics.inf).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('logBatch', () => {
  it('writes metrics, params and tags together', async () => {
    const run = await withRun(async (r) => {
      await logBatch({
        metrics: [
          { key: 'a', value: 1, step: 0 },
          { key: 'a', value: 2, step: 1 },
        ],
        params: { p: 1 },
        tags: { t: 'x' },
      });
      return r;
    });
    const { data } = await getRun(run.info.runId);
    expect(data.metrics).toEqual({ a: 2 });
    expect(data.params).toEqual({ p: '1' });
    expect(data.tags.t).toBe('x');
  });

  it('writes nothing when any entry is invalid', async () => {
    const run = await withRun(async (r) => {
      await expect(
        logBatch({ metrics: [{ key: 'ok', value: 1 }, { key: 'bad', value: 1, step: 0.5 }], tags: { t: 'x' } }),
      ).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
      return r;
    });
    const { data } = await getRun(run.info.runId);
    expect(data.metrics).toEqual({});
    expect(data.tags.t).toBeUndefined();
  });
});

describe('tags', () => {
  it('sets, overwrites and deletes tags', async () => {
    const run = await withRun(async (r) => {
      await setTag('stage', 'dev');
      await setTags({ stage: 'prod', owner: 'ada' });
      await deleteTag('owner');
      return r;
    });
    const { tags } = (await getRun(run.info.runId)).data;
    expect(tags.stage).toBe('prod');
    expect(tags.owner).toBeUndefined();
  });

  it('rejects non-string keys and over-long values', async () => {
    await withRun(async () => {
      await expect(setTag(42 as never, 'v')).rejects.toThrow(/must be a string/);
      await expect(setTag('long', 'x'.repeat(8001))).rejects.toThrow(/limit is 8000/);
      await expect(setTags(null as never)).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    });
  });
});
