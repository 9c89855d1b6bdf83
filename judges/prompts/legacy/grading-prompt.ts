// The legacy (v1) grading prompt, segment by segment; a segment whose {{ placeholders }} are not all given is left
// out. Written for evalflow from the structure in spec §6.

const TWO_LINE_FORMAT = `score: <your {{ name }} score for the output, an integer from the rubric>
justification: <why you gave that score>`;

export const LEGACY_PROMPT_SEGMENTS: readonly string[] = [
  `Task: reply with exactly two lines, one after the other:
${TWO_LINE_FORMAT}`,
  'You are an impartial judge. You are shown an input that was given to a model and the output the model produced, and possibly extra information the model used to produce it.',
  'Work out the numerical score called {{ name }} for that output, using the definition and the grading rubric below, and explain in a justification how the rubric led you to it. Graded examples may follow; read them first and keep your scoring consistent with them.',
  'Input:\n{{ input }}',
  'Output:\n{{ output }}',
  '{{ grading_context }}',
  'Metric definition:\n{{ definition }}',
  'Grading rubric:\n{{ grading_prompt }}',
  'Examples:\n{{ examples }}',
  `Reply with exactly these two lines and nothing else, no extra lines and no other fields:
${TWO_LINE_FORMAT}`,
];

export const LEGACY_REASK = 'Answer again with exactly two lines: "score: <integer>" and "justification: <text>".';
