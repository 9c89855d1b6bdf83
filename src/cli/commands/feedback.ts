import type { Command } from 'commander';
import { assessmentFromRecord, getTrace, logFeedback, overrideFeedback, type FeedbackValue } from '../../index.js';
import { CliError } from '../errors.js';
import { formatTime, print, printJson, style, table, truncate } from '../output.js';

interface SourceFlags {
  sourceType?: string;
  sourceId?: string;
}

export function registerFeedback(program: Command): void {
  const feedback = program.command('feedback').description('list, log and override feedback on traces');
  feedback
    .command('list <traceId>')
    .description('the assessments of a trace; overridden ones are marked')
    .option('--json', "print MLflow's assessment JSON")
    .action(async (traceId: string, flags: { json?: boolean }) => {
      const trace = await getTrace(traceId);
      if (!trace) throw new CliError(`No trace with id "${traceId}". List trace ids with: evalflow traces list`);
      const assessments = (trace.info.assessments ?? []).map((record) => assessmentFromRecord(record));
      if (flags.json) {
        printJson(assessments.map((a) => a.toJSON()));
        return;
      }
      if (assessments.length === 0) {
        print('no assessments');
        return;
      }
      print(table(['assessment_id', 'name', 'kind', 'value', 'source', 'valid', 'overrides', 'created', 'rationale'], assessments.map((a) => {
        const valid = a.kind === 'feedback' ? a.valid : true;
        return [
          a.assessmentId ?? '',
          a.name,
          a.kind,
          a.kind === 'feedback' && a.error ? `error: ${a.error.errorCode}` : truncate(JSON.stringify(a.value), 30),
          `${a.source.sourceType}:${a.source.sourceId}`,
          valid ? 'yes' : style.dim('no (overridden)'),
          a.kind === 'feedback' ? (a.overrides ?? '') : '',
          formatTime(a.createTimeMs),
          a.kind === 'feedback' ? truncate(a.rationale ?? '', 40) : '',
        ];
      })));
    });

  feedback
    .command('log <traceId>')
    .description('log feedback on a trace')
    .requiredOption('--name <name>', 'the feedback name, e.g. correctness')
    .requiredOption('--value <value>', 'a number, true/false, JSON, or text')
    .option('--rationale <text>', 'why')
    .option('--source-type <type>', 'HUMAN, LLM_JUDGE or CODE', 'HUMAN')
    .option('--source-id <who>', 'who gave it', 'default')
    .option('--span-id <id>', 'attach it to one span')
    .option('--json', 'print JSON')
    .action(async (traceId: string, flags: SourceFlags & { name: string; value: string; rationale?: string; spanId?: string; json?: boolean }) => {
      const logged = await logFeedback({
        traceId,
        name: flags.name,
        value: parseValue(flags.value),
        source: { sourceType: flags.sourceType ?? 'HUMAN', sourceId: flags.sourceId ?? 'default' },
        ...(flags.rationale !== undefined && { rationale: flags.rationale }),
        ...(flags.spanId !== undefined && { spanId: flags.spanId }),
      });
      if (flags.json) printJson(logged.toJSON());
      else print(`logged ${logged.assessmentId} (${logged.name} = ${JSON.stringify(logged.value)})`);
    });

  feedback
    .command('override <traceId> <assessmentId>')
    .description("override a feedback (a judge's verdict); the original is kept, marked not valid")
    .requiredOption('--value <value>', 'the new value')
    .option('--rationale <text>', 'why')
    .option('--source-type <type>', 'HUMAN, LLM_JUDGE or CODE', 'HUMAN')
    .requiredOption('--source-id <who>', 'who overrides it')
    .option('--json', 'print JSON')
    .action(async (traceId: string, assessmentId: string, flags: SourceFlags & { value: string; rationale?: string; json?: boolean }) => {
      const logged = await overrideFeedback({
        traceId,
        assessmentId,
        value: parseValue(flags.value),
        source: { sourceType: flags.sourceType ?? 'HUMAN', sourceId: flags.sourceId ?? 'default' },
        ...(flags.rationale !== undefined && { rationale: flags.rationale }),
      });
      if (flags.json) printJson(logged.toJSON());
      else print(`logged ${logged.assessmentId}, overriding ${assessmentId} (${logged.name} = ${JSON.stringify(logged.value)})`);
    });
}

/** `0.8` → number, `true` → boolean, `["a"]` → list, anything that is not JSON → the text itself. */
export function parseValue(text: string): FeedbackValue {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed !== 'object') return parsed as FeedbackValue;
    if (parsed !== null) return parsed as FeedbackValue;
  } catch {
    // plain text
  }
  return text;
}
