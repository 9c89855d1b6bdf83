import { Agent, request } from 'node:http';
import { mkdir, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushTraces, getLastActiveTraceId, getRun, getTrace, logText, startUi, trace, withSpan, type UiServer } from '../../src/index.js';
import { clearTableCache, readTable, RunArtifacts } from '../../src/ui/artifacts.js';
import { buildFixture, HOSTILE_INPUT, type UiFixture } from './fixture.js';

let fixture: UiFixture;
let ui: UiServer;

beforeAll(async () => {
  fixture = await buildFixture();
  ui = await startUi({ port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await fixture?.remove();
});

const get = (path: string, init?: RequestInit): Promise<Response> => fetch(new URL(path, ui.url), init);
const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  get(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const artifact = (runId: string, path: string): Promise<Response> => get(`/api/runs/${runId}/artifact?path=${encodeURIComponent(path)}`);

async function errorOf(response: Response): Promise<{ status: number; error_code: string; message: string }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, ...((await response.json()) as { error_code: string; message: string }) };
}

describe('pages', () => {
  it('are HTML with a strict CSP, no inline script or style, and the script and stylesheet served as files', async () => {
    for (const path of ['/', `/runs/${fixture.baselineRunId}`, `/compare?runs=${fixture.baselineRunId}&runs=${fixture.candidateRunId}`, '/traces', `/traces/${fixture.chatTraceId}`]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const page = await response.text();
      expect(page.match(/<script[^>]*>/g)).toEqual([expect.stringMatching(/^<script src="\/assets\/app\.js\?v=[0-9a-f]+" defer>$/)]);
      // Inside tags only: a trace's text may well say "onerror=", escaped.
      expect(page).not.toMatch(/<[^>]*\s(style|on[a-z]+)=/i);
    }
    const script = await get('/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("fetch(form.getAttribute('data-api')");
    expect((await get('/assets/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/assets/nope.js')).status).toBe(404);
  });

  it('write what a trace or a dataset holds as text', async () => {
    const trace = await (await get(`/traces/${fixture.hostileTraceId}`)).text();
    expect(trace).toContain('&lt;script&gt;window.__xss = 1&lt;/script&gt;&lt;img src=&quot;x&quot; onerror=&quot;window.__xss = 2&quot;&gt;');
    expect(trace).not.toContain(HOSTILE_INPUT);
    const run = await (await get(`/runs/${fixture.baselineRunId}`)).text();
    expect(run).toContain('&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;i&gt;not italic&lt;/i&gt;');
    expect(run).toContain('&lt;b&gt;plain text&lt;/b&gt;');
  });

  it('show a bad filter on the page, and an unknown run as a 404 page', async () => {
    const response = await get(`/?filter=${encodeURIComponent('metrics.roc_auc >> 1')}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/class="error-banner"[^>]*><strong>INVALID_PARAMETER_VALUE<\/strong>/);
    const missing = await get('/runs/0123456789abcdef0123456789abcdef');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('runs API', () => {
  it('lists experiments and runs, filtered and ordered by MLflow filter strings', async () => {
    const experiments = (await (await get('/api/experiments')).json()) as { experiments: { name: string }[] };
    expect(experiments.experiments.map((e) => e.name)).toContain('fraud-detector');
    const all = (await (await get('/api/runs?orderBy=metrics.roc_auc%20DESC')).json()) as { runs: { info: { runName: string } }[] };
    expect(all.runs.map((r) => r.info.runName)).toEqual(['candidate', 'baseline']);
    const filtered = (await (await get(`/api/runs?experiment=${fixture.experimentId}&filter=${encodeURIComponent("params.model = 'logreg'")}`)).json()) as {
      runs: { info: { runId: string } }[];
    };
    expect(filtered.runs.map((r) => r.info.runId)).toEqual([fixture.baselineRunId]);
  });

  it('answers a bad filter, a bad parameter and an unknown run with the error code and message', async () => {
    expect(await errorOf(await get(`/api/runs?filter=${encodeURIComponent('metrics.roc_auc >> 1')}`))).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    expect(await errorOf(await get('/api/runs?max=0'))).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('max') });
    expect(await errorOf(await get('/api/runs/0123456789abcdef0123456789abcdef'))).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(await errorOf(await get('/api/nothing-here'))).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(await errorOf(await post('/api/runs', {}))).toMatchObject({ status: 405, error_code: 'BAD_REQUEST' });
  });

  it('gives a run with its plots and tables, metric history, a table page and the comparison', async () => {
    const run = (await (await get(`/api/runs/${fixture.baselineRunId}`)).json()) as { plots: string[]; tables: string[]; run: { data: { params: Record<string, string> } } };
    expect(run.plots).toContain('roc_curve_plot.vl.json');
    expect(run.tables).toEqual(['eval_results_table.json']);
    expect(run.run.data.params.model).toBe('logreg');

    const history = (await (await get(`/api/runs/${fixture.baselineRunId}/metric-history?key=train_loss`)).json()) as { metrics: { step: number }[] };
    expect(history.metrics.map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    const table = (await (await get(`/api/runs/${fixture.baselineRunId}/table?path=eval_results_table.json&offset=25&limit=5`)).json()) as {
      columns: string[];
      rows: Record<string, unknown>[];
      total: number;
    };
    expect(table.total).toBe(60);
    expect(table.rows).toHaveLength(5);
    expect(table.columns).toEqual(['x1', 'note', 'label', 'predicted', 'correct/score']);
    expect(table.rows[0]?.note).toBe('row 25');

    const compare = (await (await get(`/api/compare?runs=${fixture.baselineRunId},${fixture.candidateRunId}`)).json()) as {
      metrics: { key: string; values: number[]; deltas: number[] }[];
    };
    const rocAuc = compare.metrics.find((m) => m.key === 'roc_auc');
    expect(rocAuc?.deltas[0]).toBe(0);
    expect(rocAuc?.deltas[1]).toBeCloseTo((rocAuc?.values[1] ?? 0) - (rocAuc?.values[0] ?? 0), 12);
    expect(await errorOf(await get('/api/compare'))).toMatchObject({ status: 400, message: expect.stringContaining('at least one run') });
  });

  it('renders the stored Vega-Lite plots and charts as SVG images', async () => {
    const roc = await get(`/api/runs/${fixture.baselineRunId}/plot.svg?path=roc_curve_plot.vl.json`);
    expect(roc.status).toBe(200);
    expect(roc.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(roc.headers.get('content-security-policy')).toContain('sandbox');
    const svg = await roc.text();
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('>ROC curve</text>');
    expect(svg).toContain('>AUC=0.810</text>');
    const history = await get(`/api/runs/${fixture.baselineRunId}/metric-chart.svg?key=train_loss`);
    expect(await history.text()).toContain('train_loss');
    const chart = await get(`/api/compare/chart.svg?runs=${fixture.baselineRunId}&runs=${fixture.candidateRunId}&metric=roc_auc`);
    expect(await chart.text()).toContain('roc_auc');
  });

  it('answers a metric chart of a key the run never logged with 404', async () => {
    expect(await errorOf(await get(`/api/runs/${fixture.baselineRunId}/metric-chart.svg?key=nope`))).toMatchObject({
      status: 404,
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining('no metric "nope"'),
    });
    expect(await errorOf(await get(`/api/runs/${fixture.baselineRunId}/metric-chart.svg`))).toMatchObject({ status: 400 });
  });

  it('draws only *.vl.json specs, without data generators, of bounded size and rows', async () => {
    const runId = fixture.candidateRunId;
    const plotOf = (path: string): Promise<Response> => get(`/api/runs/${runId}/plot.svg?path=${encodeURIComponent(path)}`);
    const encoding = { x: { field: 'data', type: 'quantitative' } };
    await logText(JSON.stringify({ data: { values: [{ data: 1 }] }, mark: 'point', encoding }), 'plain.json', { runId });
    expect(await errorOf(await plotOf('plain.json'))).toMatchObject({ status: 400, message: expect.stringContaining('.vl.json') });
    for (const [name, data] of [
      ['sequence', { sequence: { start: 0, stop: 200_000 } }],
      ['graticule', { graticule: true }],
      ['sphere', { sphere: true }],
    ] as const) {
      await logText(JSON.stringify({ data, mark: 'point', encoding }), `${name}.vl.json`, { runId });
      expect(await errorOf(await plotOf(`${name}.vl.json`)), name).toMatchObject({ status: 400, message: expect.stringContaining('generates its data') });
    }
    const nested = { layer: [{ data: { sequence: { start: 0, stop: 1e6 } }, mark: 'point', encoding }] };
    await logText(JSON.stringify(nested), 'nested.vl.json', { runId });
    expect(await errorOf(await plotOf('nested.vl.json'))).toMatchObject({ status: 400, message: expect.stringContaining('spec.layer[0].data.sequence') });

    const rows = Array.from({ length: 50_001 }, (_, i) => ({ data: i }));
    await logText(JSON.stringify({ data: { values: rows }, mark: 'point', encoding }), 'many.vl.json', { runId });
    expect(await errorOf(await plotOf('many.vl.json'))).toMatchObject({ status: 422, error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('50001 rows') });
    await logText(JSON.stringify({ datasets: { a: rows }, data: { name: 'a' }, mark: 'point', encoding }), 'datasets.vl.json', { runId });
    expect((await plotOf('datasets.vl.json')).status).toBe(422);

    const big = { data: { values: [{ data: 1 }] }, mark: 'point', encoding, description: 'x'.repeat(5 * 1024 * 1024) };
    await logText(JSON.stringify(big), 'big.vl.json', { runId });
    expect(await errorOf(await plotOf('big.vl.json'))).toMatchObject({ status: 422, message: expect.stringContaining('at most 5242880 bytes') });

    await logText(JSON.stringify({ data: { values: rows.slice(0, 100) }, mark: 'point', encoding }), 'fine.vl.json', { runId });
    const fine = await plotOf('fine.vl.json');
    expect(fine.status).toBe(200);
    expect(await fine.text()).toMatch(/^<svg /);
  });

  it('refuses plot specs that would load outside data', async () => {
    const runId = fixture.candidateRunId;
    const spec = { data: { url: 'file:///etc/passwd' }, mark: 'point' };
    await logText(JSON.stringify(spec), 'outside.vl.json', { runId });
    expect(await errorOf(await get(`/api/runs/${runId}/plot.svg?path=outside.vl.json`))).toMatchObject({
      status: 400,
      message: expect.stringContaining('outside data'),
    });
  });
});

describe('tables', () => {
  it('parses a table once per version of its file, while paging through it', async () => {
    const runId = fixture.candidateRunId;
    const rows = Array.from({ length: 300 }, (_, i) => [i, `row ${i}`]);
    await logText(JSON.stringify({ columns: ['i', 'text'], data: rows }), 'paged.json', { runId });
    clearTableCache();
    const artifacts = new RunArtifacts(await getRun(runId));
    const first = await readTable(artifacts, 'paged.json');
    expect(await readTable(artifacts, 'paged.json')).toBe(first);
    for (const offset of [0, 25, 50]) {
      const page = (await (await get(`/api/runs/${runId}/table?path=paged.json&offset=${offset}`)).json()) as { rows: { i: number }[]; total: number };
      expect(page.total).toBe(300);
      expect(page.rows[0]?.i).toBe(offset);
    }
    expect(await readTable(artifacts, 'paged.json')).toBe(first);

    // A new version of the file (same size, another modification time) is read again.
    const file = await artifacts.resolveFile('paged.json');
    await writeFile(file, JSON.stringify({ columns: ['i', 'text'], data: rows.map(([i, t]) => [i === 0 ? 9 : i, t]) }));
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    expect((await stat(file)).size).toBe((await stat(file)).size);
    const second = await readTable(artifacts, 'paged.json');
    expect(second).not.toBe(first);
    expect(second.data[0]).toEqual([9, 'row 0']);
  });
});

describe('long span values', () => {
  it('are cut on the trace page with a note linking to the trace JSON, which has all of them', async () => {
    const long = `${'a'.repeat(25_000)}END-OF-INPUT`;
    const fn = trace(async function longValues(text: string) {
      return withSpan(
        (span) => {
          span.setAttribute('big.attribute', `${'b'.repeat(30_000)}END-OF-ATTRIBUTE`);
          return `${'c'.repeat(21_000)}END-OF-OUTPUT`;
        },
        { name: 'inner', inputs: { text } },
      );
    });
    await fn(long);
    const traceId = getLastActiveTraceId() ?? '';
    await flushTraces();
    const response = await get(`/traces/${traceId}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    // Booleans, not toContain: a failure would print the whole page.
    for (const end of ['END-OF-INPUT', 'END-OF-ATTRIBUTE', 'END-OF-OUTPUT']) expect(page.includes(end), end).toBe(false);
    expect(page.includes('a'.repeat(19_000))).toBe(true);
    const notes = page.match(/… truncated \(20000 of \d+ characters shown\), full JSON at <a href="([^"]+)">/g) ?? [];
    // The inputs of both spans, the output of both and the attribute.
    expect(notes).toHaveLength(5);
    for (const note of notes) expect(note.endsWith(`<a href="/api/traces/${traceId}">`)).toBe(true);
    expect(page.includes(`… truncated (20000 of 30016 characters shown)`)).toBe(true);
    expect(page.length).toBeLessThan(200_000);
    const json = JSON.stringify(await (await get(`/api/traces/${traceId}`)).json());
    for (const end of ['END-OF-INPUT', 'END-OF-ATTRIBUTE', 'END-OF-OUTPUT']) expect(json.includes(end), end).toBe(true);
  });
});

describe('artifact files', () => {
  it('streams large files whole, with their length; HEAD sends the length only; empty files too', async () => {
    const runId = fixture.candidateRunId;
    const text = Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n');
    await logText(text, 'big.txt', { runId });
    await logText('', 'empty.txt', { runId });
    const response = await artifact(runId, 'big.txt');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(await response.text()).toBe(text);
    const head = await get(`/api/runs/${runId}/artifact?path=big.txt`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(await head.text()).toBe('');
    const empty = await artifact(runId, 'empty.txt');
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-length')).toBe('0');
    expect(await empty.text()).toBe('');
  });

  it('serves a file of the run with its type, sandboxed; HTML only as a download', async () => {
    const png = await artifact(fixture.baselineRunId, 'roc_curve_plot.png');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('content-security-policy')).toContain('sandbox');
    await logText('<script>alert(1)</script>', 'report.html', { runId: fixture.baselineRunId });
    const page = await artifact(fixture.baselineRunId, 'report.html');
    expect(page.headers.get('content-type')).toBe('application/octet-stream');
    expect(page.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('rejects paths that leave the artifact folder: .., absolute, encoded, backslashes', async () => {
    for (const path of ['../../../evalflow.db', 'plots/../../x', '/etc/passwd', '..\\..\\evalflow.db', 'a\0b', '..']) {
      const failure = await errorOf(await artifact(fixture.baselineRunId, path));
      expect(failure, path).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('Invalid artifact path') });
    }
    const raw = await get(`/api/runs/${fixture.baselineRunId}/artifact?path=%2e%2e%2f%2e%2e%2f%2e%2e%2fevalflow.db`);
    expect(raw.status).toBe(400);
    expect(await errorOf(await artifact(fixture.baselineRunId, 'missing.png'))).toMatchObject({ status: 404 });
  });

  it('rejects symlinks that lead out of the artifact folder', async () => {
    const run = await getRun(fixture.candidateRunId);
    const root = fileURLToPath(run.info.artifactUri);
    const outside = join(fixture.dir, 'secret.txt');
    await writeFile(outside, 'secret');
    await mkdir(join(fixture.dir, 'secret-dir'), { recursive: true });
    await writeFile(join(fixture.dir, 'secret-dir', 'key.txt'), 'secret');
    await symlink(outside, join(root, 'link.txt'));
    await symlink(join(fixture.dir, 'secret-dir'), join(root, 'linked-dir'));
    await symlink(join(root, 'roc_curve_plot.vl.json'), join(root, 'inside-link.vl.json'));
    for (const path of ['link.txt', 'linked-dir/key.txt']) {
      const failure = await errorOf(await artifact(fixture.candidateRunId, path));
      expect(failure, path).toMatchObject({ status: 403, message: expect.stringContaining('outside the run') });
    }
    expect((await artifact(fixture.candidateRunId, 'inside-link.vl.json')).status).toBe(200);
    expect((await get(`/api/runs/${fixture.candidateRunId}/plot.svg?path=link.txt`)).status).toBe(400);
  });
});

describe('traces API', () => {
  it('lists traces with their feedback, searched by filter string, and gives MLflow trace JSON', async () => {
    const list = (await (await get(`/api/traces?filter=${encodeURIComponent("trace.name = 'answer'")}`)).json()) as {
      traces: { trace_id: string; assessments: { assessment_name: string }[] }[];
    };
    expect(list.traces.map((t) => t.trace_id)).toEqual([fixture.chatTraceId]);
    expect(list.traces[0]?.assessments.map((a) => a.assessment_name)).toEqual(['correctness']);
    const one = (await (await get(`/api/traces/${fixture.chatTraceId}`)).json()) as { data: { spans: { name: string }[] } };
    expect(one.data.spans.map((s) => s.name).sort()).toEqual(['answer', 'chat_completion', 'retrieve']);
    expect(await errorOf(await get(`/api/traces?filter=${encodeURIComponent('trace.status ~ 1')}`))).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    expect(await errorOf(await get('/api/traces/tr-00000000000000000000000000000000'))).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('logs feedback given as JSON, on the trace or on one of its spans', async () => {
    const span = (await getTrace(fixture.hostileTraceId))?.data.spans[0]?.spanId ?? '';
    const response = await post(`/api/traces/${fixture.hostileTraceId}/feedback`, { name: 'helpful', value: 0.5, rationale: 'ok', sourceId: 'bob', spanId: span });
    expect(response.status).toBe(201);
    const { assessment } = (await response.json()) as { assessment: { assessment_id: string; source: unknown; span_id: string } };
    expect(assessment).toMatchObject({ source: { source_type: 'HUMAN', source_id: 'bob' }, span_id: span });
    const stored = await getTrace(fixture.hostileTraceId);
    expect(stored?.info.assessments?.find((a) => a.assessmentId === assessment.assessment_id)).toMatchObject({ name: 'helpful', value: 0.5, rationale: 'ok' });
  });

  it('validates feedback: fields, types, JSON, content type, origin, trace and span', async () => {
    const path = `/api/traces/${fixture.hostileTraceId}/feedback`;
    expect(await errorOf(await post(path, { name: 'x', value: 1 }))).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('sourceId') });
    expect(await errorOf(await post(path, { name: 'x', value: { a: { b: 1 } }, sourceId: 'bob' }))).toMatchObject({ status: 400, message: expect.stringContaining('value') });
    expect(await errorOf(await post(path, { name: 'x', value: 1, sourceId: 'bob', extra: true }))).toMatchObject({ status: 400, message: expect.stringContaining('extra') });
    expect(await errorOf(await post(path, { name: 'x', value: 1, sourceId: 'bob', sourceType: 'ROBOT' }))).toMatchObject({ status: 400, message: expect.stringContaining('sourceType') });
    expect(await errorOf(await post(path, '{"name":'))).toMatchObject({ status: 400, error_code: 'BAD_REQUEST' });
    expect(await errorOf(await post(path, 'name=x', { 'Content-Type': 'application/x-www-form-urlencoded' }))).toMatchObject({ status: 415 });
    expect(await errorOf(await post(path, { name: 'x', value: 1, sourceId: 'bob' }, { Origin: 'http://evil.example' }))).toMatchObject({ status: 403 });
    expect(await errorOf(await post(path, { name: 'x', value: 1, sourceId: 'bob', spanId: '0123456789abcdef' }))).toMatchObject({ status: 400, message: expect.stringContaining('no span') });
    expect(await errorOf(await post('/api/traces/tr-00000000000000000000000000000000/feedback', { name: 'x', value: 1, sourceId: 'bob' }))).toMatchObject({ status: 404 });
    expect(await errorOf(await post(path, JSON.stringify({ name: 'x', value: 'y'.repeat(70_000), sourceId: 'bob' })))).toMatchObject({ status: 413 });
  });

  it("overrides a judge's verdict once; the original stays, marked not valid", async () => {
    const path = `/api/traces/${fixture.chatTraceId}/assessments/${fixture.judgeFeedbackId}/override`;
    const response = await post(path, { value: 'yes', rationale: 'It is right.', sourceId: 'alice' });
    expect(response.status).toBe(201);
    const { assessment } = (await response.json()) as { assessment: { overrides: string; valid: boolean; assessment_name: string } };
    expect(assessment).toMatchObject({ overrides: fixture.judgeFeedbackId, valid: true, assessment_name: 'correctness' });
    const original = (await getTrace(fixture.chatTraceId))?.info.assessments?.find((a) => a.assessmentId === fixture.judgeFeedbackId);
    expect(original).toMatchObject({ valid: false, value: 'no' });
    expect(await errorOf(await post(path, { value: 'no', sourceId: 'carol' }))).toMatchObject({ status: 409, error_code: 'INVALID_STATE', message: expect.stringContaining('already overridden') });
    expect(await errorOf(await post(`/api/traces/${fixture.chatTraceId}/assessments/a-missing/override`, { value: 'no', sourceId: 'carol' }))).toMatchObject({ status: 404 });
    expect(await errorOf(await post(path, { sourceId: 'carol' }))).toMatchObject({ status: 400, message: expect.stringContaining('value') });
  });
});

describe('the server', () => {
  it('answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
    const status = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(new URL('/api/experiments', ui.url), { headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status(`localhost:${ui.port}`)).toBe(200);
    expect(await status(`127.0.0.1:${ui.port}`)).toBe(200);
    expect(await status(`evil.example:${ui.port}`)).toBe(403);
  });

  it('closes the connection after a 413, so the next request on a kept-alive connection succeeds', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: Buffer | string, chunked: boolean): Promise<{ status: number; connection: string | undefined; text: string }> =>
      new Promise((resolve, reject) => {
        const req = request(
          new URL(`/api/traces/${fixture.hostileTraceId}/feedback`, ui.url),
          {
            method: 'POST',
            agent,
            headers: { 'Content-Type': 'application/json', ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(Buffer.byteLength(body)) }) },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const ok = JSON.stringify({ name: 'after-413', value: 'yes', sourceId: 'bob' });
    try {
      for (const chunked of [true, false]) {
        expect(await send(ok, chunked)).toMatchObject({ status: 201 });
        const tooLarge = await send(Buffer.alloc(200_000, 32), chunked);
        expect(tooLarge).toMatchObject({ status: 413, connection: 'close' });
        expect(JSON.parse(tooLarge.text)).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.stringContaining('larger than 65536 bytes') });
        expect(await send(ok, chunked)).toMatchObject({ status: 201 });
      }
    } finally {
      agent.destroy();
    }
  });

  it('listens on loopback by default and refuses a bad port', async () => {
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/`);
    await expect(startUi({ port: 70_000 })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(startUi({ port: ui.port })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('already in use') });
  });
});
