import { z } from 'zod';
import { JudgeErrorCode, JudgeReplyError } from './errors.js';

const STEP_BY_STEP = /^\s*Let's think step by step[.:]?\s*/i;

/** Drops a Markdown fence around the reply: the opening fence line, and everything from the closing fence on. */
export function stripFence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('```')) return trimmed;
  const body = trimmed.slice(trimmed.indexOf('\n') + 1 || trimmed.length);
  const close = body.indexOf('```');
  return (close === -1 ? body : body.slice(0, close)).trim();
}

/**
 * The JSON object of a judge reply (spec §5 "Parsing the output"). Beyond the spec, a reply that wraps the object in
 * prose is read from its first `{` to its last `}`, so a chatty model on a server without structured output does not
 * cost a second call.
 */
export function parseReplyObject(raw: string): Record<string, unknown> {
  const text = stripFence(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    try {
      parsed = start !== -1 && end > start ? JSON.parse(text.slice(start, end + 1)) : undefined;
    } catch {
      parsed = undefined;
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new JudgeReplyError(JudgeErrorCode.PARSE_ERROR, `Failed to parse response from judge model. Response: ${raw}`, true);
  }
  const object = parsed as Record<string, unknown>;
  if (object.error !== undefined && object.error !== null) {
    const detail = typeof object.error === 'string' ? object.error : JSON.stringify(object.error);
    throw new JudgeReplyError(JudgeErrorCode.MODEL_ERROR, `Judge evaluation failed with error: ${detail}`, false);
  }
  return object;
}

/**
 * A `{ result, rationale }` reply: `result` checked (and normalised) by `resultSchema`; a reply without it, or with
 * a value the schema refuses, is malformed. The rationale loses its "Let's think step by step" opener.
 */
export function parseVerdict<T>(raw: string, resultSchema: z.ZodType<T>): { result: T; rationale: string } {
  const object = parseReplyObject(raw);
  if (object.result === undefined || object.result === null) {
    throw new JudgeReplyError(JudgeErrorCode.PARSE_ERROR, `The judge reply has no "result" field. Response: ${raw}`, true);
  }
  const checked = resultSchema.safeParse(object.result);
  if (!checked.success) {
    const why = checked.error.issues.map((issue) => issue.message).join('; ');
    throw new JudgeReplyError(JudgeErrorCode.PARSE_ERROR, `The judge reply's "result" is not valid (${why}). Response: ${raw}`, true);
  }
  const rationale = typeof object.rationale === 'string' ? object.rationale.replace(STEP_BY_STEP, '') : object.rationale == null ? '' : JSON.stringify(object.rationale);
  return { result: checked.data, rationale };
}
