import type { EvaluationExample } from '../../legacy/evaluation-example.js';

export const ANSWER_RELEVANCE = {
  definition:
    'Answer relevance is how directly and appropriately the output responds to the input. Correctness is not graded here; only whether the output addresses what was asked.',
  gradingPrompt: `Answer relevance:
- Score 1: the output does not address the input at all.
- Score 5: the output addresses every aspect of the input directly and stays on topic.
Scores in between are for outputs that address the input only partly or wander off it.`,
  examples: [
    {
      input: 'What is a good way to keep basil fresh after buying it?',
      output: 'Basil is native to tropical Asia and is used in many Italian dishes.',
      score: 1,
      justification: 'The input asks how to keep basil fresh; the output gives its origin and culinary uses and says nothing about storing it, so the score is 1.',
    },
    {
      input: 'What is a good way to keep basil fresh after buying it?',
      output: 'Trim the stems and stand the basil in a glass of water at room temperature, loosely covered, like a bunch of flowers.',
      score: 5,
      justification: 'The output answers exactly what was asked with a concrete way to store basil, and nothing in it is off topic, so the score is 5.',
    },
  ] satisfies EvaluationExample[],
};
