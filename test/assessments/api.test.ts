import { describe, expect, it } from 'vitest';
import {
  deleteAssessment,
  Expectation,
  Feedback,
  getAssessment,
  logAssessment,
  logExpectation,
  logFeedback,
  overrideFeedback,
  tracesToDataset,
  updateAssessment,
} from '../../src/assessments/index.js';
import {
  ErrorCode,
  EvalflowError,
  flushTraces,
  getCurrentActiveSpan,
  getLastActiveTraceId,
  getTrace,
  searchTraces,
  setExperiment,
  trace,
  tracing,
  withSpan,
} from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

const answer = trace(async function answer(question: string) {
  return withSpan(() => `answer to ${question}`, { name: 'generate' });
});

/** A stored trace of `answer(question)`: its id. Traces start a few ms apart, so that time orders them. */
async function storedTrace(question = 'what is the capital of France?'): Promise<string> {
  tracing.setDestination({});
  await new Promise((resolve) => setTimeout(resolve, 3));
  await answer(question);
  await flushTraces();
  const id = getLastActiveTraceId();
  if (!id) throw new Error('no trace');
  return id;
}

async function rejection(promise: Promise<unknown>, code: ErrorCode = ErrorCode.INVALID_PARAMETER_VALUE): Promise<EvalflowError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EvalflowError);
    expect((error as EvalflowError).code).toBe(code);
    return error as EvalflowError;
  }
  throw new Error('expected a rejection');
}

async function assessmentsOf(traceId: string) {
  return (await getTrace(traceId))?.info.assessments ?? [];
}

describe('logFeedback, logExpectation and getAssessment', () => {
  it('log each kind to a stored trace and read it back as the entity', async () => {
    const traceId = await storedTrace();
    const spanId = (await getTrace(traceId))?.data.spans[1]?.spanId ?? '';
    const feedback = await logFeedback({
      traceId,
      name: 'correctness',
      value: 'yes',
      source: { sourceType: 'llm_judge', sourceId: 'openai:/gpt-4.1-mini' },
      rationale: 'matches',
      metadata: { 'mlflow.assessment.sourceRunId': 'run-1' },
      spanId,
    });
    expect(feedback).toBeInstanceOf(Feedback);
    expect(feedback.assessmentId).toMatch(/^a-[0-9a-f]{32}$/);
    expect(feedback).toMatchObject({ traceId, spanId, name: 'correctness', value: 'yes', rationale: 'matches', valid: true, runId: 'run-1' });
    expect(feedback.source.toJSON()).toEqual({ source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4.1-mini' });
    expect(await getAssessment(traceId, feedback.assessmentId ?? '')).toEqual(feedback);

    const expectation = await logExpectation({ traceId, name: 'expected_facts', value: { facts: ['Paris'] } });
    expect(expectation).toBeInstanceOf(Expectation);
    expect(expectation.source.sourceType).toBe('HUMAN');
    expect(await getAssessment(traceId, expectation.assessmentId ?? '')).toEqual(expectation);

    const defaults = await logFeedback({ traceId, value: 0.5 });
    expect(defaults).toMatchObject({ name: 'feedback', value: 0.5 });
    expect(defaults.source.toJSON()).toEqual({ source_type: 'CODE', source_id: 'default' });
    const failed = await logFeedback({ traceId, name: 'safety', error: new RangeError('judge quota') });
    expect(failed).toMatchObject({ value: null, errorCode: 'RangeError', errorMessage: 'judge quota' });

    const stored = await assessmentsOf(traceId);
    expect(stored.map((a) => a.assessmentId)).toEqual([feedback, expectation, defaults, failed].map((a) => a.assessmentId));
    expect(stored[0]).toEqual(feedback.toRecord());
  });

  it('logAssessment takes an entity; a missing trace id logs nothing and returns it unchanged', async () => {
    const traceId = await storedTrace();
    const entity = new Feedback({ name: 'helpful', value: true });
    const logged = await logAssessment(traceId, entity);
    expect(logged).toBeInstanceOf(Feedback);
    expect(logged.assessmentId).not.toBeNull();
    expect(logged.traceId).toBe(traceId);
    expect(await logAssessment(null, entity)).toBe(entity);
    expect(await logFeedback({ traceId: '', value: 1 })).toMatchObject({ assessmentId: null });
    expect(await assessmentsOf(traceId)).toHaveLength(1);
    await rejection(logAssessment(traceId, { name: 'x', value: 1 } as never));
  });

  it('rejects bad input with INVALID_PARAMETER_VALUE and writes nothing', async () => {
    const traceId = await storedTrace();
    const cases: [Promise<unknown>, string][] = [
      [logFeedback({ traceId, name: 'x' }), 'Either value or error must be provided'],
      [logFeedback({ traceId, value: { nested: { a: 1 } } as never }), 'Unsupported value for feedback'],
      [logFeedback({ traceId, value: new Date() as never }), 'Unsupported value for feedback'],
      [logFeedback({ traceId, value: 1, metadata: new Map<unknown, unknown>([[1, 'one']]) as Map<string, unknown> }), 'keys must be strings'],
      [
        logFeedback({ traceId, value: 1, source: { sourceType: 'ROBOT' } }),
        'Invalid assessment source type: ROBOT. Valid source types: [HUMAN, LLM_JUDGE, CODE, SOURCE_TYPE_UNSPECIFIED]',
      ],
      [logFeedback({ traceId, value: 1, trace_id: traceId } as never), 'unknown option "trace_id"'],
      [logExpectation({ traceId, name: 'e', value: undefined }), 'value'],
      [logExpectation({ traceId, name: '', value: 1 }), 'name'],
      [logFeedback({ traceId: 42 as never, value: 1 }), 'traceId'],
    ];
    for (const [promise, message] of cases) expect((await rejection(promise)).message).toContain(message);
    const missing = await rejection(logFeedback({ traceId: 'tr-ffffffffffffffffffffffffffffffff', value: 1 }), ErrorCode.RESOURCE_DOES_NOT_EXIST);
    expect(missing.message).toContain('tr-ffffffffffffffffffffffffffffffff');
    expect(await assessmentsOf(traceId)).toEqual([]);
    const notFound = await rejection(getAssessment(traceId, 'a-00000000000000000000000000000000'), ErrorCode.RESOURCE_DOES_NOT_EXIST);
    expect(notFound.message).toBe(`Assessment with ID 'a-00000000000000000000000000000000' not found for trace '${traceId}'`);
  });
});

describe('overrideFeedback and deleteAssessment', () => {
  it('LLM judge → human → second human: only the last is valid, the originals otherwise unchanged', async () => {
    const traceId = await storedTrace();
    const spanId = (await getTrace(traceId))?.data.spans[1]?.spanId ?? '';
    const judge = await logFeedback({
      traceId,
      name: 'correctness',
      value: 'yes',
      source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4.1-mini' },
      rationale: 'looks right',
      spanId,
    });
    const human = await overrideFeedback({
      traceId,
      assessmentId: judge.assessmentId ?? '',
      value: 'no',
      rationale: 'wrong city',
      source: { sourceType: 'HUMAN', sourceId: 'alice' },
      metadata: { reviewer: 'alice' },
    });
    expect(human).toBeInstanceOf(Feedback);
    expect(human).toMatchObject({ name: 'correctness', spanId, value: 'no', rationale: 'wrong city', overrides: judge.assessmentId, valid: true });
    expect(human.metadata).toEqual({ reviewer: 'alice' });
    const second = await overrideFeedback({ traceId, assessmentId: human.assessmentId ?? '', value: 'partly' });
    expect(second.source.toJSON()).toEqual({ source_type: 'CODE', source_id: 'default' });
    expect(second).toMatchObject({ name: 'correctness', spanId, overrides: human.assessmentId, valid: true, rationale: null });

    const stored = await assessmentsOf(traceId);
    expect(stored.map((a) => [a.assessmentId, a.valid])).toEqual([
      [judge.assessmentId, false],
      [human.assessmentId, false],
      [second.assessmentId, true],
    ]);
    expect(stored[0]).toEqual({ ...judge.toRecord(), valid: false });
    expect(stored[1]).toEqual({ ...human.toRecord(), valid: false });
    expect(await searchTraces({ filter: "feedback.correctness = 'partly'" })).toHaveLength(1);
    expect(await searchTraces({ filter: "feedback.correctness = 'yes'" })).toHaveLength(0);
    expect(await searchTraces({ filter: "feedback.correctness = 'no'" })).toHaveLength(0);

    // Deleting the latest override makes the one before valid again.
    await deleteAssessment(traceId, second.assessmentId ?? '');
    expect(await getAssessment(traceId, human.assessmentId ?? '')).toEqual(human);
    expect(((await getAssessment(traceId, judge.assessmentId ?? '')) as Feedback).valid).toBe(false);
    expect(await searchTraces({ filter: "feedback.correctness = 'no'" })).toHaveLength(1);
    await deleteAssessment(traceId, human.assessmentId ?? '');
    expect(await getAssessment(traceId, judge.assessmentId ?? '')).toEqual(judge);
    // A missing one is a no-op.
    await deleteAssessment(traceId, human.assessmentId ?? '');
    expect((await assessmentsOf(traceId)).map((a) => a.assessmentId)).toEqual([judge.assessmentId]);
  });

  it('refuses to override an expectation or an unknown id, and checks the new value first; nothing is written', async () => {
    const traceId = await storedTrace();
    const expectation = await logExpectation({ traceId, name: 'expected', value: 'Paris' });
    const feedback = await logFeedback({ traceId, name: 'correctness', value: 'yes' });
    const notFeedback = await rejection(overrideFeedback({ traceId, assessmentId: expectation.assessmentId ?? '', value: 'no' }));
    expect(notFeedback.message).toBe(`The assessment with ID ${expectation.assessmentId} is not a feedback assessment.`);
    await rejection(overrideFeedback({ traceId, assessmentId: 'a-00000000000000000000000000000000', value: 'no' }), ErrorCode.RESOURCE_DOES_NOT_EXIST);
    await rejection(overrideFeedback({ traceId, assessmentId: feedback.assessmentId ?? '', value: { a: { b: 1 } } as never }));
    await rejection(overrideFeedback({ traceId, assessmentId: feedback.assessmentId ?? '', value: 'no', source: { sourceType: 'nobody' } }));
    await rejection(overrideFeedback({ traceId, assessmentId: feedback.assessmentId ?? '', value: 'no', error: 'x' } as never));
    expect(await assessmentsOf(traceId)).toEqual([expectation.toRecord(), feedback.toRecord()]);
  });
});

describe('updateAssessment', () => {
  it('changes name, rationale, value; merges metadata; keeps source, span and create time', async () => {
    const traceId = await storedTrace();
    const original = await logFeedback({ traceId, name: 'tone', value: 'ok', rationale: 'fine', metadata: { a: '1', b: '2' } });
    const updated = await updateAssessment(traceId, original.assessmentId ?? '', {
      name: 'politeness',
      value: 4,
      rationale: 'polite',
      metadata: new Map<string, unknown>([['b', 3], ['c', true]]),
    });
    expect(updated).toBeInstanceOf(Feedback);
    expect(updated).toMatchObject({ name: 'politeness', value: 4, rationale: 'polite', metadata: { a: '1', b: '3', c: 'true' } });
    expect(updated).toMatchObject({ source: original.source, createTimeMs: original.createTimeMs, spanId: null, valid: true });
    expect(updated.lastUpdateTimeMs).toBeGreaterThanOrEqual(original.lastUpdateTimeMs);
    expect(await getAssessment(traceId, original.assessmentId ?? '')).toEqual(updated);

    const failed = (await updateAssessment(traceId, original.assessmentId ?? '', { error: new Error('judge down') })) as Feedback;
    expect(failed).toMatchObject({ value: null, errorCode: 'Error', errorMessage: 'judge down' });

    // An entity, as MLflow takes it: its name and value are applied.
    const fromEntity = await updateAssessment(traceId, original.assessmentId ?? '', new Feedback({ name: 'politeness', value: 5 }));
    expect(fromEntity).toMatchObject({ name: 'politeness', value: 5, error: null, rationale: 'polite' });

    const expectation = await logExpectation({ traceId, name: 'answer', value: 'Paris' });
    const changed = await updateAssessment(traceId, expectation.assessmentId ?? '', new Expectation({ name: 'answer', value: ['Paris', 'France'] }));
    expect(changed).toBeInstanceOf(Expectation);
    expect(changed.value).toEqual(['Paris', 'France']);
  });

  it('refuses a value of the other kind and fields that cannot change; changes nothing', async () => {
    const traceId = await storedTrace();
    const feedback = await logFeedback({ traceId, name: 'tone', value: 'ok' });
    const expectation = await logExpectation({ traceId, name: 'answer', value: 'Paris' });
    const f = feedback.assessmentId ?? '';
    const e = expectation.assessmentId ?? '';
    const cases: [Promise<unknown>, string][] = [
      [updateAssessment(traceId, f, new Expectation({ name: 'tone', value: 'x' })), 'Cannot update expectation value on a Feedback assessment.'],
      [updateAssessment(traceId, e, new Feedback({ name: 'answer', value: 'x' })), 'Cannot update feedback value on an Expectation assessment.'],
      [updateAssessment(traceId, e, { error: 'oops' }), 'Cannot update feedback value on an Expectation assessment.'],
      [updateAssessment(traceId, f, { source: { sourceType: 'HUMAN' } } as never), 'unknown field "source"'],
      [updateAssessment(traceId, f, { value: { deep: { x: 1 } } }), 'Unsupported value for feedback'],
      [updateAssessment(traceId, f, { value: null }), 'Either value or error must be provided'],
      [updateAssessment(traceId, f, { name: '' }), 'name'],
      [updateAssessment(traceId, f, { metadata: new Map<unknown, unknown>([[2, 'x']]) as Map<string, unknown> }), 'keys must be strings'],
    ];
    for (const [promise, message] of cases) expect((await rejection(promise)).message).toContain(message);
    expect(await assessmentsOf(traceId)).toEqual([feedback.toRecord(), expectation.toRecord()]);
    await rejection(updateAssessment(traceId, 'a-00000000000000000000000000000000', { name: 'x' }), ErrorCode.RESOURCE_DOES_NOT_EXIST);
  });
});

describe('assessments with traces', () => {
  it('getTrace and searchTraces carry info.assessments; searchTraces filters by feedback and expectation', async () => {
    await setExperiment('assessed');
    const yes = await storedTrace('one');
    const no = await storedTrace('two');
    const none = await storedTrace('three');
    const first = await logFeedback({ traceId: yes, name: 'correctness', value: 'yes' });
    await logExpectation({ traceId: yes, name: 'expected_answer', value: 'Paris' });
    await logFeedback({ traceId: no, name: 'correctness', value: 'no' });
    await logFeedback({ traceId: no, name: 'score', value: 0.8 });

    expect((await getTrace(yes))?.info.assessments?.map((a) => a.name)).toEqual(['correctness', 'expected_answer']);
    expect((await getTrace(none))?.info.assessments).toEqual([]);
    const all = await searchTraces({ orderBy: ['timestamp_ms ASC'] });
    expect(all.map((t) => t.info.assessments?.length)).toEqual([2, 2, 0]);
    expect(all[0]?.info.assessments?.[0]).toEqual(first.toRecord());

    const ids = async (filter: string): Promise<string[]> => (await searchTraces({ filter, orderBy: ['timestamp_ms ASC'] })).map((t) => t.info.traceId);
    expect(await ids("feedback.correctness = 'yes'")).toEqual([yes]);
    expect(await ids("feedback.correctness != 'yes'")).toEqual([no]);
    expect(await ids("feedback.score = '0.8'")).toEqual([no]);
    expect(await ids("expectation.expected_answer = 'Paris'")).toEqual([yes]);
    expect(await ids("feedback.correctness ILIKE 'N%'")).toEqual([no]);
  });

  it('an assessment logged inside the traced function is kept with the open trace and stored with it', async () => {
    tracing.setDestination({});
    let inside: Feedback | undefined;
    let overridden: Feedback | undefined;
    let expectation: Expectation | undefined;
    const judged = trace(async function judged(question: string) {
      const traceId = getCurrentActiveSpan()?.traceId;
      const spanId = getCurrentActiveSpan()?.spanId ?? null;
      const first = await logFeedback({ traceId, name: 'on_the_fly', value: 'draft', spanId });
      inside = first;
      overridden = (await logAssessment(traceId, new Feedback({ name: 'on_the_fly', value: 'final', overrides: first.assessmentId, spanId }))) as Feedback;
      expectation = await logExpectation({ traceId, name: 'expected', value: { answer: 42 } });
      // Not in the store yet: the trace has not ended.
      expect(await getTrace(traceId ?? '')).toBeNull();
      return `answer to ${question}`;
    });
    await judged('life');
    await flushTraces();
    const traceId = getLastActiveTraceId() ?? '';
    expect(inside?.assessmentId).toMatch(/^a-[0-9a-f]{32}$/);
    expect(inside?.traceId).toBe(traceId);
    const stored = await getTrace(traceId);
    expect(stored?.info.assessments).toEqual([
      { ...inside?.toRecord(), valid: false },
      overridden?.toRecord(),
      expectation?.toRecord(),
    ]);
    expect(overridden).toMatchObject({ overrides: inside?.assessmentId, valid: true });
    expect(await getAssessment(traceId, inside?.assessmentId ?? '')).toMatchObject({ value: 'draft', valid: false });
    expect(await searchTraces({ filter: "feedback.on_the_fly = 'final'" })).toHaveLength(1);
  });

  it('an assessment logged right after the traced function returns waits for the trace to be stored', async () => {
    tracing.setDestination({});
    await answer('quick');
    const traceId = getLastActiveTraceId() ?? '';
    const feedback = await logFeedback({ traceId, name: 'thumbs', value: 'up', source: { sourceType: 'HUMAN', sourceId: 'user-7' } });
    expect(await getAssessment(traceId, feedback.assessmentId ?? '')).toEqual(feedback);
  });

  it('tracesToDataset: root inputs and outputs and the valid expectations by name', async () => {
    const a = await storedTrace('capital of France?');
    const b = await storedTrace('capital of Italy?');
    await logExpectation({ traceId: a, name: 'expected_response', value: 'Paris' });
    await logExpectation({ traceId: a, name: 'expected_facts', value: ['Paris', 'France'] });
    await logExpectation({ traceId: a, name: 'expected_response', value: 'Paris, France' });
    await logFeedback({ traceId: a, name: 'correctness', value: 'yes' });
    const rows = tracesToDataset(await searchTraces({ orderBy: ['timestamp_ms ASC'] }));
    expect(rows).toEqual([
      {
        inputs: { question: 'capital of France?' },
        outputs: 'answer to capital of France?',
        expectations: { expected_response: 'Paris, France', expected_facts: ['Paris', 'France'] },
      },
      { inputs: { question: 'capital of Italy?' }, outputs: 'answer to capital of Italy?', expectations: {} },
    ]);
    expect(b).not.toBe(a);
    expect(() => tracesToDataset('nope' as never)).toThrow(EvalflowError);
  });
});
