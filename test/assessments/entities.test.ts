import { describe, expect, it } from 'vitest';
import { ErrorCode, EvalflowError } from '../../src/core/errors.js';
import {
  AssessmentError,
  AssessmentSource,
  assessmentFromJSON,
  assessmentFromRecord,
  Expectation,
  Feedback,
  truncateStackTrace,
} from '../../src/assessments/index.js';

function invalid(fn: () => unknown): EvalflowError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EvalflowError);
    expect((error as EvalflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    return error as EvalflowError;
  }
  throw new Error('expected an INVALID_PARAMETER_VALUE error');
}

const T0 = Date.parse('2025-02-20T05:47:23.123Z');

describe('Feedback', () => {
  it('defaults: name "feedback", source CODE/default, valid, times now', () => {
    const before = Date.now();
    const feedback = new Feedback({ value: 'yes' });
    expect(feedback).toMatchObject({ name: 'feedback', value: 'yes', error: null, rationale: null, overrides: null, valid: true, kind: 'feedback' });
    expect(feedback.source).toEqual(new AssessmentSource({ sourceType: 'CODE', sourceId: 'default' }));
    expect(feedback.createTimeMs).toBeGreaterThanOrEqual(before);
    expect(feedback.lastUpdateTimeMs).toBe(feedback.createTimeMs);
  });

  it('round-trips through MLflow wire JSON', () => {
    const feedback = new Feedback({
      assessmentId: 'a-0123456789abcdef0123456789abcdef',
      traceId: 'tr-0123456789abcdef0123456789abcdef',
      spanId: '0123456789abcdef',
      name: 'correctness',
      value: { score: 3, pass: true, label: 'ok' },
      source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4.1-mini' },
      rationale: 'matches the expected answer',
      metadata: { 'mlflow.assessment.sourceRunId': 'run-1' },
      overrides: 'a-old',
      valid: false,
      createTimeMs: T0,
      lastUpdateTimeMs: T0 + 1000,
    });
    const json = feedback.toJSON();
    expect(json).toEqual({
      assessment_id: 'a-0123456789abcdef0123456789abcdef',
      assessment_name: 'correctness',
      trace_id: 'tr-0123456789abcdef0123456789abcdef',
      span_id: '0123456789abcdef',
      source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4.1-mini' },
      create_time: '2025-02-20T05:47:23.123Z',
      last_update_time: '2025-02-20T05:47:24.123Z',
      feedback: { value: { score: 3, pass: true, label: 'ok' } },
      rationale: 'matches the expected answer',
      metadata: { 'mlflow.assessment.sourceRunId': 'run-1' },
      overrides: 'a-old',
      valid: false,
    });
    const back = assessmentFromJSON(JSON.parse(JSON.stringify(json)));
    expect(back).toBeInstanceOf(Feedback);
    expect(back).toEqual(feedback);
    expect(back.toRecord()).toEqual(feedback.toRecord());
    expect((back as Feedback).runId).toBe('run-1');
  });

  it('an error-only feedback, from an exception, with the accessors', () => {
    class JudgeTimeout extends Error {}
    const feedback = new Feedback({ name: 'safety', error: new JudgeTimeout('took too long') });
    expect(feedback.value).toBeNull();
    expect(feedback.errorCode).toBe('JudgeTimeout');
    expect(feedback.errorMessage).toBe('took too long');
    expect(feedback.error?.stackTrace).toContain('took too long');
    expect(new Feedback({ error: new TypeError('bad') }).errorCode).toBe('TypeError');
    expect(new Feedback({ error: 'judge unavailable' }).error?.toRecord()).toEqual({
      errorCode: 'ASSESSMENT_ERROR',
      errorMessage: 'judge unavailable',
      stackTrace: null,
    });
    const json = feedback.toJSON();
    expect(json.feedback).toEqual({ error: { error_code: 'JudgeTimeout', error_message: 'took too long', stack_trace: feedback.error?.stackTrace } });
    expect(json).not.toHaveProperty('rationale');
    expect(assessmentFromJSON(json)).toEqual(feedback);
  });

  it('reads the deprecated top-level error into feedback.error and a missing valid as true', () => {
    const read = assessmentFromJSON({
      assessment_name: 'x',
      source: { source_type: 'CODE' },
      feedback: {},
      error: { error_code: 'OLD', error_message: 'from the top level' },
    }) as Feedback;
    expect(read.error?.toRecord()).toEqual({ errorCode: 'OLD', errorMessage: 'from the top level', stackTrace: null });
    expect(read.valid).toBe(true);
    expect(read.source.sourceId).toBe('default');
  });

  it('rejects a feedback with neither value nor error, and unsupported values', () => {
    expect(invalid(() => new Feedback({ name: 'x' })).message).toContain('Either value or error must be provided');
    expect(invalid(() => new Feedback({ value: null })).message).toContain('Either value or error must be provided');
    for (const value of [{ nested: { a: 1 } }, [1, [2]], Number.NaN, Number.POSITIVE_INFINITY, new Date(), () => 1, 10n]) {
      expect(invalid(() => new Feedback({ value: value as never })).message).toContain('Unsupported value for feedback');
    }
    for (const value of [0, false, '', [], {}]) expect(new Feedback({ value: value as never }).value).toEqual(value);
  });

  it('rejects non-string metadata keys, a bad rationale, bad ids and bad times', () => {
    const metadata = new Map<unknown, unknown>([['ok', 1], [7, 'x']]);
    expect(invalid(() => new Feedback({ value: 1, metadata: metadata as Map<string, unknown> })).message).toContain('keys must be strings');
    expect(invalid(() => new Feedback({ value: 1, metadata: [1, 2] as never })).message).toContain('metadata');
    expect(invalid(() => new Feedback({ value: 1, rationale: 5 as never })).message).toContain('rationale');
    expect(invalid(() => new Feedback({ value: 1, spanId: 5 as never })).message).toContain('spanId');
    expect(invalid(() => new Feedback({ value: 1, createTimeMs: Number.NaN })).message).toContain('createTimeMs');
    expect(invalid(() => new Feedback({ value: 1, name: ' ' })).message).toContain('name');
  });

  it('stringifies metadata values and accepts a Map', () => {
    const feedback = new Feedback({ value: 1, metadata: new Map<string, unknown>([['n', 2], ['b', true], ['o', { a: 1 }], ['s', 'x'], ['u', undefined]]) });
    expect(feedback.metadata).toEqual({ n: '2', b: 'true', o: '{"a":1}', s: 'x' });
  });
});

describe('Expectation', () => {
  it('defaults to source HUMAN and keeps a primitive in expectation.value', () => {
    const expectation = new Expectation({ name: 'expected_answer', value: 'Paris', createTimeMs: T0 });
    expect(expectation.source.sourceType).toBe('HUMAN');
    const json = expectation.toJSON();
    expect(json.expectation).toEqual({ value: 'Paris' });
    expect(json).not.toHaveProperty('valid');
    expect(json).not.toHaveProperty('feedback');
    expect(assessmentFromJSON(json)).toEqual(expectation);
  });

  it('writes any other value as serialized_value JSON_FORMAT and reads it back', () => {
    const value = { facts: ['Paris is in France', 'Capital'], n: 1, deep: { ok: true, none: null } };
    const expectation = new Expectation({ name: 'facts', value, source: { sourceType: 'code', sourceId: 'dataset' } });
    const json = expectation.toJSON();
    expect(json.expectation).toEqual({ serialized_value: { serialization_format: 'JSON_FORMAT', value: JSON.stringify(value) } });
    const back = assessmentFromJSON(JSON.parse(JSON.stringify(json)));
    expect(back).toBeInstanceOf(Expectation);
    expect(back.value).toEqual(value);
    expect(back).toEqual(expectation);
    expect(new Expectation({ name: 'list', value: [1, 2] }).toJSON().expectation).toEqual({
      serialized_value: { serialization_format: 'JSON_FORMAT', value: '[1,2]' },
    });
  });

  it('needs a JSON value and refuses other serialization formats', () => {
    expect(invalid(() => new Expectation({ name: 'x', value: undefined })).message).toContain('value');
    expect(invalid(() => new Expectation({ name: 'x', value: null })).message).toContain('value');
    expect(invalid(() => new Expectation({ name: 'x', value: () => 1 })).message).toContain('not JSON-serialisable');
    expect(invalid(() => new Expectation({ name: 'x', value: { n: 1n } })).message).toContain('not JSON-serialisable');
    expect(invalid(() => new Expectation({ value: 1 } as never)).message).toContain('name');
    const other = { assessment_name: 'x', expectation: { serialized_value: { serialization_format: 'PICKLE', value: '...' } } };
    expect(invalid(() => assessmentFromJSON(other)).message).toContain('Unknown expectation serialization format: PICKLE');
    const broken = { assessment_name: 'x', expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '{' } } };
    expect(invalid(() => assessmentFromJSON(broken)).message).toContain('not valid JSON');
  });

  it('copies the value, so later changes to the caller’s object do not leak in', () => {
    const value = { list: [1] };
    const expectation = new Expectation({ name: 'x', value });
    value.list.push(2);
    expect(expectation.value).toEqual({ list: [1] });
  });
});

describe('wire JSON dispatch', () => {
  it('needs exactly one of feedback or expectation', () => {
    expect(invalid(() => assessmentFromJSON({ assessment_name: 'x' })).message).toContain('Unknown assessment type');
    expect(invalid(() => assessmentFromJSON({ assessment_name: 'x', feedback: { value: 1 }, expectation: { value: 1 } })).message).toBe(
      'Exactly one of expectation or feedback should be specified.',
    );
    expect(invalid(() => assessmentFromJSON({ assessment_name: 'x', feedback: { value: 1 }, create_time: 'yesterday' })).message).toContain('create_time');
    expect(invalid(() => assessmentFromJSON('{}')).message).toContain('object');
  });

  it('round-trips records through entities', () => {
    const feedback = new Feedback({ traceId: 'tr-1', assessmentId: 'a-1', value: ['a', 'b'], error: { errorCode: 'PARTIAL' }, metadata: { k: 'v' } });
    expect(assessmentFromRecord(feedback.toRecord())).toEqual(feedback);
    const expectation = new Expectation({ traceId: 'tr-1', assessmentId: 'a-2', name: 'e', value: { a: [1] } });
    expect(assessmentFromRecord(expectation.toRecord())).toEqual(expectation);
  });
});

describe('AssessmentSource', () => {
  it('upper-cases the type, maps AI_JUDGE to LLM_JUDGE and lists the valid types otherwise', () => {
    expect(new AssessmentSource({ sourceType: 'human', sourceId: 'alice' }).sourceType).toBe('HUMAN');
    expect(new AssessmentSource({ sourceType: 'Llm_Judge' }).sourceType).toBe('LLM_JUDGE');
    expect(new AssessmentSource({ sourceType: 'ai_judge' }).sourceType).toBe('LLM_JUDGE');
    const read = assessmentFromJSON({ assessment_name: 'x', source: { source_type: 'AI_JUDGE', source_id: 'gpt' }, feedback: { value: 1 } });
    expect(read.source.toJSON()).toEqual({ source_type: 'LLM_JUDGE', source_id: 'gpt' });
    expect(invalid(() => new AssessmentSource({ sourceType: 'robot' })).message).toBe(
      'Invalid assessment source type: robot. Valid source types: [HUMAN, LLM_JUDGE, CODE, SOURCE_TYPE_UNSPECIFIED]',
    );
    expect(invalid(() => new Feedback({ value: 1, source: { sourceType: 'ROBOT' } })).message).toContain('Valid source types');
  });
});

describe('AssessmentError stack traces', () => {
  it('keeps a trace of up to 10,000 characters and truncates a longer one to its tail behind MLflow’s prefix', () => {
    const exact = 'x'.repeat(10_000);
    expect(truncateStackTrace(exact)).toBe(exact);
    const long = `${'head'.repeat(3000)}${'y'.repeat(9000)}END`;
    const truncated = truncateStackTrace(long);
    expect(truncated).toHaveLength(10_000);
    expect(truncated.startsWith('[Stack trace is truncated]\n...\n')).toBe(true);
    expect(truncated.endsWith(`${'y'.repeat(9000)}END`)).toBe(true);
    expect(long.endsWith(truncated.slice('[Stack trace is truncated]\n...\n'.length))).toBe(true);
    const error = new AssessmentError({ errorCode: 'BIG', stackTrace: long });
    expect(error.toJSON().stack_trace).toBe(truncated);
    const feedback = new Feedback({ error });
    const json = feedback.toJSON() as { feedback: { error: { stack_trace: string } } };
    expect(json.feedback.error.stack_trace).toHaveLength(10_000);
  });

  it('needs an error code and string fields', () => {
    expect(invalid(() => new AssessmentError({ errorCode: '' })).message).toContain('errorCode');
    expect(invalid(() => new AssessmentError({ errorCode: 'E', errorMessage: 5 as never })).message).toContain('errorMessage');
  });
});
