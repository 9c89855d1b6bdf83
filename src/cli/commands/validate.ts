import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkEvaluationResults, loadThresholds, type MetricThreshold, type ValidationReport } from '../../index.js';
import { CliError, ExitCode } from '../errors.js';
import { loadMetrics } from '../load-metrics.js';
import { formatNumber, print, printJson, style } from '../output.js';

interface ValidateFlags {
  candidate: string;
  baseline?: string;
  thresholds: string;
  format: string;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a candidate against thresholds and a baseline: exit 0 when every threshold holds, 1 when one fails, 2 on bad input')
    .requiredOption('--candidate <run id | dir>', 'the candidate: a run id, or a folder saved by evalflow evaluate --out')
    .option('--baseline <run id | dir>', 'the baseline to compare with')
    .requiredOption('--thresholds <file>', 'JSON: { "metric": { "threshold", "min_absolute_change", "min_relative_change", "greater_is_better" } }')
    .option('--format <format>', 'text, markdown or json', 'text')
    .action(async (flags: ValidateFlags) => {
      if (!['text', 'markdown', 'json'].includes(flags.format)) {
        throw new CliError(`Unknown --format "${flags.format}": use text, markdown or json.`);
      }
      const thresholds = await loadThresholds(resolve(flags.thresholds));
      const candidate = await loadMetrics(flags.candidate, 'candidate');
      const baseline = flags.baseline === undefined ? undefined : await loadMetrics(flags.baseline, 'baseline');
      const report = checkEvaluationResults(thresholds, { metrics: candidate.metrics }, baseline && { metrics: baseline.metrics });
      if (flags.format === 'json') printJson(jsonReport(report, candidate.label, baseline?.label));
      else if (flags.format === 'markdown') print(markdownReport(report, candidate.label, baseline?.label));
      else print(textReport(report, candidate.label, baseline?.label));
      process.exitCode = report.passed ? ExitCode.OK : ExitCode.VALIDATION_FAILED;
    });
}

function describeThreshold(threshold: MetricThreshold): string {
  const cmp = threshold.greaterIsBetter ? '≥' : '≤';
  const sign = threshold.greaterIsBetter ? '+' : '−';
  const parts: string[] = [];
  if (threshold.threshold !== undefined) parts.push(`${cmp} ${formatNumber(threshold.threshold)}`);
  if (threshold.minAbsoluteChange !== undefined) parts.push(`Δ ${sign}${formatNumber(threshold.minAbsoluteChange)}`);
  if (threshold.minRelativeChange !== undefined) parts.push(`Δ ${sign}${formatNumber(threshold.minRelativeChange * 100)}%`);
  return parts.join(', ');
}

const value = (v: number | null): string => (v === null ? '—' : formatNumber(v));

function textReport(report: ValidationReport, candidate: string, baseline: string | undefined): string {
  const failed = report.results.filter((r) => !r.passed);
  const lines = [
    `candidate: ${candidate}`,
    ...(baseline ? [`baseline:  ${baseline}`] : []),
    '',
  ];
  for (const result of report.results) {
    const mark = result.passed ? style.green('PASS') : style.red('FAIL');
    lines.push(`${mark} ${result.metric}: candidate ${value(result.candidate)}, baseline ${value(result.baseline)}, threshold ${describeThreshold(result.threshold)}`);
    if (!result.passed) lines.push(`     ${result.failures.map((f) => `[${f.kind}] ${f.message}`).join('\n     ')}`);
  }
  lines.push('', failed.length === 0 ? style.green(`All ${report.results.length} metrics passed.`) : style.red(`${failed.length} of ${report.results.length} metrics failed.`));
  return lines.join('\n');
}

function markdownReport(report: ValidationReport, candidate: string, baseline: string | undefined): string {
  const failed = report.results.filter((r) => !r.passed).length;
  const lines = [
    `### evalflow validation: ${failed === 0 ? `✅ all ${report.results.length} metrics passed` : `❌ ${failed} of ${report.results.length} metrics failed`}`,
    '',
    `Candidate: \`${candidate}\`${baseline ? ` · Baseline: \`${baseline}\`` : ''}`,
    '',
    '| | metric | candidate | baseline | threshold | result |',
    '|---|---|---:|---:|---|---|',
  ];
  for (const result of report.results) {
    const outcome = result.passed ? 'passed' : result.failures.map((f) => f.kind.replaceAll('_', ' ')).join(', ');
    lines.push(`| ${result.passed ? '✅' : '❌'} | \`${result.metric}\` | ${value(result.candidate)} | ${value(result.baseline)} | ${describeThreshold(result.threshold)} | ${outcome} |`);
  }
  const failures = report.results.flatMap((r) => r.failures);
  if (failures.length > 0) lines.push('', '<details><summary>Failure messages</summary>', '', ...failures.map((f) => `- ${f.message}`), '', '</details>');
  return lines.join('\n');
}

function jsonReport(report: ValidationReport, candidate: string, baseline: string | undefined): unknown {
  return {
    passed: report.passed,
    candidate,
    baseline: baseline ?? null,
    metrics: report.results.map((r) => ({
      metric: r.metric,
      passed: r.passed,
      candidate: r.candidate,
      baseline: r.baseline,
      threshold: r.threshold,
      failures: r.failures.map((f) => ({ kind: f.kind, message: f.message })),
    })),
  };
}
