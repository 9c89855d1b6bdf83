import { JudgeErrorCode, JudgeReplyError } from '../errors.js';
import { stripFence } from '../reply.js';

export interface GradedScore {
  score: number;
  justification: string;
}

const TWO_LINES = /score\s*:\s*(\d+)\s*justification\s*:\s*(.+)/is;

/**
 * A legacy judge's reply: JSON `{ score, justification }` (keys in any case), else the two lines `score: N` and
 * `justification: …`. Anything else is unreadable.
 */
export function parseScore(raw: string): GradedScore {
  const fromJson = scoreFromJson(raw);
  if (fromJson) return fromJson;
  const match = TWO_LINES.exec(raw.replaceAll('**', ''));
  if (match) return { score: Number(match[1]), justification: (match[2] as string).trim() };
  throw new JudgeReplyError(JudgeErrorCode.PARSE_ERROR, `Failed to extract score and justification. Raw output: ${raw}`, true);
}

function scoreFromJson(raw: string): GradedScore | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFence(raw));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const fields = Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key.toLowerCase(), value as unknown]));
  const score = typeof fields.score === 'string' && /^\s*\d+\s*$/.test(fields.score) ? Number(fields.score) : fields.score;
  if (typeof score !== 'number' || !Number.isInteger(score)) return undefined;
  const justification = fields.justification;
  return { score, justification: typeof justification === 'string' ? justification : justification == null ? '' : JSON.stringify(justification) };
}
