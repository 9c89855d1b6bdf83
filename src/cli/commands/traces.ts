import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { getTrace, searchTracesPage, type Span, type Trace } from '../../index.js';
import { CliError } from '../errors.js';
import { formatNumber, formatTime, print, printJson, style, table, truncate } from '../output.js';

export function registerTraces(program: Command): void {
  const traces = program.command('traces').description('list, show and export traces');
  traces
    .command('list')
    .description('traces of the active (or given) experiment, newest first')
    .option('--experiment-id <id...>', 'experiment ids')
    .option('--filter <filter>', "MLflow trace filter, e.g. \"trace.status = 'ERROR' AND span.type = 'LLM'\"")
    .option('--order-by <clause...>', 'e.g. "execution_time_ms DESC"')
    .option('--max <n>', 'at most this many traces', '50')
    .option('--json', 'print JSON')
    .action(async (flags: { experimentId?: string[]; filter?: string; orderBy?: string[]; max: string; json?: boolean }) => {
      const page = await searchTracesPage({
        ...(flags.experimentId && { experimentIds: flags.experimentId }),
        ...(flags.filter !== undefined && { filter: flags.filter }),
        ...(flags.orderBy && { orderBy: flags.orderBy }),
        maxResults: Number(flags.max),
        includeSpans: false,
      });
      if (flags.json) {
        printJson(page.traces.map((t) => t.toJSON().info));
        return;
      }
      print(table(['trace_id', 'name', 'state', 'request_time', 'duration_ms', 'tokens', 'request'], page.traces.map((t) => [
        t.info.traceId,
        t.info.tags['mlflow.traceName'] ?? '',
        t.info.state,
        formatTime(t.info.requestTime),
        t.info.executionDuration,
        tokens(t),
        truncate(t.info.requestPreview ?? '', 40),
      ])));
    });

  traces
    .command('show <traceId>')
    .description('the span tree with durations, status, token usage, inputs and outputs')
    .option('--width <n>', 'cut inputs and outputs to this many characters', '100')
    .option('--json', "print MLflow's trace JSON")
    .action(async (traceId: string, flags: { width: string; json?: boolean }) => {
      const found = await requireTrace(traceId);
      if (flags.json) {
        printJson(found.toJSON());
        return;
      }
      const width = Number(flags.width);
      const { info } = found;
      print(style.bold(`${info.traceId} ${info.tags['mlflow.traceName'] ?? ''}`));
      print(`${info.state} · ${formatTime(info.requestTime)} · ${info.executionDuration ?? '?'} ms · experiment ${info.experimentId}${tokens(found) ? ` · ${tokens(found)} tokens` : ''}`);
      const tagText = Object.entries(info.tags).filter(([k]) => !k.startsWith('mlflow.')).map(([k, v]) => `${k}=${v}`).join(' ');
      if (tagText) print(`tags: ${tagText}`);
      print();
      const children = new Map<string | null, Span[]>();
      const ids = new Set(found.data.spans.map((s) => s.spanId));
      for (const span of found.data.spans) {
        const parent = span.parentId !== null && ids.has(span.parentId) ? span.parentId : null;
        children.set(parent, [...(children.get(parent) ?? []), span]);
      }
      const walk = (parent: string | null, depth: number): void => {
        for (const span of children.get(parent) ?? []) {
          const indent = '  '.repeat(depth);
          const status = span.status.code === 'STATUS_CODE_ERROR' ? style.red('ERROR') : span.status.code === 'STATUS_CODE_OK' ? 'OK' : 'UNSET';
          const usage = span.getAttribute('mlflow.chat.tokenUsage') as { total_tokens?: number } | undefined;
          const duration = span.durationMs === null ? 'unfinished' : `${formatNumber(Math.round(span.durationMs * 100) / 100)} ms`;
          print(`${indent}${style.bold(span.name)} [${span.spanType}] ${duration} ${status}${usage?.total_tokens !== undefined ? ` ${usage.total_tokens} tokens` : ''}`);
          if (span.inputs !== undefined) print(`${indent}  ${style.dim('in:')}  ${truncate(JSON.stringify(span.inputs), width)}`);
          if (span.outputs !== undefined) print(`${indent}  ${style.dim('out:')} ${truncate(JSON.stringify(span.outputs), width)}`);
          if (span.status.message) print(`${indent}  ${style.dim('error:')} ${truncate(span.status.message, width)}`);
          walk(span.spanId, depth + 1);
        }
      };
      walk(null, 0);
    });

  traces
    .command('export <traceId>')
    .description("write MLflow's trace JSON to a file")
    .requiredOption('--out <file>', 'the JSON file to write')
    .action(async (traceId: string, flags: { out: string }) => {
      const found = await requireTrace(traceId);
      await writeFile(resolve(flags.out), `${JSON.stringify(found.toJSON(), null, 2)}\n`);
      print(`wrote ${resolve(flags.out)}`);
    });
}

async function requireTrace(traceId: string): Promise<Trace> {
  const found = await getTrace(traceId);
  if (!found) throw new CliError(`No trace with id "${traceId}". List trace ids with: evalflow traces list`);
  return found;
}

function tokens(trace: Trace): number | null {
  const usage = trace.info.traceMetadata['mlflow.trace.tokenUsage'];
  if (!usage) return null;
  try {
    return (JSON.parse(usage) as { total_tokens?: number }).total_tokens ?? null;
  } catch {
    return null;
  }
}
