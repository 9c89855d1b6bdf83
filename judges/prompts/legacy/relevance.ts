import type { EvaluationExample } from '../../legacy/evaluation-example.js';

export const RELEVANCE = {
  definition:
    'Relevance is how well the output answers the input and makes use of the provided context: an output that responds to the question with information drawn from the context is relevant.',
  gradingPrompt: `Relevance to the input and the context:
- Score 1: the output addresses neither the input nor the context.
- Score 2: the output touches on the input or the context, but does not answer the input.
- Score 3: the output partly answers the input using the context, with notable gaps or off-topic material.
- Score 4: the output answers the input using the context, with minor gaps.
- Score 5: the output answers the input completely and draws on the relevant parts of the context.`,
  examples: [
    {
      input: 'Which plan includes priority support?',
      output: 'Our plans can be paid monthly or yearly, and yearly billing saves 15%.',
      score: 2,
      justification:
        'The context says priority support comes with the Business plan. The output talks about billing, which is about the plans but not the question asked, so the score is 2.',
      gradingContext: { context: 'The Starter plan has email support. The Business plan adds priority support with a four-hour response time.' },
    },
    {
      input: 'Which plan includes priority support?',
      output: 'Priority support comes with the Business plan, which promises a response within four hours.',
      score: 5,
      justification: 'The output answers the question directly with the plan named in the context and the response time it gives, so the score is 5.',
      gradingContext: { context: 'The Starter plan has email support. The Business plan adds priority support with a four-hour response time.' },
    },
  ] satisfies EvaluationExample[],
};
