import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, evaluate, flushTraces, getRun, makeMetric, MetricValue, SpanType, trace } from '../../src/index.js';
import { setLogSink } from '../../src/core/logger.js';
import { standardAggregations } from '../../metrics/metric-value.js';
import { automatedReadabilityIndex, fleschKincaidGrade, tokenCounts } from '../../metrics/text/index.js';
import { useMemoryTraces } from '../support/memory-traces.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

let logged: string[] = [];
let restoreSink: () => void = () => undefined;
beforeEach(() => {
  logged = [];
  restoreSink = setLogSink((_level, message) => logged.push(message));
  // No moderation endpoint unless a test configures one: toxicity must never reach the internet.
  vi.stubEnv('OPENAI_API_KEY', '');
  vi.stubEnv('OPENAI_BASE_URL', '');
});
afterEach(() => {
  restoreSink();
  vi.unstubAllEnvs();
});

const d = (i: number): number => 1 / Math.log2(i + 2);

/** The logged keys of a metric with the standard aggregations. */
function aggregated(key: string, scores: number[], prefix = ''): Record<string, number> {
  const { mean, variance, p90 } = standardAggregations(scores);
  return { [`${prefix}${key}/${prefix}mean`]: mean, [`${prefix}${key}/${prefix}variance`]: variance, [`${prefix}${key}/${prefix}p90`]: p90 };
}

function expectMetricsClose(actual: Record<string, number>, expected: Record<string, number>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) expect(actual[key], key).toBeCloseTo(value, 12);
}

describe('evaluate: question-answering', () => {
  const data = {
    question: ['What is the capital of France?', 'Who wrote Hamlet?', 'What is 2 + 2?'],
    answer: ['Paris', 'Shakespeare', '4'],
  };
  const replies: Record<string, string> = {
    'What is the capital of France?': 'Paris is the capital of France.',
    'Who wrote Hamlet?': 'William Shakespeare wrote it.',
    'What is 2 + 2?': '4',
  };
  const model = (row: Record<string, unknown>): string => replies[String(row.question)] ?? '';
  const predictions = Object.values(replies);

  it('logs MLflow names: readability aggregates, exact_match/v1, and per-row columns', async () => {
    const result = await evaluate(model, data, 'question-answering', { targets: 'answer', evaluatorConfig: { toxicity: false } });
    const fk = predictions.map(fleschKincaidGrade);
    const ari = predictions.map(automatedReadabilityIndex);
    expectMetricsClose(result.metrics, {
      ...aggregated('flesch_kincaid_grade_level/v1', fk),
      ...aggregated('ari_grade_level/v1', ari),
      // Only "4" matches its target exactly.
      'exact_match/v1': 1 / 3,
    });
    expect(result.warnings).toEqual([]);
    const run = await getRun(result.runId ?? '');
    expect(run.data.metrics).toEqual(result.metrics);

    const table = result.tables.eval_results_table ?? [];
    expect(Object.keys(table[0] ?? {})).toEqual([
      'question',
      'answer',
      'outputs',
      'token_count',
      'flesch_kincaid_grade_level/v1/score',
      'ari_grade_level/v1/score',
      'latency',
    ]);
    expect(table.map((row) => row.token_count)).toEqual(await tokenCounts(predictions));
    expect(table.map((row) => row['flesch_kincaid_grade_level/v1/score'])).toEqual(fk);
    expect(table.map((row) => row['ari_grade_level/v1/score'])).toEqual(ari);
    for (const row of table) expect(row.latency).toBeGreaterThanOrEqual(0);
    expect(Object.keys(result.artifacts)).toEqual(['eval_results_table']);
    expect(result.artifacts.eval_results_table?.path).toMatch(/eval_results_table\.json$/);
  });

  it('skips toxicity with a clear warning when no moderation endpoint is configured', async () => {
    const result = await evaluate(model, data, 'question-answering', { targets: 'answer' });
    expect(Object.keys(result.metrics).some((key) => key.startsWith('toxicity'))).toBe(false);
    expect(result.warnings).toEqual([expect.stringMatching(/^Cannot calculate toxicity: no moderation endpoint is configured\. Set OPENAI_API_KEY/)]);
    expect(logged).toEqual(result.warnings);
  });

  it('without targets: exact_match is skipped with a warning, and the predictions column is "outputs"', async () => {
    const result = await evaluate(model, { question: data.question }, 'question-answering', { evaluatorConfig: { toxicity: false } });
    expect(result.metrics['exact_match/v1']).toBeUndefined();
    expect(result.metrics['flesch_kincaid_grade_level/v1/mean']).toBeDefined();
    expect(result.warnings).toEqual([expect.stringMatching(/^Cannot calculate exact_match: it compares the predictions with targets/)]);
    expect(Object.keys(result.tables.eval_results_table?.[0] ?? {}).slice(0, 2)).toEqual(['question', 'outputs']);
  });

  it('non-string predictions: the text metrics are skipped with warnings naming the column and row; token_count is null there', async () => {
    const result = await evaluate(null, { q: ['a', 'b'], truth: ['x', 'y'], said: ['x', 42] }, 'question-answering', {
      targets: 'truth',
      predictions: 'said',
      evaluatorConfig: { toxicity: false },
    });
    // exact_match compares values of any label type; the readability grades need strings.
    expect(result.metrics).toEqual({ 'exact_match/v1': 0.5 });
    expect(result.warnings).toEqual([
      'Cannot calculate flesch_kincaid_grade_level for non-string inputs. Non-string found for the predictions column "said" on row 1: the number 42, where a string is expected. Skipping metric logging.',
      'Cannot calculate ari_grade_level for non-string inputs. Non-string found for the predictions column "said" on row 1: the number 42, where a string is expected. Skipping metric logging.',
    ]);
    expect(result.tables.eval_results_table?.map((row) => row.token_count)).toEqual([1, null]);
  });

  it('rejects a bad toxicity option before anything is logged', async () => {
    await expect(
      evaluate(model, data, 'question-answering', { targets: 'answer', evaluatorConfig: { toxicity: { batchSize: 0 } } }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE, message: expect.stringMatching(/toxicity\.batchSize must be a whole number of at least 1/) });
  });
});

describe('evaluate: text', () => {
  it('logs the readability grades, with token_count and latency as plain columns', async () => {
    const texts = ['The cat sat on the mat. The dog ran to the big red ball.', 'The happy elephant sat.'];
    const result = await evaluate(null, { prompt: ['p1', 'p2'], text: texts }, 'text', { predictions: 'text', evaluatorConfig: { toxicity: false } });
    expectMetricsClose(result.metrics, {
      ...aggregated('flesch_kincaid_grade_level/v1', [-1.1, 6.6]),
      ...aggregated('ari_grade_level/v1', [-4.1, 2.9]),
    });
    expect(result.metrics['flesch_kincaid_grade_level/v1/mean']).toBeCloseTo(2.75, 12);
    const table = result.tables.eval_results_table ?? [];
    // Without targets the predictions column is "outputs"; a static dataset has latency 0.
    expect(table[1]).toEqual({
      prompt: 'p2',
      outputs: 'The happy elephant sat.',
      token_count: 5,
      'flesch_kincaid_grade_level/v1/score': 6.6,
      'ari_grade_level/v1/score': 2.9,
      latency: 0,
    });
  });
});

describe('evaluate: text-summarization', () => {
  const data = {
    document: ['d1', 'd2'],
    reference: ['The quick brown fox', 'a b c\nd e f'],
    summary: ['the quick red fox jumps', 'd e f\na b c'],
  };

  it('logs rouge1, rouge2, rougeL and rougeLsum (/v1) with per-row scores', async () => {
    const result = await evaluate(null, data, 'text-summarization', { targets: 'reference', predictions: 'summary', evaluatorConfig: { toxicity: false } });
    // Row 1: rouge1 2/3, rouge2 2/7, rougeL 2/3, rougeLsum 2/3 (one sentence). Row 2: 6 common tokens; bigrams
    // ab bc cd de ef vs de ef fa ab bc → 4 of 5; LCS over the whole text 3 of 6; sentence by sentence all 6.
    const expected = {
      rouge1: [2 / 3, 1],
      rouge2: [2 / 7, 0.8],
      rougeL: [2 / 3, 0.5],
      rougeLsum: [2 / 3, 1],
    };
    for (const [name, scores] of Object.entries(expected)) {
      for (const [aggregate, value] of Object.entries(aggregated(`${name}/v1`, scores))) expect(result.metrics[aggregate], aggregate).toBeCloseTo(value, 12);
      result.tables.eval_results_table?.forEach((row, i) => expect(row[`${name}/v1/score`]).toBeCloseTo(scores[i] as number, 12));
    }
    expect(Object.keys(result.metrics).filter((k) => k.startsWith('rouge')).sort()).toEqual(
      ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'].flatMap((n) => ['mean', 'p90', 'variance'].map((a) => `${n}/v1/${a}`)).sort(),
    );
    expect(Object.keys(result.tables.eval_results_table?.[0] ?? {})).toEqual([
      'document',
      'reference',
      'summary',
      'token_count',
      'flesch_kincaid_grade_level/v1/score',
      'ari_grade_level/v1/score',
      'rouge1/v1/score',
      'rouge2/v1/score',
      'rougeL/v1/score',
      'rougeLsum/v1/score',
      'latency',
    ]);
  });

  it('puts metricPrefix before the key and the aggregate, and on the table columns and file', async () => {
    const result = await evaluate(null, data, 'text-summarization', {
      targets: 'reference',
      predictions: 'summary',
      evaluatorConfig: { toxicity: false, metricPrefix: 'p_' },
    });
    expect(result.metrics['p_rouge1/v1/p_mean']).toBeCloseTo(5 / 6, 12);
    expect(result.metrics['p_rougeLsum/v1/p_p90']).toBeDefined();
    expect(Object.keys(result.metrics).every((key) => key.startsWith('p_'))).toBe(true);
    expect(Object.keys(result.tables.eval_results_table?.[0] ?? {})).toContain('p_rougeL/v1/score');
    expect(Object.keys(result.tables.eval_results_table?.[0] ?? {})).toContain('p_token_count');
    expect(Object.keys(result.tables.eval_results_table?.[0] ?? {})).toContain('p_latency');
    expect(result.artifacts.eval_results_table?.path).toMatch(/p_eval_results_table\.json$/);
  });

  it('skips ROUGE with a warning without targets', async () => {
    const result = await evaluate(null, { summary: data.summary }, 'text-summarization', { predictions: 'summary', evaluatorConfig: { toxicity: false } });
    expect(Object.keys(result.metrics).some((k) => k.startsWith('rouge'))).toBe(false);
    expect(result.warnings).toHaveLength(4);
    expect(result.warnings[0]).toMatch(/^Cannot calculate rouge1: it compares the predictions with targets/);
  });

  it('skips ROUGE with a warning naming the row of a non-string target', async () => {
    const result = await evaluate(null, { ...data, reference: ['x', null] }, 'text-summarization', {
      targets: 'reference',
      predictions: 'summary',
      evaluatorConfig: { toxicity: false },
    });
    expect(Object.keys(result.metrics).some((k) => k.startsWith('rouge'))).toBe(false);
    expect(result.warnings).toContain(
      'Cannot calculate rougeL for non-string inputs. Non-string found for the targets column "reference" on row 1: null, where a string is expected. Skipping metric logging.',
    );
  });
});

describe('evaluate: retriever', () => {
  const memory = useMemoryTraces();
  const data = { question: ['q1', 'q2'], relevant: [['a', 'c'], ['a']] };
  const retrieved: Record<string, string[]> = { q1: ['a', 'b', 'c', 'd'], q2: ['x', 'a'] };

  it('logs precision_at_3, recall_at_3 and ndcg_at_3 with per-row scores (k defaults to 3)', async () => {
    const result = await evaluate((row) => retrieved[String(row.question)], data, 'retriever', { targets: 'relevant' });
    expectMetricsClose(result.metrics, {
      ...aggregated('precision_at_3', [2 / 3, 1 / 2]),
      ...aggregated('recall_at_3', [1, 1]),
      ...aggregated('ndcg_at_3', [(d(0) + d(2)) / (d(0) + d(1)), d(1) / d(0)]),
    });
    expect(result.warnings).toEqual([]);
    const table = result.tables.eval_results_table ?? [];
    expect(Object.keys(table[0] ?? {})).toEqual(['question', 'relevant', 'outputs', 'precision_at_3/score', 'recall_at_3/score', 'ndcg_at_3/score', 'latency']);
    expect(table[1]?.['precision_at_3/score']).toBe(0.5);
  });

  it('takes k from retrieverK (retriever_k) and applies metricPrefix', async () => {
    const result = await evaluate(null, { ...data, docs: Object.values(retrieved) }, 'retriever', {
      targets: 'relevant',
      predictions: 'docs',
      evaluatorConfig: { retriever_k: 1, metric_prefix: 'r_' },
    });
    expectMetricsClose(result.metrics, {
      ...aggregated('precision_at_1', [1, 0], 'r_'),
      ...aggregated('recall_at_1', [0.5, 0], 'r_'),
      ...aggregated('ndcg_at_1', [1, 0], 'r_'),
    });
  });

  it('logs no retriever metric for an invalid retrieverK, with a warning', async () => {
    for (const k of [-1, 0, 2.5]) {
      const result = await evaluate(null, { ...data, docs: Object.values(retrieved) }, 'retriever', {
        targets: 'relevant',
        predictions: 'docs',
        evaluatorConfig: { retrieverK: k },
      });
      expect(result.metrics).toEqual({});
      expect(result.warnings).toEqual([expect.stringMatching(new RegExp(`retrieverK must be a positive whole number, but it is the number ${k}`))]);
    }
  });

  it('reads { doc_uri | id, content } documents and integer ids', async () => {
    const model = (row: Record<string, unknown>): unknown =>
      row.question === 'q1' ? [{ doc_uri: 'a', content: 'A' }, { id: 'b', content: 'B' }, { metadata: { doc_uri: 'c' }, page_content: 'C' }] : [7, 8];
    const result = await evaluate(model, { question: ['q1', 'q2'], relevant: [['a', 'c'], [8]] }, 'retriever', { targets: 'relevant' });
    expect(result.tables.eval_results_table?.map((row) => row['precision_at_3/score'])).toEqual([2 / 3, 0.5]);
    expect(result.metrics['recall_at_3/mean']).toBe(1);
  });

  it('skips the retrieval metrics with a warning for a document object without an id; other metrics and latency stay', async () => {
    const model = (row: Record<string, unknown>): unknown => (row.question === 'q1' ? ['a'] : [{ doc_uri: 'a' }, { content: 'no id' }]);
    const count = makeMetric({
      name: 'doc_count',
      greaterIsBetter: true,
      evalFn: ({ predictions }) => new MetricValue({ scores: predictions.map((p) => (Array.isArray(p) ? p.length : 0)) }),
    });
    const result = await evaluate(model, data, 'retriever', { targets: 'relevant', extraMetrics: [count] });
    expect(result.warnings).toEqual(
      ['precision_at_3', 'recall_at_3', 'ndcg_at_3'].map(
        (name) =>
          `Cannot calculate metric '${name}' for non-arraylike of string or integer inputs. Found a document without an id (item 1) in the ` +
          'retrieved documents (predictions column "outputs" or RETRIEVER spans) on row 1, where a list of document ids is expected: give each document a ' +
          '"doc_uri" or "id" (a string or an integer), e.g. { doc_uri: "doc-1", content: "…" }. Skipping metric logging.',
      ),
    );
    expect(Object.keys(result.metrics).some((key) => /_at_3/.test(key))).toBe(false);
    expect(result.metrics['doc_count/mean']).toBe(1.5);
    const table = result.tables.eval_results_table ?? [];
    expect(Object.keys(table[0] ?? {})).toEqual(['question', 'relevant', 'outputs', 'latency', 'doc_count/score']);
  });

  it('names what is wrong with a document id: an id that is not a string or an integer, in the targets too', async () => {
    const result = await evaluate(null, { ...data, docs: [['a'], ['a']], relevant: [['a'], [{ id: 1.5 }]] }, 'retriever', {
      targets: 'relevant',
      predictions: 'docs',
    });
    expect(result.metrics).toEqual({});
    expect(result.warnings[0]).toBe(
      "Cannot calculate metric 'precision_at_3' for non-arraylike of string or integer inputs. Found a document without an id (item 0) in " +
        'the targets column "relevant" on row 1, where a list of document ids is expected: give each document a "doc_uri" or "id" ' +
        '(a string or an integer), not the number 1.5, e.g. { doc_uri: "doc-1", content: "…" }. Skipping metric logging.',
    );
  });

  it('skips the metrics with warnings when a row is not a list of ids', async () => {
    const result = await evaluate(null, { ...data, docs: [['a'], 'a'] }, 'retriever', { targets: 'relevant', predictions: 'docs' });
    expect(result.metrics).toEqual({});
    expect(result.warnings).toEqual(
      ['precision_at_3', 'recall_at_3', 'ndcg_at_3'].map(
        (name) =>
          `Cannot calculate metric '${name}' for non-arraylike of string or integer inputs. Found the string "a" in the retrieved ` +
          'documents (predictions column "docs") on row 1, where a list of document ids is expected. Skipping metric logging.',
      ),
    );
  });

  it('skips the metrics with a warning without targets', async () => {
    const result = await evaluate((row) => retrieved[String(row.question)], { question: data.question }, 'retriever');
    expect(result.metrics).toEqual({});
    expect(result.warnings).toEqual([expect.stringMatching(/^Cannot calculate the retriever metrics: .* no targets column is given/)]);
  });

  it('reads the retrieved documents of a traced model from its RETRIEVER spans', async () => {
    const search = trace(
      async (query: string) =>
        query === 'q1'
          ? [{ page_content: 'A', metadata: { doc_uri: 'a' } }, { page_content: 'B', metadata: { doc_uri: 'b' } }]
          : [{ page_content: 'X', metadata: { doc_uri: 'x' } }],
      { name: 'search', spanType: SpanType.RETRIEVER },
    );
    const rerank = trace(async (query: string) => (query === 'q2' ? [{ id: 'a', content: 'A' }] : []), { name: 'rerank', spanType: SpanType.RETRIEVER });
    const rag = trace(
      async (row: Record<string, unknown>) => {
        const question = String(row.question);
        const docs = [...(await search(question)), ...(await rerank(question))];
        return `an answer from ${docs.length} documents`;
      },
      { name: 'rag' },
    );
    const result = await evaluate(rag, data, 'retriever', { targets: 'relevant', concurrency: 2 });
    // Row 1 retrieved [a, b]; row 2 [x] then [a], in span start order.
    expect(result.tables.eval_results_table?.map((row) => row['precision_at_3/score'])).toEqual([0.5, 0.5]);
    expect(result.tables.eval_results_table?.map((row) => row['recall_at_3/score'])).toEqual([0.5, 1]);
    expect(result.tables.eval_results_table?.map((row) => row.outputs)).toEqual(['an answer from 2 documents', 'an answer from 2 documents']);
    expect(result.warnings).toEqual([]);
    // The traces are still exported as they are.
    await flushTraces();
    expect(memory.traces.map((t) => t.data.spans.length).sort()).toEqual([3, 3]);
  });

  it('uses list outputs of a batch model', async () => {
    const model = { predict: (rows: Record<string, unknown>[]) => rows.map((row) => retrieved[String(row.question)]) };
    const result = await evaluate(model, data, 'retriever', { targets: 'relevant', evaluatorConfig: { retrieverK: 10 } });
    expect(result.tables.eval_results_table?.map((row) => row['precision_at_10/score'])).toEqual([0.5, 0.5]);
  });
});
