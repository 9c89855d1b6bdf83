import { LEGACY_PROMPT_SEGMENTS } from '../prompts/legacy/grading-prompt.js';
import { renderTemplate, templateVariables } from '../template.js';

/**
 * The v1 grading prompt: the segments in order, each filled with the values; a segment whose variables are not all
 * given is left out (no input when includeInput is false, no context block without context columns …).
 */
export function gradingPrompt(values: Readonly<Record<string, string | undefined>>): string {
  const filled: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) filled[key] = value;
  return LEGACY_PROMPT_SEGMENTS.filter((segment) => templateVariables(segment).every((v) => Object.hasOwn(filled, v)))
    .map((segment) => renderTemplate(segment, filled))
    .join('\n\n');
}
