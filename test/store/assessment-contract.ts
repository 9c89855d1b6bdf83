// The assessment half of the TrackingStore contract: every implementation must pass it. A new backend calls
// `assessmentStoreContract` with a factory for fresh, empty stores (the same factory as `trackingStoreContract`).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, EvalflowError } from '../../src/core/errors.js';
import type { AssessmentRecord, NewAssessment } from '../../src/store/assessment-entities.js';
import type { TraceRecord } from '../../src/store/trace-entities.js';
import type { TrackingStore } from '../../src/store/tracking-store.js';
import type { StoreFixture } from './contract.js';
import { makeTrace, spanId } from './trace-contract.js';

const ASSESSMENT_ID = /^a-[0-9a-f]{32}$/;

export function feedbackInput(traceId: string, fields: Partial<NewAssessment> = {}): NewAssessment {
  return {
    traceId,
    spanId: null,
    name: 'correctness',
    source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4.1-mini' },
    kind: 'feedback',
    value: 'yes',
    error: null,
    rationale: null,
    metadata: {},
    ...fields,
  };
}

export function expectationInput(traceId: string, fields: Partial<NewAssessment> = {}): NewAssessment {
  return {
    traceId,
    spanId: null,
    name: 'expected_answer',
    source: { sourceType: 'HUMAN', sourceId: 'alice' },
    kind: 'expectation',
    value: 'Paris',
    error: null,
    rationale: null,
    metadata: {},
    ...fields,
  };
}

export function assessmentStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`TrackingStore assessment contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: TrackingStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    async function rejection(promise: Promise<unknown>): Promise<EvalflowError> {
      try {
        await promise;
      } catch (error) {
        expect(error).toBeInstanceOf(EvalflowError);
        return error as EvalflowError;
      }
      throw new Error('expected a rejection');
    }

    async function storedTrace(spec: Parameters<typeof makeTrace>[0] = {}): Promise<TraceRecord> {
      const trace = makeTrace(spec);
      await store.logTrace(trace);
      return trace;
    }

    async function assessmentsOf(traceId: string): Promise<AssessmentRecord[]> {
      return (await store.getTrace(traceId))?.info.assessments ?? [];
    }

    describe('create and get', () => {
      it('stores each kind of value and reads it back as created, with an id and times', async () => {
        const { info } = await storedTrace();
        const before = Date.now();
        const values: [NewAssessment['kind'], unknown][] = [
          ['feedback', 'yes'],
          ['feedback', 0.8],
          ['feedback', 0],
          ['feedback', false],
          ['feedback', ['a', 1, true]],
          ['feedback', { score: 3, label: 'ok', pass: true }],
          ['expectation', 'Paris'],
          ['expectation', 42],
          ['expectation', { facts: ['a', 'b'], nested: { n: null, deep: [1, { x: 'y' }] } }],
          ['expectation', [1, 'two', { three: 3 }]],
        ];
        for (const [kind, value] of values) {
          const input = kind === 'feedback' ? feedbackInput(info.traceId, { value }) : expectationInput(info.traceId, { value });
          const created = await store.createAssessment(input);
          expect(created.assessmentId).toMatch(ASSESSMENT_ID);
          expect(created).toMatchObject({ traceId: info.traceId, kind, value, valid: true, overrides: null });
          expect(created.createTimeMs).toBeGreaterThanOrEqual(before);
          expect(created.lastUpdateTimeMs).toBe(created.createTimeMs);
          expect(await store.getAssessment(info.traceId, created.assessmentId)).toEqual(created);
        }
      });

      it('keeps every field: span, source, rationale, metadata, error, given create time', async () => {
        const { info } = await storedTrace();
        const input = feedbackInput(info.traceId, {
          spanId: spanId(2),
          name: 'safety',
          source: { sourceType: 'CODE', sourceId: 'my_scorer' },
          value: null,
          error: { errorCode: 'RATE_LIMITED', errorMessage: 'slow down', stackTrace: 'at judge()' },
          rationale: 'the judge failed',
          metadata: { 'mlflow.assessment.sourceRunId': 'run-1', note: 'x' },
          createTimeMs: 1_700_000_000_500,
        });
        const created = await store.createAssessment(input);
        const { createTimeMs: _c, ...fields } = input;
        expect(created).toEqual({
          ...fields,
          assessmentId: created.assessmentId,
          createTimeMs: 1_700_000_000_500,
          lastUpdateTimeMs: 1_700_000_000_500,
          overrides: null,
          valid: true,
        });
        expect(await store.getAssessment(info.traceId, created.assessmentId)).toEqual(created);
      });

      it('gives distinct ids', async () => {
        const { info } = await storedTrace();
        const ids = new Set<string>();
        for (let i = 0; i < 20; i += 1) ids.add((await store.createAssessment(feedbackInput(info.traceId))).assessmentId);
        expect(ids.size).toBe(20);
      });

      it('fails with RESOURCE_DOES_NOT_EXIST for an unknown trace or assessment, or one of another trace', async () => {
        const a = await storedTrace();
        const b = await storedTrace();
        const unknownTrace = await rejection(store.createAssessment(feedbackInput('tr-ffffffffffffffffffffffffffffffff')));
        expect(unknownTrace.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        const created = await store.createAssessment(feedbackInput(a.info.traceId));
        const missing = await rejection(store.getAssessment(a.info.traceId, 'a-00000000000000000000000000000000'));
        expect(missing.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        expect(missing.message).toBe(`Assessment with ID 'a-00000000000000000000000000000000' not found for trace '${a.info.traceId}'`);
        const elsewhere = await rejection(store.getAssessment(b.info.traceId, created.assessmentId));
        expect(elsewhere.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        expect(elsewhere.message).toBe(`Assessment with ID '${created.assessmentId}' not found for trace '${b.info.traceId}'`);
        const noTrace = await rejection(store.getAssessment('tr-ffffffffffffffffffffffffffffffff', created.assessmentId));
        expect(noTrace.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
      });

      it('rejects invalid assessments with INVALID_PARAMETER_VALUE and writes nothing', async () => {
        const { info } = await storedTrace();
        const t = info.traceId;
        const cases: [NewAssessment, string][] = [
          [feedbackInput(t, { name: '' }), 'name'],
          [feedbackInput(t, { value: null, error: null }), 'Either value or error must be provided'],
          [feedbackInput(t, { value: { nested: { deep: 1 } } }), 'Unsupported value for feedback'],
          [feedbackInput(t, { value: Number.NaN }), 'Unsupported value for feedback'],
          [feedbackInput(t, { source: { sourceType: 'ROBOT' as never, sourceId: 'x' } }), 'Invalid assessment source type: ROBOT. Valid source types: ['],
          [feedbackInput(t, { kind: 'opinion' as never }), 'kind'],
          [feedbackInput(t, { metadata: { n: 1 as never } }), 'metadata'],
          [feedbackInput(t, { error: { errorCode: '' } as never, value: null }), 'errorCode'],
          [feedbackInput(t, { createTimeMs: Number.NaN }), 'createTimeMs'],
          [expectationInput(t, { value: null }), 'value'],
          [expectationInput(t, { error: { errorCode: 'E', errorMessage: null, stackTrace: null } }), 'cannot have an error'],
          [expectationInput(t, { rationale: 'because' }), 'cannot have a rationale'],
        ];
        for (const [input, message] of cases) {
          const error = await rejection(store.createAssessment(input));
          expect(error.code, message).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
          expect(error.message, message).toContain(message);
        }
        expect(await assessmentsOf(t)).toEqual([]);
      });

      it('createAssessments stores many on several traces in one call, in order, all or none', async () => {
        const a = await storedTrace();
        const b = await storedTrace();
        const inputs = [
          feedbackInput(a.info.traceId, { name: 'correctness', value: 'yes' }),
          expectationInput(a.info.traceId, { name: 'expected_response', value: 'Paris' }),
          feedbackInput(b.info.traceId, { name: 'safety', value: null, error: { errorCode: 'SCORER_ERROR', errorMessage: 'boom', stackTrace: 'at x' } }),
        ];
        const created = await store.createAssessments(inputs);
        expect(created.map((c) => [c.traceId, c.name, c.kind])).toEqual([
          [a.info.traceId, 'correctness', 'feedback'],
          [a.info.traceId, 'expected_response', 'expectation'],
          [b.info.traceId, 'safety', 'feedback'],
        ]);
        for (const record of created) {
          expect(record.assessmentId).toMatch(ASSESSMENT_ID);
          expect(await store.getAssessment(record.traceId, record.assessmentId)).toEqual(record);
        }
        expect(new Set(created.map((c) => c.assessmentId)).size).toBe(3);
        expect(await store.createAssessments([])).toEqual([]);

        // One bad assessment (invalid, or on an unknown trace) and nothing of the call is written.
        const invalid = await rejection(store.createAssessments([feedbackInput(a.info.traceId, { name: 'x' }), feedbackInput(a.info.traceId, { name: '' })]));
        expect(invalid.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        const unknown = await rejection(
          store.createAssessments([feedbackInput(a.info.traceId, { name: 'y' }), feedbackInput('tr-ffffffffffffffffffffffffffffffff')]),
        );
        expect(unknown.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        expect((await assessmentsOf(a.info.traceId)).map((r) => r.name)).toEqual(['correctness', 'expected_response']);
      });
    });

    describe('assessments on traces', () => {
      it('getTrace and searchTraces return every assessment of the trace, valid or not, by create time', async () => {
        const a = await storedTrace({ requestTime: 1_700_000_000_000 });
        const b = await storedTrace({ requestTime: 1_700_000_001_000 });
        const plain = await storedTrace({ requestTime: 1_700_000_002_000 });
        const second = await store.createAssessment(feedbackInput(a.info.traceId, { name: 'second', createTimeMs: 2000 }));
        const first = await store.createAssessment(expectationInput(a.info.traceId, { name: 'first', createTimeMs: 1000 }));
        const third = await store.overrideFeedback(a.info.traceId, second.assessmentId, feedbackInput(a.info.traceId, { name: 'second', value: 'no', createTimeMs: 3000 }));
        const onB = await store.createAssessment(feedbackInput(b.info.traceId));

        const got = await store.getTrace(a.info.traceId);
        expect(got?.info.assessments?.map((x) => x.assessmentId)).toEqual([first.assessmentId, second.assessmentId, third.assessmentId]);
        expect(got?.info.assessments?.[1]).toEqual({ ...second, valid: false });
        expect((await store.getTrace(plain.info.traceId))?.info.assessments).toEqual([]);

        const page = await store.searchTraces({ experimentIds: ['0'], orderBy: ['timestamp_ms ASC'] });
        expect(page.items.map((t) => t.info.assessments?.map((x) => x.assessmentId))).toEqual([
          [first.assessmentId, second.assessmentId, third.assessmentId],
          [onB.assessmentId],
          [],
        ]);
        const withoutSpans = await store.searchTraces({ experimentIds: ['0'], includeSpans: false, orderBy: ['timestamp_ms ASC'] });
        expect(withoutSpans.items[0]?.info.assessments).toEqual(got?.info.assessments);
      });

      it('logTrace stores the assessments that come with the trace, and a re-export does not duplicate them', async () => {
        const trace = makeTrace();
        const id = trace.info.traceId;
        const bundled: AssessmentRecord[] = [
          {
            ...feedbackInput(id, { name: 'inline', value: 0.5, rationale: 'r', spanId: spanId(2) }),
            assessmentId: 'a-0123456789abcdef0123456789abcdef',
            createTimeMs: 1_700_000_000_010,
            lastUpdateTimeMs: 1_700_000_000_020,
            overrides: null,
            valid: true,
          },
          {
            ...expectationInput(id, { value: { answer: 'Paris' } }),
            assessmentId: 'a-fedcba9876543210fedcba9876543210',
            createTimeMs: 1_700_000_000_030,
            lastUpdateTimeMs: 1_700_000_000_030,
            overrides: null,
            valid: true,
          },
        ];
        trace.info.assessments = bundled;
        await store.logTrace(trace);
        expect((await store.getTrace(id))?.info.assessments).toEqual(bundled);
        expect(await store.getAssessment(id, 'a-0123456789abcdef0123456789abcdef')).toEqual(bundled[0]);
        await store.logTrace(trace);
        expect((await store.getTrace(id))?.info.assessments).toEqual(bundled);
      });

      it('logTrace writes nothing when one of the assessments that come with the trace is invalid', async () => {
        const trace = makeTrace();
        trace.info.assessments = [
          { ...feedbackInput(trace.info.traceId), assessmentId: 'a-1', createTimeMs: 1, lastUpdateTimeMs: 1, overrides: null, valid: true },
          { ...feedbackInput(trace.info.traceId, { value: null }), assessmentId: 'a-2', createTimeMs: 1, lastUpdateTimeMs: 1, overrides: null, valid: true },
        ];
        const error = await rejection(store.logTrace(trace));
        expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        expect(await store.getTrace(trace.info.traceId)).toBeNull();

        const other = makeTrace();
        other.info.assessments = [
          { ...feedbackInput('tr-ffffffffffffffffffffffffffffffff'), assessmentId: 'a-3', createTimeMs: 1, lastUpdateTimeMs: 1, overrides: null, valid: true },
        ];
        expect((await rejection(store.logTrace(other))).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        expect(await store.getTrace(other.info.traceId)).toBeNull();
      });

      it('deleteTraces removes the assessments with their trace', async () => {
        const { info } = await storedTrace();
        const created = await store.createAssessment(feedbackInput(info.traceId));
        expect(await store.deleteTraces({ experimentId: '0', traceIds: [info.traceId] })).toBe(1);
        expect((await rejection(store.getAssessment(info.traceId, created.assessmentId))).code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        await store.logTrace(makeTrace({ id: info.traceId }));
        expect(await assessmentsOf(info.traceId)).toEqual([]);
      });
    });

    describe('updateAssessment', () => {
      it('changes name, rationale and the feedback value and error together; merges metadata; keeps the rest', async () => {
        const { info } = await storedTrace();
        const t = info.traceId;
        const original = await store.createAssessment(
          feedbackInput(t, { spanId: spanId(2), rationale: 'first', metadata: { keep: '1', change: 'old' }, createTimeMs: 1_000 }),
        );
        const before = Date.now();
        const updated = await store.updateAssessment(t, original.assessmentId, {
          name: 'renamed',
          rationale: 'second',
          metadata: { change: 'new', added: 'yes' },
          value: 'no',
        });
        expect(updated).toEqual({
          ...original,
          name: 'renamed',
          rationale: 'second',
          metadata: { keep: '1', change: 'new', added: 'yes' },
          value: 'no',
          error: null,
          lastUpdateTimeMs: updated.lastUpdateTimeMs,
        });
        expect(updated.lastUpdateTimeMs).toBeGreaterThanOrEqual(before);
        expect(await store.getAssessment(t, original.assessmentId)).toEqual(updated);

        // An error replaces the value too; a value replaces the error.
        const failed = await store.updateAssessment(t, original.assessmentId, { error: { errorCode: 'TIMEOUT', errorMessage: 'judge timed out', stackTrace: null } });
        expect(failed).toMatchObject({ value: null, error: { errorCode: 'TIMEOUT', errorMessage: 'judge timed out', stackTrace: null }, rationale: 'second' });
        const fixed = await store.updateAssessment(t, original.assessmentId, { value: 4 });
        expect(fixed).toMatchObject({ value: 4, error: null });
        // Only metadata: the value stays.
        const tagged = await store.updateAssessment(t, original.assessmentId, { metadata: { more: 'x' } });
        expect(tagged).toMatchObject({ value: 4, metadata: { keep: '1', change: 'new', added: 'yes', more: 'x' } });
        expect(tagged).toMatchObject({ source: original.source, spanId: spanId(2), createTimeMs: 1_000, overrides: null, valid: true });
      });

      it('changes an expectation value and name', async () => {
        const { info } = await storedTrace();
        const original = await store.createAssessment(expectationInput(info.traceId, { value: 'Paris' }));
        const updated = await store.updateAssessment(info.traceId, original.assessmentId, { value: { city: 'Lyon' }, name: 'city', kind: 'expectation' });
        expect(updated).toMatchObject({ value: { city: 'Lyon' }, name: 'city', kind: 'expectation', source: original.source });
        expect(await store.getAssessment(info.traceId, original.assessmentId)).toEqual(updated);
      });

      it('refuses a value of the other kind, an error on an expectation, or a feedback left with nothing; changes nothing', async () => {
        const { info } = await storedTrace();
        const t = info.traceId;
        const feedback = await store.createAssessment(feedbackInput(t));
        const expectation = await store.createAssessment(expectationInput(t));
        const cases: [string, Parameters<TrackingStore['updateAssessment']>[2], string][] = [
          [feedback.assessmentId, { value: 'x', kind: 'expectation' }, 'Cannot update expectation value on a Feedback assessment.'],
          [expectation.assessmentId, { value: 'x', kind: 'feedback' }, 'Cannot update feedback value on an Expectation assessment.'],
          [expectation.assessmentId, { error: { errorCode: 'E', errorMessage: null, stackTrace: null } }, 'Cannot update feedback value on an Expectation assessment.'],
          [expectation.assessmentId, { rationale: 'why' }, 'cannot have a rationale'],
          [feedback.assessmentId, { value: null }, 'Either value or error must be provided'],
          [feedback.assessmentId, { value: { a: { b: 1 } } }, 'Unsupported value for feedback'],
          [expectation.assessmentId, { value: null }, 'value'],
          [feedback.assessmentId, { name: '  ' }, 'name'],
          [feedback.assessmentId, { metadata: { n: 2 as never } }, 'metadata'],
        ];
        for (const [id, changes, message] of cases) {
          const error = await rejection(store.updateAssessment(t, id, changes));
          expect(error.code, message).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
          expect(error.message, message).toContain(message);
        }
        expect(await store.getAssessment(t, feedback.assessmentId)).toEqual(feedback);
        expect(await store.getAssessment(t, expectation.assessmentId)).toEqual(expectation);
        const missing = await rejection(store.updateAssessment(t, 'a-00000000000000000000000000000000', { name: 'x' }));
        expect(missing.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        expect(missing.message).toBe(`Assessment with ID 'a-00000000000000000000000000000000' not found for trace '${t}'`);
      });
    });

    describe('overrideFeedback and deleteAssessment', () => {
      it('an override chain leaves only the last valid and the originals otherwise untouched', async () => {
        const { info } = await storedTrace();
        const t = info.traceId;
        const judge = await store.createAssessment(feedbackInput(t, { spanId: spanId(2), rationale: 'looks right', metadata: { k: 'v' } }));
        const human = await store.overrideFeedback(
          t,
          judge.assessmentId,
          feedbackInput(t, { spanId: spanId(2), value: 'no', source: { sourceType: 'HUMAN', sourceId: 'alice' }, rationale: 'wrong city' }),
        );
        expect(human).toMatchObject({ overrides: judge.assessmentId, valid: true, value: 'no', name: 'correctness' });
        expect(human.assessmentId).toMatch(ASSESSMENT_ID);
        const second = await store.overrideFeedback(
          t,
          human.assessmentId,
          feedbackInput(t, { spanId: spanId(2), value: 'partly', source: { sourceType: 'HUMAN', sourceId: 'bob' } }),
        );
        expect(await store.getAssessment(t, judge.assessmentId)).toEqual({ ...judge, valid: false });
        expect(await store.getAssessment(t, human.assessmentId)).toEqual({ ...human, valid: false });
        expect(await store.getAssessment(t, second.assessmentId)).toEqual(second);
        expect((await assessmentsOf(t)).filter((a) => a.valid).map((a) => a.assessmentId)).toEqual([second.assessmentId]);
      });

      it('deleting the latest override makes the one before valid again; a missing one is a no-op', async () => {
        const { info } = await storedTrace();
        const t = info.traceId;
        const judge = await store.createAssessment(feedbackInput(t));
        const human = await store.overrideFeedback(t, judge.assessmentId, feedbackInput(t, { value: 'no' }));
        const second = await store.overrideFeedback(t, human.assessmentId, feedbackInput(t, { value: 'partly' }));
        await store.deleteAssessment(t, second.assessmentId);
        expect((await rejection(store.getAssessment(t, second.assessmentId))).code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        expect(await store.getAssessment(t, human.assessmentId)).toEqual(human);
        expect((await store.getAssessment(t, judge.assessmentId)).valid).toBe(false);
        await store.deleteAssessment(t, human.assessmentId);
        expect(await store.getAssessment(t, judge.assessmentId)).toEqual(judge);
        // No-ops: already deleted, unknown id, unknown trace, an assessment of another trace.
        await store.deleteAssessment(t, human.assessmentId);
        await store.deleteAssessment(t, 'a-00000000000000000000000000000000');
        await store.deleteAssessment('tr-ffffffffffffffffffffffffffffffff', judge.assessmentId);
        const other = await storedTrace();
        await store.deleteAssessment(other.info.traceId, judge.assessmentId);
        expect(await assessmentsOf(t)).toEqual([judge]);
      });

      it('deleting one of two overrides of the same feedback keeps it invalid while the other remains', async () => {
        const { info } = await storedTrace();
        const t = info.traceId;
        const judge = await store.createAssessment(feedbackInput(t));
        const a = await store.overrideFeedback(t, judge.assessmentId, feedbackInput(t, { value: 'no' }));
        const b = await store.overrideFeedback(t, judge.assessmentId, feedbackInput(t, { value: 'partly' }));
        await store.deleteAssessment(t, b.assessmentId);
        expect((await store.getAssessment(t, judge.assessmentId)).valid).toBe(false);
        await store.deleteAssessment(t, a.assessmentId);
        expect((await store.getAssessment(t, judge.assessmentId)).valid).toBe(true);
      });

      it('createAssessment with overrides is an override too', async () => {
        const { info } = await storedTrace();
        const judge = await store.createAssessment(feedbackInput(info.traceId));
        const human = await store.createAssessment(feedbackInput(info.traceId, { value: 'no', overrides: judge.assessmentId }));
        expect(human).toMatchObject({ overrides: judge.assessmentId, valid: true });
        expect((await store.getAssessment(info.traceId, judge.assessmentId)).valid).toBe(false);
      });

      it('refuses to override an expectation, an unknown id or one of another trace, and creates nothing', async () => {
        const a = await storedTrace();
        const b = await storedTrace();
        const t = a.info.traceId;
        const expectation = await store.createAssessment(expectationInput(t));
        const feedbackOnB = await store.createAssessment(feedbackInput(b.info.traceId));

        const notFeedback = await rejection(store.overrideFeedback(t, expectation.assessmentId, feedbackInput(t)));
        expect(notFeedback.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        expect(notFeedback.message).toBe(`The assessment with ID ${expectation.assessmentId} is not a feedback assessment.`);

        const unknown = await rejection(store.overrideFeedback(t, 'a-00000000000000000000000000000000', feedbackInput(t)));
        expect(unknown.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        expect(unknown.message).toBe(`Assessment with ID 'a-00000000000000000000000000000000' not found for trace '${t}'`);

        const crossTrace = await rejection(store.overrideFeedback(t, feedbackOnB.assessmentId, feedbackInput(t)));
        expect(crossTrace.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);

        const asExpectation = await rejection(store.overrideFeedback(b.info.traceId, feedbackOnB.assessmentId, expectationInput(b.info.traceId)));
        expect(asExpectation.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        const invalidValue = await rejection(store.overrideFeedback(b.info.traceId, feedbackOnB.assessmentId, feedbackInput(b.info.traceId, { value: null })));
        expect(invalidValue.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);

        expect(await assessmentsOf(t)).toEqual([expectation]);
        expect(await assessmentsOf(b.info.traceId)).toEqual([feedbackOnB]);
      });
    });

    describe('searchTraces by feedback and expectation', () => {
      const ids: Record<string, string> = {};

      beforeEach(async () => {
        for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) {
          const trace = await storedTrace({ requestTime: 1_700_000_000_000 + i * 1000, tags: { env: i % 2 === 0 ? 'prod' : 'dev' } });
          ids[key] = trace.info.traceId;
        }
        const id = (key: string): string => ids[key] ?? '';
        // a: correctness yes; b: correctness no, overridden to yes; c: correctness no; d: none.
        await store.createAssessment(feedbackInput(id('a'), { value: 'yes' }));
        const wrong = await store.createAssessment(feedbackInput(id('b'), { value: 'no' }));
        await store.overrideFeedback(id('b'), wrong.assessmentId, feedbackInput(id('b'), { value: 'yes' }));
        await store.createAssessment(feedbackInput(id('c'), { value: 'no' }));
        await store.createAssessment(feedbackInput(id('a'), { name: 'score', value: 0.8 }));
        await store.createAssessment(feedbackInput(id('b'), { name: 'score', value: 0.25 }));
        await store.createAssessment(feedbackInput(id('c'), { name: 'passed', value: true }));
        await store.createAssessment(feedbackInput(id('d'), { name: 'passed', value: false }));
        await store.createAssessment(feedbackInput(id('d'), { name: 'judge_failed', value: null, error: { errorCode: 'E', errorMessage: null, stackTrace: null } }));
        await store.createAssessment(expectationInput(id('a'), { value: 'Paris' }));
        await store.createAssessment(expectationInput(id('c'), { value: 'Lyon' }));
        await store.createAssessment(expectationInput(id('d'), { name: 'facts', value: ['x', 'y'] }));
        // An expectation named like a feedback does not answer feedback filters, and the reverse.
        await store.createAssessment(expectationInput(id('d'), { name: 'correctness', value: 'yes' }));
      });

      async function filtered(filter: string): Promise<string[]> {
        const page = await store.searchTraces({ experimentIds: ['0'], filter, orderBy: ['timestamp_ms ASC'] });
        const names = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
        return page.items.map((t) => names[t.info.traceId] ?? '?');
      }

      it('matches valid feedback only, with =, !=, LIKE, ILIKE and RLIKE', async () => {
        expect(await filtered("feedback.correctness = 'yes'")).toEqual(['a', 'b']);
        expect(await filtered("feedback.correctness = 'no'")).toEqual(['c']);
        expect(await filtered("feedback.correctness != 'yes'")).toEqual(['c']);
        expect(await filtered("feedback.correctness != 'maybe'")).toEqual(['a', 'b', 'c']);
        expect(await filtered("feedback.correctness LIKE 'y%'")).toEqual(['a', 'b']);
        expect(await filtered("feedback.correctness LIKE 'Y%'")).toEqual([]);
        expect(await filtered("feedback.correctness ILIKE 'Y%'")).toEqual(['a', 'b']);
        expect(await filtered("feedback.correctness RLIKE '^n'")).toEqual(['c']);
        expect(await filtered("feedback.missing = 'yes'")).toEqual([]);
      });

      it('compares other values as their JSON text', async () => {
        expect(await filtered("feedback.score = '0.8'")).toEqual(['a']);
        expect(await filtered("feedback.score LIKE '0.%'")).toEqual(['a', 'b']);
        expect(await filtered("feedback.passed = 'true'")).toEqual(['c']);
        expect(await filtered("feedback.passed = 'false'")).toEqual(['d']);
        expect(await filtered("feedback.judge_failed != 'x'")).toEqual([]);
      });

      it('matches expectations, and combines with other conditions', async () => {
        expect(await filtered("expectation.expected_answer = 'Paris'")).toEqual(['a']);
        expect(await filtered("expectation.expected_answer != 'Paris'")).toEqual(['c']);
        expect(await filtered("expectation.facts = '[\"x\",\"y\"]'")).toEqual(['d']);
        expect(await filtered("expectation.correctness = 'yes'")).toEqual(['d']);
        expect(await filtered("feedback.correctness = 'yes' AND tags.env = 'prod'")).toEqual(['a']);
        expect(await filtered("feedback.correctness = 'yes' AND feedback.score = '0.25'")).toEqual(['b']);
        expect(await filtered("feedback.correctness = 'yes' AND expectation.expected_answer = 'Paris'")).toEqual(['a']);
      });

      it('treats names and values as data', async () => {
        expect(await filtered("feedback.correctness = 'yes'' OR 1=1 --'")).toEqual([]);
        expect(await filtered("feedback.`correctness'; DROP TABLE assessments; --` = 'x'")).toEqual([]);
        expect(await filtered("feedback.correctness = 'yes'")).toEqual(['a', 'b']);
      });
    });
  });
}
