import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { getTrackingUri, searchExperiments, searchRunsPage, searchTracesPage } from '../../index.js';
import { print, printJson } from '../output.js';

/** Shows a secret's shape, never its value. */
export function maskSecret(value: string | undefined): string {
  if (!value) return '(not set)';
  return value.length <= 8 ? '****' : `${value.slice(0, 3)}…${value.slice(-2)} (${value.length} characters)`;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('versions, the tracking store and its size, and whether an OpenAI-compatible endpoint is configured')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const require = createRequire(import.meta.url);
      const version = (name: string): string => {
        try {
          const start = name === 'evalflow' ? fileURLToPath(import.meta.url) : require.resolve(name);
          return packageVersion(start, name) ?? '(unknown)';
        } catch {
          return '(not installed)';
        }
      };
      const uri = getTrackingUri();
      const experiments = await searchExperiments({ viewType: 'ALL' });
      const ids = experiments.map((e) => e.experimentId);
      const runs = await searchRunsPage({ experimentIds: ids, maxResults: 50_000, viewType: 'ALL' });
      const traces = ids.length === 0 ? 0 : (await searchTracesPage({ experimentIds: ids, maxResults: 500, includeSpans: false })).traces.length;
      let dbBytes: number | null = null;
      try {
        dbBytes = statSync(uri.startsWith('sqlite:///') ? uri.slice('sqlite:///'.length) : `${uri}/evalflow.db`).size;
      } catch {
        dbBytes = null;
      }
      const report = {
        versions: { node: process.version, evalflow: version('evalflow'), 'better-sqlite3': version('better-sqlite3'), openai: version('openai') },
        trackingUri: uri,
        store: { databaseBytes: dbBytes, experiments: experiments.length, runs: runs.runs.length, traces: traces >= 500 ? '500+' : traces },
        openai: {
          baseURL: process.env.OPENAI_BASE_URL ?? '(default: api.openai.com)',
          apiKey: maskSecret(process.env.OPENAI_API_KEY),
          judgeModel: process.env.EVALFLOW_JUDGE_MODEL ?? '(not set)',
        },
        otlp: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '(not set)',
      };
      if (flags.json) {
        printJson(report);
        return;
      }
      print(`node ${report.versions.node} · evalflow ${report.versions.evalflow} · better-sqlite3 ${report.versions['better-sqlite3']} · openai ${report.versions.openai}`);
      print(`tracking URI: ${uri}`);
      print(`store: ${dbBytes === null ? 'no database yet' : `${dbBytes} bytes`}, ${experiments.length} experiments, ${runs.runs.length} runs, ${report.store.traces} traces`);
      print(`OpenAI-compatible endpoint: ${report.openai.baseURL}, API key ${report.openai.apiKey}, judge model ${report.openai.judgeModel}`);
      print(`OTLP trace export: ${report.otlp}`);
    });
}

/** The version in the nearest package.json named `name` above `file` (packages need not export their package.json). */
function packageVersion(file: string, name: string): string | undefined {
  let dir = dirname(file);
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
