import type { EvaluationExample } from '../../legacy/evaluation-example.js';

export const ANSWER_SIMILARITY = {
  definition:
    'Answer similarity is how closely the output matches the provided target answer in meaning. It is about the information conveyed, not about wording, length or style.',
  gradingPrompt: `Answer similarity, compared with the target answer:
- Score 1: the output has nothing in common with the target, or contradicts it.
- Score 2: the output shares a little with the target, but most of its meaning is different.
- Score 3: the output overlaps with the target to a moderate degree; some important points differ or are missing.
- Score 4: the output means nearly the same as the target, with small gaps or differences.
- Score 5: the output conveys the same meaning as the target.`,
  examples: [
    {
      output: 'A binary search needs sorted input and halves the search range at every step.',
      score: 2,
      justification:
        'The target is about how hash tables resolve collisions; the output talks about binary search. Both are data-structure topics, but the meaning hardly overlaps, so the score is 2.',
      gradingContext: { targets: 'Hash tables resolve collisions by chaining entries in buckets or by probing for another free slot.' },
    },
    {
      output: 'When two keys land in the same slot, a hash table either keeps a list per bucket or looks for another free slot.',
      score: 5,
      justification: 'The output restates the target in other words: chaining and probing are both there, nothing is added or lost, so the score is 5.',
      gradingContext: { targets: 'Hash tables resolve collisions by chaining entries in buckets or by probing for another free slot.' },
    },
  ] satisfies EvaluationExample[],
};
