// A question-answering model and a retriever, evaluated with MLflow's default metrics. Runs offline:
// `npx tsx examples/qa-and-retriever.ts`. Toxicity needs a moderation endpoint (OPENAI_API_KEY, or OPENAI_BASE_URL for
// an OpenAI-compatible server); without one it is skipped with a warning, never estimated.
import { evaluate, flushTraces, setExperiment, SpanType, trace } from '../src/index.js';

// A tiny corpus and a keyword retriever over it, traced as a RETRIEVER span.
const corpus = [
  { doc_uri: 'docs/paris.md', content: 'Paris is the capital and largest city of France.' },
  { doc_uri: 'docs/berlin.md', content: 'Berlin is the capital of Germany and its largest city.' },
  { doc_uri: 'docs/rome.md', content: 'Rome is the capital city of Italy.' },
  { doc_uri: 'docs/seine.md', content: 'The Seine flows through Paris before reaching the English Channel.' },
  { doc_uri: 'docs/tiber.md', content: 'The Tiber is the river that flows through Rome.' },
];
const words = (text: string): Set<string> => new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);

const retrieve = trace(
  (question: string, k = 3) => {
    const query = words(question);
    return corpus
      .map((doc) => ({ doc, overlap: [...words(doc.content)].filter((w) => query.has(w) && w.length > 3).length }))
      .filter((hit) => hit.overlap > 0)
      .sort((a, b) => b.overlap - a.overlap)
      .slice(0, k)
      .map((hit) => hit.doc);
  },
  { name: 'retrieve', spanType: SpanType.RETRIEVER },
);

// The QA model answers with the text of the best document.
const answer = trace(
  (row: Record<string, unknown>) => {
    const [best] = retrieve(String(row.question));
    return best ? best.content : 'I do not know.';
  },
  { name: 'answer' },
);

const questions = [
  { question: 'What is the capital of France?', answer: 'Paris is the capital and largest city of France.', relevant: ['docs/paris.md'] },
  { question: 'Which river flows through Rome?', answer: 'The Tiber is the river that flows through Rome.', relevant: ['docs/tiber.md', 'docs/rome.md'] },
  { question: 'Which city is the capital of Germany?', answer: 'Berlin.', relevant: ['docs/berlin.md'] },
  { question: 'What river flows through Paris?', answer: 'The Seine flows through Paris.', relevant: ['docs/seine.md'] },
];

await setExperiment('qa-and-retriever');

// 1. Question answering: exact_match/v1 against the reference answers, readability grades, token counts.
const qa = await evaluate(answer, questions, 'question-answering', { targets: 'answer', featureNames: ['question'] });
console.log('\n== question-answering ==');
console.log(qa.toString());
console.log('\nper row:');
for (const row of qa.tables.eval_results_table ?? []) {
  console.log(`  ${String(row.question).padEnd(38)} tokens=${String(row.token_count)} fk=${String(row['flesch_kincaid_grade_level/v1/score'])}`);
}
if (qa.warnings.length > 0) console.log(`\nwarnings:\n${qa.warnings.map((w) => `  - ${w}`).join('\n')}`);

// 2. The retriever itself: its output is the ranked documents ({ doc_uri, content }).
const retriever = await evaluate((row) => retrieve(String(row.question)), questions, 'retriever', {
  targets: 'relevant',
  featureNames: ['question'],
  evaluatorConfig: { retrieverK: 2 },
});
console.log('\n== retriever (k = 2) ==');
console.log(retriever.toString());

// 3. The QA model as a retriever: it returns answers, so the documents come from its RETRIEVER spans.
const traced = await evaluate(answer, questions, 'retriever', { targets: 'relevant', featureNames: ['question'] });
console.log('\n== QA model, retrieval read from its RETRIEVER spans (k = 3) ==');
for (const [name, value] of Object.entries(traced.metrics).filter(([name]) => name.endsWith('/mean'))) console.log(`  ${name}: ${value.toFixed(4)}`);
await flushTraces();
