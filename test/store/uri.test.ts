import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveStoreLocation } from '../../src/store/uri.js';
import { closeStores, ErrorCode, getRun, getTrackingUri, setTrackingUri, withRun } from '../../src/index.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('resolveStoreLocation', () => {
  it('reads a folder path, a file:// URI and sqlite:/// URIs', () => {
    expect(resolveStoreLocation('./evalflow', '/work')).toEqual({
      dbPath: '/work/evalflow/evalflow.db',
      artifactRoot: '/work/evalflow/artifacts',
    });
    expect(resolveStoreLocation(pathToFileURL('/data/ef').href)).toEqual({
      dbPath: '/data/ef/evalflow.db',
      artifactRoot: '/data/ef/artifacts',
    });
    expect(resolveStoreLocation('sqlite:///runs/db.sqlite', '/work')).toEqual({
      dbPath: '/work/runs/db.sqlite',
      artifactRoot: '/work/runs/artifacts',
    });
    expect(resolveStoreLocation('sqlite:////abs/x.db')).toEqual({ dbPath: '/abs/x.db', artifactRoot: '/abs/artifacts' });
  });

  it('rejects an empty URI, a malformed sqlite URI and unsupported schemes', () => {
    expect(() => resolveStoreLocation('')).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE }));
    expect(() => resolveStoreLocation('sqlite://db')).toThrow(/three slashes/);
    expect(() => resolveStoreLocation('postgresql://host/db')).toThrow(/Unsupported tracking URI/);
  });
});

describe('tracking URI', () => {
  const saved = process.env.EVALFLOW_TRACKING_URI;
  afterEach(async () => {
    if (saved === undefined) delete process.env.EVALFLOW_TRACKING_URI;
    else process.env.EVALFLOW_TRACKING_URI = saved;
    setTrackingUri(undefined);
    await closeStores();
  });

  it('defaults to ./evalflow, then the environment, then setTrackingUri', async () => {
    delete process.env.EVALFLOW_TRACKING_URI;
    expect(getTrackingUri()).toBe(join(process.cwd(), 'evalflow'));
    process.env.EVALFLOW_TRACKING_URI = '/tmp/from-env';
    expect(getTrackingUri()).toBe('/tmp/from-env');
    setTrackingUri('sqlite:///x.db');
    expect(getTrackingUri()).toBe('sqlite:///x.db');
  });

  it('keeps runs of different URIs apart', async () => {
    const a = await makeTempDir();
    const b = await makeTempDir();
    setTrackingUri(`sqlite:///${join(a.path, 'one.db')}`);
    const run = await withRun(async (r) => r);
    setTrackingUri(b.path);
    await expect(getRun(run.info.runId)).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    setTrackingUri(`sqlite:///${join(a.path, 'one.db')}`);
    expect((await getRun(run.info.runId)).info.status).toBe('FINISHED');
    await closeStores();
    await a.remove();
    await b.remove();
  });
});
