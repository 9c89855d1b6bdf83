import { z } from 'zod';
import { EvalflowError } from '../src/core/errors.js';
import type { FeedbackPrimitive, FeedbackValue } from '../src/assessments/entities.js';
import { strictYesNoResult } from './yes-no.js';

/** What a makeJudge judge answers: "yes"/"no", a boolean, a number, free text, or one of a list of values. */
export type FeedbackValueType = 'yes/no' | 'boolean' | 'number' | 'string' | readonly FeedbackPrimitive[];

/** A value type as the reply's JSON schema, the zod check (and normalisation) of `result`, and a prompt label. */
export interface ValueTypeSpec {
  jsonSchema: Record<string, unknown>;
  result: z.ZodType<FeedbackValue>;
  label: string;
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false };

export function valueTypeSpec(type: FeedbackValueType): ValueTypeSpec {
  if (Array.isArray(type)) return choiceSpec(type as readonly FeedbackPrimitive[]);
  switch (type) {
    case 'yes/no':
      return { jsonSchema: { type: 'string', enum: ['yes', 'no'] }, result: strictYesNoResult, label: '"yes" or "no"' };
    case 'boolean':
      return {
        jsonSchema: { type: 'boolean' },
        result: z.union([z.boolean(), z.string()]).transform((value, ctx) => {
          if (typeof value === 'boolean') return value;
          const word = BOOLEAN_WORDS[value.trim().toLowerCase()];
          if (word === undefined) {
            ctx.addIssue({ code: 'custom', message: `expected a boolean, got ${JSON.stringify(value)}` });
            return z.NEVER;
          }
          return word;
        }),
        label: 'boolean (true or false)',
      };
    case 'number':
      return {
        jsonSchema: { type: 'number' },
        result: z.union([z.number(), z.string()]).transform((value, ctx) => {
          const number = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
          if (!Number.isFinite(number)) {
            ctx.addIssue({ code: 'custom', message: `expected a number, got ${JSON.stringify(value)}` });
            return z.NEVER;
          }
          return number;
        }),
        label: 'number',
      };
    case 'string':
      return {
        jsonSchema: { type: 'string' },
        result: z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value)),
        label: 'string',
      };
    default:
      throw EvalflowError.invalid(
        `Unsupported feedbackValueType ${JSON.stringify(type)}: use "yes/no", "boolean", "number", "string", or a list of allowed values.`,
      );
  }
}

/** One of a fixed list; a reply that writes a listed number or boolean as text is read as that value. */
function choiceSpec(choices: readonly FeedbackPrimitive[]): ValueTypeSpec {
  const valid = choices.every((c) => typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c)));
  if (choices.length === 0 || !valid) {
    throw EvalflowError.invalid('A feedbackValueType list must hold at least one allowed value, each a string, number or boolean.');
  }
  const byType = new Map<string, FeedbackPrimitive[]>();
  for (const choice of choices) byType.set(typeof choice, [...(byType.get(typeof choice) ?? []), choice]);
  const typed = [...byType].map(([type, values]) => ({ type, enum: values }));
  const jsonSchema = typed.length === 1 ? (typed[0] as Record<string, unknown>) : { anyOf: typed };
  const result = z.union([z.string(), z.number(), z.boolean()]).transform((value, ctx) => {
    const match = choices.find((c) => c === value) ?? choices.find((c) => String(c) === String(value).trim());
    if (match === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected one of ${JSON.stringify(choices)}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return match;
  });
  return { jsonSchema, result, label: `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}` };
}
