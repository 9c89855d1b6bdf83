import { z } from 'zod';

export type YesNo = 'yes' | 'no';

const AFFIRMATIVE = new Set(['yes', 'y', 'true', 'pass', 'passed', 'correct', '1', 'ok', 'okay', 'right', 'affirmative', 'valid', 'positive']);
const NEGATIVE = new Set(['no', 'n', 'false', 'fail', 'failed', 'incorrect', '0', 'none', 'wrong', 'negative', 'invalid']);

/** A judge's verdict as "yes", "no", or "unknown" for anything that is neither (spec §4, value normalisation). */
export function normaliseYesNo(value: unknown): YesNo | 'unknown' {
  const text = typeof value === 'string' ? value.trim().toLowerCase().replace(/[.!]+$/, '') : typeof value === 'boolean' || typeof value === 'number' ? String(value) : '';
  if (AFFIRMATIVE.has(text)) return 'yes';
  if (NEGATIVE.has(text)) return 'no';
  return 'unknown';
}

/** The `result` of a built-in judge: any string, boolean or number, normalised to yes / no / unknown. */
export const yesNoUnknownResult = z.union([z.string(), z.boolean(), z.number()]).transform(normaliseYesNo);

/** The `result` of a makeJudge "yes/no" judge: the synonyms are accepted, anything else is a malformed reply. */
export const strictYesNoResult = z.union([z.string(), z.boolean(), z.number()]).transform((value, ctx): YesNo => {
  const verdict = normaliseYesNo(value);
  if (verdict === 'unknown') {
    ctx.addIssue({ code: 'custom', message: `expected "yes" or "no", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return verdict;
});

/** The structured-output schema of a yes/no verdict, the rationale first so the model reasons before it decides. */
export const YES_NO_SCHEMA = {
  type: 'object',
  properties: {
    rationale: { type: 'string', description: 'Step-by-step reasoning for the verdict.' },
    result: { type: 'string', enum: ['yes', 'no'] },
  },
  required: ['rationale', 'result'],
  additionalProperties: false,
} as const;
