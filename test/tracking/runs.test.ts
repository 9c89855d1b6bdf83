import { describe, expect, it } from 'vitest';
import {
  activeRun,
  createExperiment,
  deleteRun,
  endRun,
  ErrorCode,
  getParentRun,
  getRun,
  lastActiveRun,
  logMetric,
  logParam,
  restoreRun,
  searchRuns,
  setExperiment,
  startRun,
  withRun,
} from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

describe('startRun / endRun', () => {
  it('starts a RUNNING run in the Default experiment with a readable name and system tags', async () => {
    const run = await startRun();
    expect(run.info.status).toBe('RUNNING');
    expect(run.info.experimentId).toBe('0');
    expect(run.info.runName).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    expect(run.data.tags['mlflow.runName']).toBe(run.info.runName);
    expect(run.data.tags['mlflow.user']).toEqual(expect.any(String));
    expect(run.data.tags['mlflow.source.type']).toBe('LOCAL');
    expect(activeRun()?.info.runId).toBe(run.info.runId);

    await endRun();
    expect(activeRun()).toBeNull();
    const ended = await getRun(run.info.runId);
    expect(ended.info.status).toBe('FINISHED');
    expect(ended.info.endTime).toBeGreaterThanOrEqual(ended.info.startTime);
    expect((await lastActiveRun())?.info.runId).toBe(run.info.runId);
  });

  it('takes a name, tags, a description and an experiment', async () => {
    const experimentId = await createExperiment('exp');
    const run = await startRun({ experimentId, runName: 'baseline', tags: { team: 'ml' }, description: 'first try' });
    expect(run.info).toMatchObject({ experimentId, runName: 'baseline' });
    expect(run.data.tags).toMatchObject({ team: 'ml', 'mlflow.note.content': 'first try' });
    await endRun('KILLED');
    expect((await getRun(run.info.runId)).info.status).toBe('KILLED');
  });

  it('uses the experiment set with setExperiment, creating it when missing', async () => {
    const experiment = await setExperiment('churn');
    const run = await startRun();
    expect(run.info.experimentId).toBe(experiment.experimentId);
    await endRun();
    expect((await setExperiment('churn')).experimentId).toBe(experiment.experimentId);
  });

  it('refuses a second top-level run while one is active, and nests on request', async () => {
    const parent = await startRun({ runName: 'parent' });
    await expect(startRun()).rejects.toThrow(/is already active.*nested: true/s);
    const child = await startRun({ nested: true, runName: 'child' });
    expect(child.data.tags['mlflow.parentRunId']).toBe(parent.info.runId);
    expect((await getParentRun(child.info.runId))?.info.runId).toBe(parent.info.runId);
    expect(await getParentRun(parent.info.runId)).toBeNull();
    await endRun();
    expect(activeRun()?.info.runId).toBe(parent.info.runId);
    await endRun();
  });

  it('accepts an explicit parentRunId and resumes a run by id', async () => {
    const parent = await withRun(async (run) => run);
    const child = await withRun({ parentRunId: parent.info.runId }, async (run) => run);
    expect(child.data.tags['mlflow.parentRunId']).toBe(parent.info.runId);

    const resumed = await startRun({ runId: parent.info.runId });
    expect(resumed.info.status).toBe('RUNNING');
    await logMetric('late', 1);
    await endRun();
    expect((await getRun(parent.info.runId)).data.metrics).toEqual({ late: 1 });
  });

  it('rejects an empty or over-long run name and an unknown parent', async () => {
    await expect(startRun({ runName: '' })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    await expect(startRun({ runName: 'x'.repeat(251) })).rejects.toMatchObject({
      code: ErrorCode.INVALID_PARAMETER_VALUE,
    });
    await expect(startRun({ parentRunId: 'f'.repeat(32) })).rejects.toMatchObject({
      code: ErrorCode.RESOURCE_DOES_NOT_EXIST,
    });
    expect(activeRun()).toBeNull();
  });

  it('rejects an invalid status in endRun', async () => {
    await startRun();
    await expect(endRun('DONE' as never)).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    await endRun();
  });
});

describe('withRun', () => {
  it('ends the run FINISHED and returns the callback result', async () => {
    const [runId, value] = await withRun({ runName: 'ok' }, async (run) => {
      await logParam('alpha', 0.5);
      return [run.info.runId, 42] as const;
    });
    expect(value).toBe(42);
    const run = await getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.params).toEqual({ alpha: '0.5' });
    expect(activeRun()).toBeNull();
  });

  it('ends the run FAILED and rethrows when the callback throws', async () => {
    let runId = '';
    await expect(
      withRun(async (run) => {
        runId = run.info.runId;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await getRun(runId)).info.status).toBe('FAILED');
    expect(activeRun()).toBeNull();
  });

  it('keeps concurrent runs apart: each logs into its own run', async () => {
    const work = async (name: string, value: number): Promise<string> =>
      withRun({ runName: name }, async (run) => {
        for (let step = 0; step < 20; step += 1) {
          await logMetric('value', value, { step });
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
          expect(activeRun()?.info.runId).toBe(run.info.runId);
        }
        return run.info.runId;
      });
    const ids = await Promise.all([work('one', 1), work('two', 2), work('three', 3)]);
    const values = await Promise.all(ids.map(async (id) => (await getRun(id)).data.metrics.value));
    expect(values).toEqual([1, 2, 3]);
  });

  it('nests inside another withRun with nested: true', async () => {
    await withRun({ runName: 'outer' }, async (outer) => {
      const inner = await withRun({ nested: true, runName: 'inner' }, async (run) => run);
      expect(inner.data.tags['mlflow.parentRunId']).toBe(outer.info.runId);
      expect(activeRun()?.info.runId).toBe(outer.info.runId);
    });
  });
});

describe('fluent logging without a run', () => {
  it('starts a run on first use, as MLflow does', async () => {
    expect(activeRun()).toBeNull();
    await logMetric('m', 1);
    const run = activeRun();
    expect(run).not.toBeNull();
    expect((await getRun(run?.info.runId ?? '')).data.metrics).toEqual({ m: 1 });
    await endRun();
  });
});

describe('deleteRun / restoreRun', () => {
  it('hides a deleted run from searches until restored', async () => {
    const run = await withRun(async (r) => r);
    await deleteRun(run.info.runId);
    expect((await searchRuns()).map((r) => r.info.runId)).not.toContain(run.info.runId);
    await restoreRun(run.info.runId);
    expect((await searchRuns()).map((r) => r.info.runId)).toContain(run.info.runId);
  });

  it('fails on an unknown run', async () => {
    await expect(deleteRun('nope')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    await expect(getRun('nope')).rejects.toThrow(/No run with id "nope"/);
  });
});
