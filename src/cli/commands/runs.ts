import type { Command } from 'commander';
import { getRun, listArtifacts, searchRunsPage, searchExperiments, SystemTags, type Run } from '../../index.js';
import { formatNumber, formatTime, print, printJson, style, table } from '../output.js';

interface ListFlags {
  experiment?: string[];
  filter?: string;
  orderBy?: string[];
  max: string;
  columns?: string;
  json?: boolean;
}

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('list, show and compare runs');
  runs
    .command('list')
    .description('runs of the active (or named) experiments, newest first')
    .option('--experiment <name...>', 'experiment names')
    .option('--filter <filter>', "MLflow filter, e.g. \"metrics.accuracy_score > 0.9 and params.model = 'tree'\"")
    .option('--order-by <clause...>', 'e.g. "metrics.rmse ASC"')
    .option('--max <n>', 'at most this many runs', '50')
    .option('--columns <keys>', 'extra columns, e.g. metrics.rmse,params.alpha (default: up to 4 metrics)')
    .option('--json', 'print JSON')
    .action(async (flags: ListFlags) => {
      const page = await searchRunsPage({
        ...(flags.experiment && { experimentNames: flags.experiment }),
        ...(flags.filter !== undefined && { filter: flags.filter }),
        ...(flags.orderBy && { orderBy: flags.orderBy }),
        maxResults: Number(flags.max),
      });
      if (flags.json) {
        printJson(page.runs);
        return;
      }
      const columns = flags.columns?.split(',').map((c) => c.trim()).filter(Boolean) ?? defaultColumns(page.runs);
      print(table(['run_id', 'name', 'status', 'start_time', ...columns], page.runs.map((run) => [
        run.info.runId,
        run.info.runName,
        run.info.status,
        formatTime(run.info.startTime),
        ...columns.map((column) => columnValue(run, column)),
      ])));
      if (page.nextPageToken) print(style.dim(`(more runs: raise --max)`));
    });

  runs
    .command('show <runId>')
    .description('a run: info, params, metrics, tags and artifacts')
    .option('--json', 'print JSON')
    .action(async (runId: string, flags: { json?: boolean }) => {
      const run = await getRun(runId);
      const artifacts = await listArtifacts(undefined, { runId });
      if (flags.json) {
        printJson({ ...run, artifacts });
        return;
      }
      const { info, data } = run;
      print(style.bold(`${info.runName} (${info.runId})`));
      print(`experiment ${info.experimentId} · ${info.status} · started ${formatTime(info.startTime)}${info.endTime ? ` · ended ${formatTime(info.endTime)}` : ''}`);
      const parent = data.tags[SystemTags.PARENT_RUN_ID];
      if (parent) print(`parent run ${parent}`);
      print(`artifacts: ${info.artifactUri}`);
      section('params', Object.entries(data.params).map(([k, v]) => [k, v]));
      section('metrics', Object.entries(data.metrics).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v]));
      section('tags', Object.entries(data.tags).filter(([k]) => !k.startsWith('mlflow.') || k === SystemTags.NOTE).map(([k, v]) => [k, v]));
      section('artifacts', artifacts.map((a) => [a.path, a.isDir ? 'dir' : `${a.fileSize} bytes`]));
    });

  runs
    .command('compare <runIds...>')
    .description('metrics of several runs side by side, with the change from the first')
    .option('--json', 'print JSON')
    .action(async (runIds: string[], flags: { json?: boolean }) => {
      const all = await Promise.all(runIds.map((id) => getRun(id)));
      const keys = [...new Set(all.flatMap((run) => Object.keys(run.data.metrics)))].sort();
      const base = all[0];
      if (flags.json) {
        printJson(keys.map((key) => ({ metric: key, values: all.map((run) => run.data.metrics[key] ?? null) })));
        return;
      }
      const headers = ['metric', ...all.map((run, i) => (i === 0 ? run.info.runName : `${run.info.runName} (Δ)`))];
      print(table(headers, keys.map((key) => [
        key,
        ...all.map((run, i) => {
          const v = run.data.metrics[key];
          const b = base?.data.metrics[key];
          if (v === undefined) return '';
          if (i === 0 || b === undefined) return formatNumber(v);
          const delta = v - b;
          return `${formatNumber(v)} (${delta >= 0 ? '+' : ''}${formatNumber(delta)})`;
        }),
      ])));
    });
}

export function registerExperiments(program: Command): void {
  program
    .command('experiments')
    .description('experiments')
    .command('list')
    .description('active experiments')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const experiments = await searchExperiments();
      if (flags.json) {
        printJson(experiments);
        return;
      }
      print(table(['experiment_id', 'name', 'created', 'artifact_location'], experiments.map((e) => [e.experimentId, e.name, formatTime(e.creationTime), e.artifactLocation])));
    });
}

function section(title: string, rows: (string | number)[][]): void {
  if (rows.length === 0) return;
  print();
  print(table([title, ''], rows));
}

function defaultColumns(runs: Run[]): string[] {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.data.metrics)))].sort();
  return keys.slice(0, 4).map((key) => `metrics.${key}`);
}

function columnValue(run: Run, column: string): string | number | null {
  const [kind, ...rest] = column.split('.');
  const key = rest.join('.');
  if (kind === 'metrics' || kind === 'metric') return run.data.metrics[key] ?? null;
  if (kind === 'params' || kind === 'param') return run.data.params[key] ?? null;
  if (kind === 'tags' || kind === 'tag') return run.data.tags[key] ?? null;
  return null;
}
