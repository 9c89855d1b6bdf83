import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(import.meta.dirname, '..');

export interface ServerProcess {
  baseURL: string;
  stop(): void;
}

/**
 * Runs a fake OpenAI server script (its path from the repository root) in its own process, so that its work is not
 * counted as the benchmarked client's; the script prints `{"baseURL"}` on its first line and stops when stdin closes.
 */
export async function startServerProcess(script: string, args: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code}`)));
  });
  lines.close();
  return {
    baseURL: (JSON.parse(first) as { baseURL: string }).baseURL,
    stop() {
      child.stdin?.end();
      child.kill('SIGTERM');
    },
  };
}
