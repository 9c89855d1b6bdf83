import { describe, expect, it } from 'vitest';
import {
  createExperiment,
  deleteExperiment,
  ErrorCode,
  getExperiment,
  getExperimentByName,
  renameExperiment,
  restoreExperiment,
  searchExperiments,
  setExperiment,
  setExperimentTag,
  setExperimentTags,
  startRun,
} from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

describe('experiments', () => {
  it('creates one and finds it by id and by name', async () => {
    const id = await createExperiment('fraud', { tags: { team: 'risk' } });
    expect(await getExperiment(id)).toMatchObject({ name: 'fraud', tags: { team: 'risk' }, lifecycleStage: 'active' });
    expect((await getExperimentByName('fraud'))?.experimentId).toBe(id);
    expect(await getExperimentByName('missing')).toBeNull();
  });

  it('rejects a duplicate, an empty and an over-long name', async () => {
    await createExperiment('dup');
    await expect(createExperiment('dup')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_ALREADY_EXISTS });
    await expect(createExperiment('dup')).rejects.toThrow(/already exists.*setExperiment\("dup"\)/);
    await expect(createExperiment('')).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    await expect(createExperiment('   ')).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    await expect(createExperiment('x'.repeat(501))).rejects.toThrow(/limit is 500/);
  });

  it('fails on an unknown id', async () => {
    await expect(getExperiment('77')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    await expect(setExperiment({ experimentId: '77' })).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
  });

  it('sets tags, renames, searches, deletes and restores', async () => {
    const id = await createExperiment('a-1');
    await createExperiment('a-2');
    await setExperimentTag(id, 'k', 'v');
    await setExperimentTags(id, { k2: 'v2' });
    expect((await getExperiment(id)).tags).toEqual({ k: 'v', k2: 'v2' });
    await renameExperiment(id, 'b-1');
    expect((await searchExperiments({ nameLike: 'a-%' })).map((e) => e.name)).toEqual(['a-2']);
    await deleteExperiment(id);
    expect((await searchExperiments()).map((e) => e.name)).not.toContain('b-1');
    await expect(setExperiment('b-1')).rejects.toThrow(/deleted experiment/);
    await restoreExperiment(id);
    expect((await setExperiment('b-1')).experimentId).toBe(id);
  });

  it('sends new runs to the active experiment', async () => {
    const experiment = await setExperiment('active-one');
    const run = await startRun();
    expect(run.info.experimentId).toBe(experiment.experimentId);
  });
});
