// The UI in a real browser (Debian's chromium driven by playwright-core) against a store the fixture fills.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getTrace, startUi, type UiServer } from '../../src/index.js';
import { buildFixture, HOSTILE_INPUT, type UiFixture } from './fixture.js';

let fixture: UiFixture;
let ui: UiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  fixture = await buildFixture();
  ui = await startUi({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await fixture?.remove();
});

beforeEach(async () => {
  context = await browser.newContext({ baseURL: ui.url });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  problems = [];
  // A CSP violation or a script error on any page fails the test.
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
});

afterEach(async () => {
  await context.close();
  expect(problems).toEqual([]);
});

const rowsOf = (selector: string): Promise<string[]> => page.locator(`${selector} tbody tr`).allInnerTexts();
const loaded = (selector: string): Promise<number> =>
  page.locator(selector).evaluate((img) => {
    const image = img as unknown as { complete: boolean; naturalWidth: number };
    return image.complete ? image.naturalWidth : 0;
  });

describe('runs', () => {
  it('lists runs, filters them, sorts by a metric and shows the metric columns the user picks', async () => {
    await page.goto('/');
    expect(await rowsOf('#runs-table')).toHaveLength(2);

    await page.locator('#run-filter').fill("params.model = 'gbdt'");
    await page.locator('#run-filter').press('Enter');
    await page.waitForURL(/filter=/);
    const filtered = await rowsOf('#runs-table');
    expect(filtered).toHaveLength(1);
    expect(filtered[0]).toContain('candidate');

    await page.goto('/');
    const headers = page.locator('#runs-table thead th');
    expect(await headers.allInnerTexts()).toContain('roc_auc');
    await page.locator('#runs-table thead a', { hasText: 'roc_auc' }).click();
    await page.waitForURL(/orderBy=/);
    expect((await rowsOf('#runs-table'))[0]).toContain('candidate');
    await page.locator('#runs-table thead a', { hasText: 'roc_auc' }).click();
    await page.waitForURL(/ASC/);
    expect((await rowsOf('#runs-table'))[0]).toContain('baseline');

    await page.locator('details.columns > summary').click();
    await page.locator('#columns-form label', { hasText: 'log_loss' }).locator('input').check();
    await page.waitForURL(/metric=log_loss/);
    expect(await page.locator('#runs-table thead th').allInnerTexts()).toContain('log_loss');
  });

  it('compares two selected runs: metrics with deltas and a chart', async () => {
    await page.goto('/');
    const compare = page.locator('[data-compare-button]');
    expect(await compare.isDisabled()).toBe(true);
    for (const id of [fixture.baselineRunId, fixture.candidateRunId]) await page.locator(`tr[data-run-id="${id}"] input[name=runs]`).check();
    expect(await compare.isDisabled()).toBe(false);
    await compare.click();
    await page.waitForURL(/\/compare\?runs=/);

    // Runs come in the list's order, newest first: the candidate is the reference, the baseline's roc_auc is lower.
    expect(await page.locator('#compare-runs tbody tr').allInnerTexts()).toEqual([expect.stringContaining('candidate'), expect.stringContaining('baseline')]);
    const rocAuc = page.locator('#compare-table tr[data-metric="roc_auc"]');
    expect(await rocAuc.locator('td.delta').getAttribute('class')).toContain('delta-down');
    expect(await rocAuc.locator('td.delta').innerText()).toMatch(/^-0\.\d+ \(-\d+(\.\d+)?%\)$/);
    expect(await page.locator('#compare-params-table tr.differs th').allInnerTexts()).toEqual(['depth', 'model', 'notes']);
    await expect.poll(() => loaded('#compare-chart img')).toBeGreaterThan(100);
  });

  it('opens a run: params, metrics with a history chart, its ROC plot and the results table with paging', async () => {
    await page.goto('/');
    await page.locator('#runs-table a', { hasText: 'baseline' }).click();
    await page.waitForURL(/\/runs\//);
    expect(await page.locator('h1').innerText()).toContain('baseline');
    expect(await page.locator('#params').innerText()).toContain('logreg');

    const roc = page.locator('figure[data-plot="roc_curve_plot"]');
    await roc.scrollIntoViewIfNeeded();
    expect(await roc.locator('figcaption').innerText()).toBe('roc_curve_plot');
    await expect.poll(() => loaded('figure[data-plot="roc_curve_plot"] img')).toBeGreaterThan(400);
    await page.locator('img[alt="history of train_loss"]').scrollIntoViewIfNeeded();
    await expect.poll(() => loaded('img[alt="history of train_loss"]')).toBeGreaterThan(100);

    // Dataset text is text: the HTML in a cell is shown, not rendered.
    expect(await page.locator('#results-table').getByText('<b>not bold</b> & <i>not italic</i>').count()).toBe(1);
    expect(await page.locator('[data-table-pager]').innerText()).toContain('Rows 1–25 of 60');
    await page.locator('[data-table-pager] a[rel=next]').click();
    await page.waitForURL(/offset=25/);
    expect(await page.locator('[data-table-pager]').innerText()).toContain('Rows 26–50 of 60');
    expect((await rowsOf('#results-table'))[0]).toContain('row 25');
  });
});

describe('traces', () => {
  it('lists traces with status, latency, tokens and feedback, and searches them', async () => {
    await page.goto('/traces');
    const answer = page.locator(`tr[data-trace-id="${fixture.chatTraceId}"]`);
    expect(await answer.innerText()).toMatch(/answer\s+OK/);
    expect(await answer.locator('td').nth(5).innerText()).toBe('40');
    expect(await answer.locator('.chip').innerText()).toBe('correctness: no');

    await page.locator('#trace-filter').fill("trace.name = 'echo'");
    await page.locator('#trace-filter').press('Enter');
    await page.waitForURL(/filter=/);
    expect(await page.locator('#traces-table tbody tr').count()).toBe(1);
    expect(await page.locator(`tr[data-trace-id="${fixture.hostileTraceId}"]`).count()).toBe(1);
  });

  it('opens a trace and expands a span: inputs, outputs, attributes, events and the chat as a conversation', async () => {
    await page.goto('/traces');
    await page.locator(`tr[data-trace-id="${fixture.chatTraceId}"] a`).click();
    await page.waitForURL(/\/traces\/tr-/);
    expect(await page.locator('details.span').count()).toBe(3);
    const chat = page.locator('details.span[data-span-name="chat_completion"]');
    expect(await chat.locator('.conversation').isVisible()).toBe(false);

    await chat.locator('summary').click();
    expect(await chat.getAttribute('open')).not.toBeNull();
    const messages = chat.locator('.conversation .message');
    expect(await messages.count()).toBe(3);
    expect(await messages.nth(1).innerText()).toMatch(/^USER\s+What is the capital of France\?$/i);
    expect(await messages.nth(2).innerText()).toMatch(/^ASSISTANT\s+The capital of France is Paris\.$/i);
    expect(await chat.locator('.span-body').innerText()).toContain('first_token');
    expect(await chat.locator('.span-body').innerText()).toContain('gpt-4o-mini');
    expect(await chat.locator('svg.timing rect.bar').count()).toBe(1);

    await page.locator('[data-expand-all]').click();
    expect(await page.locator('details.span[open]').count()).toBe(3);
    await page.locator('[data-collapse-all]').click();
    expect(await page.locator('details.span[open]').count()).toBe(0);
  });

  it("overrides a judge's verdict: shown with the original struck through, and still so after a reload", async () => {
    await page.goto(`/traces/${fixture.chatTraceId}`);
    const card = page.locator('article.assessment[data-name="correctness"]');
    expect(await card.locator('.current .value').innerText()).toBe('no');
    expect(await card.locator('.current .source').innerText()).toBe('LLM_JUDGE · openai:/gpt-4o-mini');
    expect(await card.locator('.current .rationale').innerText()).toContain('does not cite');

    await card.locator('details.override > summary').click();
    const form = card.locator('form[data-kind="override"]');
    await form.locator('input[name=value]').fill('yes');
    await form.locator('textarea[name=rationale]').fill('Correct; citing is not required.');
    await form.locator('input[name=sourceId]').fill('alice');
    await form.locator('button[type=submit]').click();
    await card.locator('.previous').waitFor();

    for (const when of ['after saving', 'after a reload']) {
      const current = page.locator('article.assessment[data-name="correctness"]');
      expect(await current.locator('.current .value').innerText(), when).toBe('yes');
      expect(await current.locator('.current .source').innerText(), when).toBe('HUMAN · alice');
      expect(await current.locator('.previous del .value').innerText(), when).toBe('no');
      expect(await current.locator('.previous > del').evaluate((el) => (globalThis as unknown as CssView).getComputedStyle(el).textDecorationLine), when).toContain('line-through');
      expect(await current.locator('.previous .source').innerText(), when).toBe('LLM_JUDGE · openai:/gpt-4o-mini');
      await page.reload();
    }
    const stored = (await getTrace(fixture.chatTraceId))?.info.assessments ?? [];
    expect(stored.map((a) => [a.name, a.value, a.valid, a.source.sourceId])).toEqual([
      ['correctness', 'no', false, 'openai:/gpt-4o-mini'],
      ['correctness', 'yes', true, 'alice'],
    ]);

    // The name is remembered for the next form.
    await page.locator('details.log-feedback > summary').click();
    const log = page.locator('#log-feedback');
    expect(await log.locator('input[name=sourceId]').inputValue()).toBe('alice');
    await log.locator('input[name=name]').fill('tone');
    await log.locator('input[name=value]').fill('friendly');
    await log.locator('button[type=submit]').click();
    await page.locator('article.assessment[data-name="tone"]').waitFor();
    expect(await page.locator('article.assessment[data-name="tone"] .current .value').innerText()).toBe('friendly');
  });

  it('shows an API error in the form', async () => {
    await page.goto(`/traces/${fixture.hostileTraceId}`);
    await page.locator('details.log-feedback > summary').click();
    const log = page.locator('#log-feedback');
    await log.locator('input[name=name]').fill('x'.repeat(300));
    await log.locator('input[name=value]').fill('1');
    await log.locator('input[name=sourceId]').fill('bob');
    await log.locator('button[type=submit]').click();
    await log.locator('.form-error').waitFor();
    expect(await log.locator('.form-error').innerText()).toContain('name');
    problems = problems.filter((text) => !text.includes('400 (Bad Request)'));
  });

  it('renders a trace whose input holds <script> as text, and runs none of it', async () => {
    await page.goto(`/traces/${fixture.hostileTraceId}`);
    await page.locator('[data-expand-all]').click();
    const inputs = page.locator('details.span[data-span-name="echo"] pre.json').first();
    expect(await inputs.innerText()).toContain('<script>window.__xss = 1</script>');
    expect(await inputs.isVisible()).toBe(true);
    expect(await page.locator('article.assessment[data-name="safety"] .rationale').innerText()).toBe(HOSTILE_INPUT);
    expect(await page.locator('.conversation').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    await page.goto('/traces');
    expect(await page.locator(`tr[data-trace-id="${fixture.hostileTraceId}"] .preview`).innerText()).toContain('<script>');
    expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
  });
});

/** The browser's getComputedStyle, typed without the DOM library. */
interface CssView {
  getComputedStyle(element: unknown): { textDecorationLine: string };
}
