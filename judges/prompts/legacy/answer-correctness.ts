import type { EvaluationExample } from '../../legacy/evaluation-example.js';

export const ANSWER_CORRECTNESS = {
  definition:
    'Answer correctness is whether the output answers the input correctly, judged against the target answer: how much of the output is factually right, and how much of the target it covers.',
  gradingPrompt: `Answer correctness, judged against the target answer:
- Score 1: the output is wrong, or answers a different question than the input asks.
- Score 2: the output has some correct points, but its main claims are wrong.
- Score 3: the output is partly correct; it leaves out or gets wrong a notable part of the target.
- Score 4: the output is mostly correct, with a minor error or omission.
- Score 5: the output is correct and covers what the target answer covers.`,
  examples: [
    {
      input: 'How often does the Olympic Summer Games take place?',
      output: 'The Summer Olympics are held every two years, alternating with the World Cup.',
      score: 2,
      justification:
        'The target says every four years; the output says every two and adds an unrelated claim about the World Cup. It does name the right event, so the score is 2 rather than 1.',
      gradingContext: { targets: 'The Summer Olympics are held every four years.' },
    },
    {
      input: 'How often does the Olympic Summer Games take place?',
      output: 'Every four years, with the Winter Games held two years apart from them.',
      score: 5,
      justification: 'The output gives the correct interval of four years, as the target does, and its extra detail is accurate, so the score is 5.',
      gradingContext: { targets: 'The Summer Olympics are held every four years.' },
    },
  ] satisfies EvaluationExample[],
};
