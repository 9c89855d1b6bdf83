// `evalflow ui` as a user runs it: the built binary, stopped by a signal.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';

const binary = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeEach(async () => {
  ({ path: dir, remove } = await makeTempDir('evalflow-cli-ui-'));
});
afterEach(async () => remove());

const env = (): NodeJS.ProcessEnv => ({ ...process.env, EVALFLOW_TRACKING_URI: join(dir, 'store'), NO_COLOR: '1' });

/** Starts `evalflow ui` and resolves with the URL it prints. */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [binary, 'ui', ...args], { cwd: dir, env: env() });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /evalflow ui: (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) resolve({ child, url, output: () => stdout });
    });
    child.once('exit', (code) => reject(new Error(`evalflow ui exited with ${code}: ${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('evalflow ui', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves the UI on loopback, prints the URL and stops on ${signal}`, async () => {
      const { child, url, output } = await startCli(['--port', '0']);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Runs · evalflow</title>');
      expect((await fetch(new URL('/assets/app.js', url))).status).toBe(200);
      const done = exited(child);
      child.kill(signal);
      expect(await done).toBe(0);
      expect(output()).toContain(`stopped (${signal})`);
    });
  }

  it('refuses a bad port and a port in use with exit code 2', async () => {
    const bad = spawnSync(process.execPath, [binary, 'ui', '--port', 'http'], { cwd: dir, env: env(), encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Invalid --port "http"');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = spawnSync(process.execPath, [binary, 'ui', '--port', String(port)], { cwd: dir, env: env(), encoding: 'utf8' });
      expect(busy.status).toBe(2);
      expect(busy.stderr).toContain('already in use');
    } finally {
      taken.close();
    }
  });
});
