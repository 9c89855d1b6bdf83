import type { EvaluationExample } from '../../legacy/evaluation-example.js';

export const FAITHFULNESS = {
  definition:
    'Faithfulness is how well the claims in the output are backed by the provided context. Claims that cannot be traced to the context lower the score, even when they happen to be true.',
  gradingPrompt: `Faithfulness to the context:
- Score 1: none of the claims in the output can be found in the context, or they contradict it.
- Score 2: a few claims are backed by the context; most are not.
- Score 3: about half of the claims are backed by the context.
- Score 4: most claims are backed by the context; one or two minor ones are not.
- Score 5: every claim in the output is backed by the context.`,
  examples: [
    {
      output: 'The library closes at 9 pm on weekdays and offers free parking for members.',
      score: 3,
      justification:
        'The output makes two claims: the weekday closing time of 9 pm, which the context states, and free parking for members, which the context does not mention. One of the two claims is backed, about half, so the score is 3.',
      gradingContext: { context: 'The city library is open from 8 am to 9 pm on weekdays and from 10 am to 4 pm on Saturdays.' },
    },
    {
      output: 'On Saturdays the library opens at 10 am and closes at 4 pm.',
      score: 5,
      justification: 'Both the opening and the closing time for Saturdays are stated in the context, so every claim is backed and the score is 5.',
      gradingContext: { context: 'The city library is open from 8 am to 9 pm on weekdays and from 10 am to 4 pm on Saturdays.' },
    },
  ] satisfies EvaluationExample[],
};
