import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  getArtifactUri,
  getRun,
  listArtifacts,
  loadDict,
  loadTable,
  loadText,
  logArtifact,
  logArtifacts,
  logDict,
  logFigure,
  logTable,
  logText,
  withRun,
} from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

const sandbox = useTrackingSandbox();

describe('artifacts', () => {
  it('lives in the store folder under the experiment and run', async () => {
    await withRun(async (run) => {
      const uri = await getArtifactUri();
      expect(uri).toBe(run.info.artifactUri);
      expect(fileURLToPath(uri)).toBe(join(sandbox.dir(), 'artifacts', '0', run.info.runId, 'artifacts'));
      expect(await getArtifactUri('plots/roc.png')).toBe(`${uri}/plots/roc.png`);
    });
  });

  it('copies files and folders in', async () => {
    const source = join(sandbox.dir(), 'source');
    await mkdir(join(source, 'nested'), { recursive: true });
    await writeFile(join(source, 'a.txt'), 'A');
    await writeFile(join(source, 'nested', 'b.txt'), 'B');
    await withRun(async () => {
      expect(await logArtifact(join(source, 'a.txt'))).toBe('a.txt');
      expect(await logArtifact(join(source, 'a.txt'), 'copies')).toBe('copies/a.txt');
      await logArtifacts(source, 'all');
      const listing = await listArtifacts();
      expect(listing.map((a) => [a.path, a.isDir])).toEqual([
        ['a.txt', false],
        ['all', true],
        ['copies', true],
      ]);
      expect((await listArtifacts('all')).map((a) => a.path)).toEqual(['all/a.txt', 'all/nested']);
      expect(await loadText('all/nested/b.txt')).toBe('B');
    });
  });

  it('writes dicts as JSON or YAML by extension, and text', async () => {
    await withRun(async () => {
      const config = { model: 'tree', depth: 3, tags: ['a', 'b'] };
      const jsonUri = await logDict(config, 'config.json');
      expect(JSON.parse(await readFile(fileURLToPath(jsonUri), 'utf8'))).toEqual(config);
      const yamlUri = await logDict(config, 'config.yaml');
      expect(await readFile(fileURLToPath(yamlUri), 'utf8')).toContain('depth: 3');
      expect(await loadDict('config.yaml')).toEqual(config);
      await logText('hello', 'notes/hello.txt');
      expect(await loadText('notes/hello.txt')).toBe('hello');
    });
  });

  it('refuses paths that leave the artifact folder and missing sources', async () => {
    await withRun(async () => {
      await expect(logText('x', '../../escape.txt')).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
      await expect(logText('x', '/etc/passwd')).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
      await expect(logArtifact('/no/such/file.txt')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
      await expect(loadText('missing.txt')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    });
  });
});

describe('logTable / loadTable', () => {
  it('writes pandas split JSON from rows or columns, and appends on a second log', async () => {
    await withRun(async (run) => {
      const uri = await logTable([{ q: 'a', score: 1 }, { q: 'b', score: Number.NaN }], 'eval.json');
      expect(JSON.parse(await readFile(fileURLToPath(uri), 'utf8'))).toEqual({
        columns: ['q', 'score'],
        data: [
          ['a', 1],
          ['b', null],
        ],
      });
      await logTable({ q: ['c'], extra: [true] }, 'eval.json');
      expect(await loadTable('eval.json', { runIds: [run.info.runId] })).toEqual([
        { q: 'a', score: 1, extra: null },
        { q: 'b', score: null, extra: null },
        { q: 'c', score: null, extra: true },
      ]);
      const tag = (await getRun(run.info.runId)).data.tags['mlflow.loggedArtifacts'];
      expect(JSON.parse(tag ?? '[]')).toEqual([{ path: 'eval.json', type: 'table' }]);
    });
  });

  it('loads across the runs of the experiment with a run_id column', async () => {
    const first = await withRun(async (run) => {
      await logTable([{ x: 1 }], 't.json');
      return run.info.runId;
    });
    const second = await withRun(async (run) => {
      await logTable([{ x: 2 }], 't.json');
      return run.info.runId;
    });
    await withRun(async () => undefined);
    const rows = await loadTable('t.json', { extraColumns: ['run_id'] });
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(expect.arrayContaining([{ x: 1, run_id: first }, { x: 2, run_id: second }]));
  });

  it('rejects bad input', async () => {
    await withRun(async () => {
      await expect(logTable([{ a: 1 }], 'table.csv')).rejects.toThrow(/must end in ".json"/);
      await expect(logTable({ a: [1, 2], b: [1] }, 't.json')).rejects.toThrow(/"b" has 1 values but "a" has 2/);
      await expect(logTable([{ a: 1 }, 5 as never], 't.json')).rejects.toThrow(/row 1 is not an object/);
      await expect(loadTable('none.json')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
      await expect(loadTable('t.json', { extraColumns: ['run_name'] })).rejects.toThrow(/unknown extra column/);
    });
  });
});

describe('logFigure', () => {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Loss by epoch',
    data: { values: [{ epoch: 1, loss: 0.9 }, { epoch: 2, loss: 0.4 }] },
    mark: 'line',
    encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'loss', type: 'quantitative' } },
  } as const;

  it('keeps the spec as JSON and renders SVG and PNG', async () => {
    await withRun(async () => {
      const jsonUri = await logFigure(spec, 'loss.vl.json');
      expect(JSON.parse(await readFile(fileURLToPath(jsonUri), 'utf8'))).toEqual(spec);
      const svg = await readFile(fileURLToPath(await logFigure(spec, 'loss.svg')), 'utf8');
      expect(svg).toMatch(/^<svg/);
      expect(svg).toContain('Loss by epoch');
      const png = await readFile(fileURLToPath(await logFigure(spec, 'loss.png')));
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    });
  });

  it('rejects an unknown extension', async () => {
    await withRun(async () => {
      await expect(logFigure(spec, 'loss.gif')).rejects.toThrow(/\.json.*\.svg or \.png/);
    });
  });
});
