// The contract every TrackingStore implementation must pass. A new backend calls `trackingStoreContract` with a
// factory for fresh, empty stores.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/errors.js';
import type { Run } from '../../src/store/entities.js';
import type { TrackingStore } from '../../src/store/tracking-store.js';

export interface StoreFixture {
  store: TrackingStore;
  cleanup: () => Promise<void>;
}

export function trackingStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`TrackingStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: TrackingStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    async function newRun(experimentId = '0', runName = 'r', startTime = 1000): Promise<Run> {
      return store.createRun({ experimentId, runName, userId: 'tester', startTime, tags: [] });
    }

    describe('experiments', () => {
      it('has the Default experiment with id "0"', async () => {
        const experiment = await store.getExperiment('0');
        expect(experiment.name).toBe('Default');
        expect(experiment.lifecycleStage).toBe('active');
      });

      it('creates, finds by id and by name, with tags and an artifact location', async () => {
        const id = await store.createExperiment('fraud', undefined, [{ key: 'team', value: 'risk' }]);
        const byId = await store.getExperiment(id);
        expect(byId).toMatchObject({ experimentId: id, name: 'fraud', lifecycleStage: 'active', tags: { team: 'risk' } });
        expect(byId.artifactLocation).toContain(id);
        expect(byId.creationTime).toBeGreaterThan(0);
        expect(await store.getExperimentByName('fraud')).toEqual(byId);
        expect(await store.getExperimentByName('nope')).toBeNull();
      });

      it('gives distinct ids and rejects a duplicate name', async () => {
        const a = await store.createExperiment('a');
        const b = await store.createExperiment('b');
        expect(a).not.toBe(b);
        await expect(store.createExperiment('a')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_ALREADY_EXISTS });
      });

      it('fails on an unknown id', async () => {
        await expect(store.getExperiment('999')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
        await expect(store.getExperiment('not-a-number')).rejects.toMatchObject({
          code: ErrorCode.RESOURCE_DOES_NOT_EXIST,
        });
      });

      it('renames, tags, deletes (with its runs) and restores', async () => {
        const id = await store.createExperiment('old');
        const run = await newRun(id);
        await store.renameExperiment(id, 'new');
        expect((await store.getExperiment(id)).name).toBe('new');
        await store.setExperimentTag(id, { key: 'k', value: 'v' });
        expect((await store.getExperiment(id)).tags).toEqual({ k: 'v' });

        await store.deleteExperiment(id);
        expect((await store.getExperiment(id)).lifecycleStage).toBe('deleted');
        expect((await store.getRun(run.info.runId)).info.lifecycleStage).toBe('deleted');
        expect((await store.searchExperiments()).map((e) => e.name)).not.toContain('new');
        expect((await store.searchExperiments({ viewType: 'DELETED_ONLY' })).map((e) => e.name)).toEqual(['new']);

        await store.restoreExperiment(id);
        expect((await store.getExperiment(id)).lifecycleStage).toBe('active');
        expect((await store.getRun(run.info.runId)).info.lifecycleStage).toBe('active');
      });

      it('refuses to delete the Default experiment and to create runs in a deleted one', async () => {
        await expect(store.deleteExperiment('0')).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
        const id = await store.createExperiment('gone');
        await store.deleteExperiment(id);
        await expect(newRun(id)).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
      });

      it('searches by name pattern, case-sensitively', async () => {
        await store.createExperiment('fraud-v1');
        await store.createExperiment('fraud-v2');
        await store.createExperiment('Fraud-old');
        const names = (await store.searchExperiments({ nameLike: 'fraud-%' })).map((e) => e.name).sort();
        expect(names).toEqual(['fraud-v1', 'fraud-v2']);
      });
    });

    describe('runs', () => {
      it('creates a RUNNING run with the name as a tag and an artifact URI under the experiment', async () => {
        const id = await store.createExperiment('e');
        const run = await store.createRun({
          experimentId: id,
          runName: 'bold-mule-1',
          userId: 'ada',
          startTime: 1234,
          tags: [{ key: 'mlflow.user', value: 'ada' }],
        });
        expect(run.info).toMatchObject({
          experimentId: id,
          runName: 'bold-mule-1',
          userId: 'ada',
          status: 'RUNNING',
          startTime: 1234,
          endTime: null,
          lifecycleStage: 'active',
        });
        expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/);
        expect(run.info.artifactUri).toContain(run.info.runId);
        expect(run.data.tags).toEqual({ 'mlflow.runName': 'bold-mule-1', 'mlflow.user': 'ada' });
        expect(await store.getRun(run.info.runId)).toEqual(run);
      });

      it('fails on an unknown run or experiment', async () => {
        await expect(store.getRun('0123')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
        await expect(newRun('42')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
        await expect(store.logBatch('0123', { tags: [{ key: 'a', value: 'b' }] })).rejects.toMatchObject({
          code: ErrorCode.RESOURCE_DOES_NOT_EXIST,
        });
      });

      it('updates status, end time and name (keeping the mlflow.runName tag in step)', async () => {
        const run = await newRun();
        const info = await store.updateRunInfo(run.info.runId, { status: 'FINISHED', endTime: 2000, runName: 'renamed' });
        expect(info).toMatchObject({ status: 'FINISHED', endTime: 2000, runName: 'renamed' });
        expect((await store.getRun(run.info.runId)).data.tags['mlflow.runName']).toBe('renamed');
        await store.logBatch(run.info.runId, { tags: [{ key: 'mlflow.runName', value: 'by-tag' }] });
        expect((await store.getRun(run.info.runId)).info.runName).toBe('by-tag');
      });

      it('deletes and restores a run; a deleted run takes no writes', async () => {
        const run = await newRun();
        await store.deleteRun(run.info.runId);
        expect((await store.getRun(run.info.runId)).info.lifecycleStage).toBe('deleted');
        await expect(store.logBatch(run.info.runId, { params: [{ key: 'a', value: '1' }] })).rejects.toMatchObject({
          code: ErrorCode.INVALID_PARAMETER_VALUE,
        });
        await store.restoreRun(run.info.runId);
        await store.logBatch(run.info.runId, { params: [{ key: 'a', value: '1' }] });
        expect((await store.getRun(run.info.runId)).data.params).toEqual({ a: '1' });
      });
    });

    describe('metrics, params and tags', () => {
      it('keeps the full metric history and shows the latest (max step, then timestamp, then value)', async () => {
        const { runId } = (await newRun()).info;
        await store.logBatch(runId, {
          metrics: [
            { key: 'loss', value: 0.9, timestamp: 10, step: 0 },
            { key: 'loss', value: 0.5, timestamp: 11, step: 2 },
            { key: 'loss', value: 0.7, timestamp: 12, step: 1 },
          ],
        });
        expect((await store.getRun(runId)).data.metrics).toEqual({ loss: 0.5 });
        const history = await store.getMetricHistory(runId, 'loss');
        expect(history.map((m) => [m.step, m.value])).toEqual([
          [0, 0.9],
          [1, 0.7],
          [2, 0.5],
        ]);
        // Same step, later timestamp wins even with a smaller value.
        await store.logBatch(runId, { metrics: [{ key: 'loss', value: 0.1, timestamp: 20, step: 2 }] });
        expect((await store.getRun(runId)).data.metrics.loss).toBe(0.1);
        // An older step logged later does not replace the latest.
        await store.logBatch(runId, { metrics: [{ key: 'loss', value: 5, timestamp: 30, step: 0 }] });
        expect((await store.getRun(runId)).data.metrics.loss).toBe(0.1);
        expect(await store.getMetricHistory(runId, 'loss')).toHaveLength(5);
      });

      it('stores NaN and ±Infinity faithfully', async () => {
        const { runId } = (await newRun()).info;
        await store.logBatch(runId, {
          metrics: [
            { key: 'nan', value: Number.NaN, timestamp: 1, step: 0 },
            { key: 'inf', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
            { key: 'ninf', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 0 },
          ],
        });
        const { metrics } = (await store.getRun(runId)).data;
        expect(metrics.nan).toBeNaN();
        expect(metrics.inf).toBe(Number.POSITIVE_INFINITY);
        expect(metrics.ninf).toBe(Number.NEGATIVE_INFINITY);
        expect((await store.getMetricHistory(runId, 'nan'))[0]?.value).toBeNaN();
      });

      it('allows re-logging a param with the same value and rejects a different value', async () => {
        const { runId } = (await newRun()).info;
        await store.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] });
        await store.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] });
        await expect(store.logBatch(runId, { params: [{ key: 'lr', value: '0.2' }] })).rejects.toThrow(
          /Changing param values is not allowed.*lr.*0\.1.*0\.2/,
        );
      });

      it('writes nothing from a rejected batch', async () => {
        const { runId } = (await newRun()).info;
        await store.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] });
        await expect(
          store.logBatch(runId, {
            metrics: [{ key: 'acc', value: 1, timestamp: 1, step: 0 }],
            tags: [{ key: 't', value: 'v' }],
            params: [
              { key: 'depth', value: '3' },
              { key: 'lr', value: '0.5' },
            ],
          }),
        ).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
        const run = await store.getRun(runId);
        expect(run.data.metrics).toEqual({});
        expect(run.data.params).toEqual({ lr: '0.1' });
        expect(run.data.tags.t).toBeUndefined();
        expect(await store.getMetricHistory(runId, 'acc')).toEqual([]);
      });

      it('rejects conflicting values of one param inside a batch', async () => {
        const { runId } = (await newRun()).info;
        await expect(
          store.logBatch(runId, {
            params: [
              { key: 'a', value: '1' },
              { key: 'a', value: '2' },
            ],
          }),
        ).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
        expect((await store.getRun(runId)).data.params).toEqual({});
      });

      it('overwrites tags and deletes them', async () => {
        const { runId } = (await newRun()).info;
        await store.logBatch(runId, { tags: [{ key: 'stage', value: 'dev' }] });
        await store.logBatch(runId, { tags: [{ key: 'stage', value: 'prod' }] });
        expect((await store.getRun(runId)).data.tags.stage).toBe('prod');
        await store.deleteTag(runId, 'stage');
        expect((await store.getRun(runId)).data.tags.stage).toBeUndefined();
        await expect(store.deleteTag(runId, 'stage')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
      });
    });

    describe('searchRuns', () => {
      async function seed(): Promise<{ experimentId: string; ids: Record<string, string> }> {
        const experimentId = await store.createExperiment('search');
        const ids: Record<string, string> = {};
        const specs = [
          { name: 'a', rmse: 0.5, model: 'tree', start: 1 },
          { name: 'b', rmse: 0.3, model: 'linear', start: 2 },
          { name: 'c', rmse: 0.9, model: 'tree', start: 3 },
          { name: 'd', rmse: undefined, model: 'Tree', start: 4 },
        ];
        for (const spec of specs) {
          const run = await newRun(experimentId, spec.name, spec.start);
          ids[spec.name] = run.info.runId;
          await store.logBatch(run.info.runId, {
            metrics: spec.rmse === undefined ? [] : [{ key: 'rmse', value: spec.rmse, timestamp: 1, step: 0 }],
            params: [{ key: 'model', value: spec.model }],
            tags: [{ key: 'mlflow.source.name', value: `${spec.name}.ts` }],
          });
        }
        return { experimentId, ids };
      }

      it('filters on metrics, params, tags and attributes', async () => {
        const { experimentId } = await seed();
        const names = async (filter: string): Promise<string[]> =>
          (await store.searchRuns({ experimentIds: [experimentId], filter })).items.map((r) => r.info.runName).sort();
        expect(await names('metrics.rmse < 0.6')).toEqual(['a', 'b']);
        expect(await names("params.model = 'tree'")).toEqual(['a', 'c']);
        expect(await names("params.model LIKE 'T%'")).toEqual(['d']);
        expect(await names("params.model ILIKE 't%'")).toEqual(['a', 'c', 'd']);
        expect(await names("tags.`mlflow.source.name` = 'b.ts'")).toEqual(['b']);
        expect(await names("attributes.run_name IN ('a', 'd')")).toEqual(['a', 'd']);
        expect(await names("metrics.rmse >= 0.5 and params.model = 'tree'")).toEqual(['a', 'c']);
        expect(await names("attributes.status = 'RUNNING'")).toEqual(['a', 'b', 'c', 'd']);
      });

      it('orders by start time (newest first) by default and by a metric on request, missing values last', async () => {
        const { experimentId } = await seed();
        const order = async (orderBy?: string[]): Promise<string[]> =>
          (await store.searchRuns({ experimentIds: [experimentId], ...(orderBy && { orderBy }) })).items.map(
            (r) => r.info.runName,
          );
        expect(await order()).toEqual(['d', 'c', 'b', 'a']);
        expect(await order(['metrics.rmse ASC'])).toEqual(['b', 'a', 'c', 'd']);
        expect(await order(['metrics.rmse DESC'])).toEqual(['c', 'a', 'b', 'd']);
      });

      it('pages with maxResults and a page token', async () => {
        const { experimentId } = await seed();
        const first = await store.searchRuns({ experimentIds: [experimentId], maxResults: 3 });
        expect(first.items).toHaveLength(3);
        expect(first.nextPageToken).toEqual(expect.any(String));
        const second = await store.searchRuns({
          experimentIds: [experimentId],
          maxResults: 3,
          pageToken: first.nextPageToken ?? '',
        });
        expect(second.items.map((r) => r.info.runName)).toEqual(['a']);
        expect(second.nextPageToken).toBeNull();
      });

      it('leaves out deleted runs unless asked', async () => {
        const { experimentId, ids } = await seed();
        await store.deleteRun(ids.a ?? '');
        const active = await store.searchRuns({ experimentIds: [experimentId] });
        expect(active.items.map((r) => r.info.runName)).not.toContain('a');
        const deleted = await store.searchRuns({ experimentIds: [experimentId], viewType: 'DELETED_ONLY' });
        expect(deleted.items.map((r) => r.info.runName)).toEqual(['a']);
      });

      it('rejects a malformed filter with INVALID_PARAMETER_VALUE', async () => {
        await expect(store.searchRuns({ experimentIds: ['0'], filter: 'metrics.rmse >> 1' })).rejects.toMatchObject({
          code: ErrorCode.INVALID_PARAMETER_VALUE,
        });
      });
    });

    describe('judge cache', () => {
      it('returns null for an unknown key, stores replies, and a later value replaces an earlier one', async () => {
        expect(await store.getCachedJudgeReply('k1')).toBeNull();
        await store.cacheJudgeReplies([
          { key: 'k1', value: '{"result":"yes"}' },
          { key: 'k2', value: '' },
        ]);
        expect(await store.getCachedJudgeReply('k1')).toBe('{"result":"yes"}');
        expect(await store.getCachedJudgeReply('k2')).toBe('');
        await store.cacheJudgeReplies([{ key: 'k1', value: '{"result":"no"}' }]);
        expect(await store.getCachedJudgeReply('k1')).toBe('{"result":"no"}');
        await store.cacheJudgeReplies([]);
      });

      it('rejects a bad entry with INVALID_PARAMETER_VALUE and writes none of the call', async () => {
        await expect(store.cacheJudgeReplies([{ key: 'ok', value: 'v' }, { key: '', value: 'v' }])).rejects.toMatchObject({
          code: ErrorCode.INVALID_PARAMETER_VALUE,
        });
        await expect(store.cacheJudgeReplies([{ key: 'k', value: 1 as never }])).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
        expect(await store.getCachedJudgeReply('ok')).toBeNull();
      });
    });
  });
}
