/**
 * A store for the UI tests and the screenshots, filled through the public API: two evaluated runs of a binary
 * classifier (so each has a ROC plot and an evaluation results table), traces with a chat LLM span, a judge's
 * feedback, and a trace whose input holds HTML that must show as text.
 */
import {
  closeStores,
  evaluate,
  flushTraces,
  getLastActiveTraceId,
  logFeedback,
  logMetric,
  logParams,
  makeMetric,
  MetricValue,
  setExperiment,
  setTag,
  setTrackingUri,
  SpanAttributeKey,
  SpanType,
  trace,
  tracing,
  withRun,
  withSpan,
} from '../../src/index.js';
import { resetActiveExperiment } from '../../src/tracking/experiments.js';
import { makeTempDir } from '../support/temp-dir.js';

export const HOSTILE_INPUT = '<script>window.__xss = 1</script><img src="x" onerror="window.__xss = 2">';

export interface UiFixture {
  dir: string;
  experimentId: string;
  baselineRunId: string;
  candidateRunId: string;
  chatTraceId: string;
  hostileTraceId: string;
  judgeFeedbackId: string;
  remove(): Promise<void>;
}

/** A deterministic binary problem: labels, a score per row, and how much the score is off. */
function dataset(noise: number): Record<string, unknown>[] {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  return Array.from({ length: 60 }, (_, i) => {
    const label = i % 3 === 0 ? 1 : 0;
    const p1 = Math.min(0.99, Math.max(0.01, (label === 1 ? 0.7 : 0.3) + (random() - 0.5) * noise));
    return {
      x1: Math.round(random() * 1000) / 100,
      note: i === 0 ? '<b>not bold</b> & <i>not italic</i>' : `row ${i}`,
      label,
      predicted: p1 >= 0.5 ? 1 : 0,
      p0: 1 - p1,
      p1,
    };
  });
}

const correct = makeMetric({
  name: 'correct',
  greaterIsBetter: true,
  requires: ['targets'],
  evalFn: ({ predictions, targets }) => new MetricValue({ scores: predictions.map((p, i) => (p === targets?.[i] ? 1 : 0)) }),
});

async function evaluatedRun(experimentId: string, runName: string, noise: number, params: Record<string, string | number>): Promise<string> {
  return withRun({ experimentId, runName }, async (run) => {
    await logParams(params);
    await setTag('team', 'risk');
    for (let step = 0; step < 8; step += 1) await logMetric('train_loss', 1 / (step + 1) + noise / 10, { step });
    await evaluate(null, dataset(noise), 'classifier', {
      targets: 'label',
      predictions: 'predicted',
      probabilities: ['p0', 'p1'],
      extraMetrics: [correct],
    });
    return run.info.runId;
  });
}

const retrieve = trace(async function retrieve(question: string) {
  return [`Paris is the capital of France. (${question.length} chars)`];
}, { spanType: SpanType.RETRIEVER });

const answer = trace(async function answer(question: string) {
  const docs = await retrieve(question);
  return withSpan(
    (span) => {
      span.setAttribute(SpanAttributeKey.CHAT_TOKEN_USAGE, { input_tokens: 31, output_tokens: 9, total_tokens: 40 });
      span.setAttribute(SpanAttributeKey.LLM_MODEL, 'gpt-4o-mini');
      span.addEvent({ name: 'first_token', attributes: { 'latency.ms': 12 } });
      const reply = 'The capital of France is Paris.';
      span.setOutputs({ id: 'chatcmpl-1', choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }] });
      return reply;
    },
    {
      name: 'chat_completion',
      spanType: SpanType.CHAT_MODEL,
      inputs: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: `Answer from these documents: ${docs.join(' ')}` },
          { role: 'user', content: question },
        ],
      },
    },
  );
});

const echo = trace(async function echo(input: string) {
  return `echo: ${input}`;
});

export async function buildFixture(): Promise<UiFixture> {
  const { path: dir, remove } = await makeTempDir('evalflow-ui-');
  setTrackingUri(dir);
  const experiment = await setExperiment('fraud-detector');
  const baselineRunId = await evaluatedRun(experiment.experimentId, 'baseline', 0.9, { model: 'logreg', C: 1, notes: '<b>plain text</b>' });
  const candidateRunId = await evaluatedRun(experiment.experimentId, 'candidate', 0.5, { model: 'gbdt', C: 1, depth: 4 });

  tracing.setDestination({});
  await answer('What is the capital of France?');
  const chatTraceId = getLastActiveTraceId() ?? '';
  await echo(HOSTILE_INPUT);
  const hostileTraceId = getLastActiveTraceId() ?? '';
  await flushTraces();
  const judged = await logFeedback({
    traceId: chatTraceId,
    name: 'correctness',
    value: 'no',
    source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4o-mini' },
    rationale: 'The judge thinks the answer does not cite the document.',
  });
  await logFeedback({
    traceId: hostileTraceId,
    name: 'safety',
    value: 'yes',
    source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4o-mini' },
    rationale: HOSTILE_INPUT,
  });
  return {
    dir,
    experimentId: experiment.experimentId,
    baselineRunId,
    candidateRunId,
    chatTraceId,
    hostileTraceId,
    judgeFeedbackId: judged.assessmentId ?? '',
    remove: async () => {
      resetActiveExperiment();
      await closeStores();
      setTrackingUri(undefined);
      await remove();
    },
  };
}
