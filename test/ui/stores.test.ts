// Each UI server reads its own store: two UIs in one process show their own runs and take feedback into their own
// store, and starting or closing a UI leaves the host program's tracking URI as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeStores,
  flushTraces,
  getLastActiveTraceId,
  getTrace,
  getTrackingUri,
  setExperiment,
  setTrackingUri,
  startUi,
  trace,
  tracing,
  withRun,
} from '../../src/index.js';
import { resetActiveExperiment } from '../../src/tracking/experiments.js';
import { makeTempDir } from '../support/temp-dir.js';

const dirs: { path: string; remove: () => Promise<void> }[] = [];
let one = '';
let two = '';
let host = '';
let traceInTwo = '';

async function fill(dir: string, experimentName: string, runName: string): Promise<void> {
  setTrackingUri(dir);
  resetActiveExperiment();
  const experiment = await setExperiment(experimentName);
  await withRun({ experimentId: experiment.experimentId, runName }, async () => undefined);
}

beforeAll(async () => {
  for (let i = 0; i < 3; i += 1) dirs.push(await makeTempDir('evalflow-ui-stores-'));
  [one, two, host] = dirs.map((d) => d.path) as [string, string, string];
  await fill(one, 'store-one', 'run-in-one');
  await fill(two, 'store-two', 'run-in-two');
  tracing.setDestination({});
  await trace(async function inTwo(x: string) {
    return x;
  })('hello');
  traceInTwo = getLastActiveTraceId() ?? '';
  await flushTraces();
  // The host program works with a third store.
  setTrackingUri(host);
  resetActiveExperiment();
});

afterAll(async () => {
  resetActiveExperiment();
  await closeStores();
  setTrackingUri(undefined);
  for (const dir of dirs) await dir.remove();
});

describe('two UIs in one process', () => {
  it('each show their own store, take feedback into it, and leave the tracking URI alone', async () => {
    const before = getTrackingUri();
    const a = await startUi({ port: 0, trackingUri: one });
    const b = await startUi({ port: 0, trackingUri: two });
    try {
      expect(getTrackingUri()).toBe(before);
      expect(a.trackingUri).toBe(one);
      expect(b.trackingUri).toBe(two);

      const pageA = await (await fetch(a.url)).text();
      const pageB = await (await fetch(b.url)).text();
      expect(pageA).toContain('run-in-one');
      expect(pageA).not.toContain('run-in-two');
      expect(pageB).toContain('run-in-two');
      expect(pageB).not.toContain('run-in-one');

      const names = async (url: string): Promise<string[]> =>
        ((await (await fetch(new URL('/api/runs', url))).json()) as { runs: { info: { runName: string } }[] }).runs.map((r) => r.info.runName);
      expect(await names(a.url)).toEqual(['run-in-one']);
      expect(await names(b.url)).toEqual(['run-in-two']);

      // The trace is in store two only; feedback through UI B is written there.
      expect((await fetch(new URL(`/api/traces/${traceInTwo}`, a.url))).status).toBe(404);
      const posted = await fetch(new URL(`/api/traces/${traceInTwo}/feedback`, b.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'helpful', value: 'yes', sourceId: 'bob' }),
      });
      expect(posted.status).toBe(201);
      setTrackingUri(two);
      expect((await getTrace(traceInTwo))?.info.assessments?.map((x) => x.name)).toEqual(['helpful']);
      setTrackingUri(host);

      // The host program may close the stores while the UIs run: the next request opens the UI's store again.
      await closeStores();
      expect(await names(a.url)).toEqual(['run-in-one']);
      expect(getTrackingUri()).toBe(before);
    } finally {
      await a.close();
      await b.close();
    }
    expect(getTrackingUri()).toBe(before);
  });

  it('shows the store in effect when it starts, when given none', async () => {
    setTrackingUri(one);
    const ui = await startUi({ port: 0 });
    try {
      setTrackingUri(two);
      expect(ui.trackingUri).toBe(one);
      expect(await (await fetch(ui.url)).text()).toContain('run-in-one');
    } finally {
      await ui.close();
      setTrackingUri(host);
    }
    await expect(startUi({ port: 0, trackingUri: ' ' })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
  });
});
