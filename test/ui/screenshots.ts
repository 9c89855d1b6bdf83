/**
 * Screenshots of the main pages for the README: `npx tsx test/ui/screenshots.ts` writes docs/screenshots/*.png from a
 * store filled by the UI test fixture. Not part of the test suite.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startUi } from '../../src/index.js';
import { buildFixture } from './fixture.js';

const out = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

async function main(): Promise<void> {
  const fixture = await buildFixture();
  const ui = await startUi({ port: 0 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    await mkdir(out, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
    const shoot = async (path: string, file: string, prepare?: () => Promise<void>): Promise<void> => {
      await page.goto(new URL(path, ui.url).href);
      await page.waitForLoadState('networkidle');
      if (prepare) await prepare();
      await page.screenshot({ path: join(out, file), fullPage: true });
      process.stdout.write(`wrote ${join(out, file)}\n`);
    };
    await shoot('/', 'runs.png');
    await shoot(`/runs/${fixture.baselineRunId}`, 'run.png');
    await shoot(`/compare?runs=${fixture.baselineRunId}&runs=${fixture.candidateRunId}`, 'compare.png');
    await shoot('/traces', 'traces.png');
    await shoot(`/traces/${fixture.chatTraceId}`, 'trace.png', async () => {
      // A reviewer overrides the judge, so the page shows the verdict with the original struck through.
      await fetch(new URL(`/api/traces/${fixture.chatTraceId}/assessments/${fixture.judgeFeedbackId}/override`, ui.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ value: 'yes', rationale: 'The answer is right; citing is not required here.', sourceId: 'alice' }),
      });
      await page.reload();
      await page.locator('details.span[data-span-name="chat_completion"] > summary').click();
    });
  } finally {
    await browser.close();
    await ui.close();
    await fixture.remove();
  }
}

await main();
