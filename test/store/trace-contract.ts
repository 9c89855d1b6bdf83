// The trace half of the TrackingStore contract: every implementation must pass it. A new backend calls
// `traceStoreContract` with a factory for fresh, empty stores (the same factory as `trackingStoreContract`).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, EvalflowError } from '../../src/core/errors.js';
import type { SpanRecord, TraceRecord, TraceState } from '../../src/store/trace-entities.js';
import type { SearchTracesInput, TrackingStore } from '../../src/store/tracking-store.js';
import type { StoreFixture } from './contract.js';

let counter = 0;

/** A fresh `tr-` + 32 hex trace id; `n` makes it predictable (ids sort by n). */
export function traceId(n?: number): string {
  counter += 1;
  return `tr-${(n ?? counter).toString(16).padStart(32, '0')}`;
}

export function spanId(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export interface SpanSpec {
  id: number;
  parent?: number | null;
  name?: string;
  type?: string;
  start?: bigint;
  end?: bigint | null;
  status?: SpanRecord['status']['code'];
  attributes?: Record<string, unknown>;
}

export function makeSpan(trace: string, spec: SpanSpec): SpanRecord {
  const start = spec.start ?? 1_700_000_000_000_000_000n + BigInt(spec.id) * 1_000_000n;
  return {
    traceId: trace,
    spanId: spanId(spec.id),
    parentSpanId: spec.parent === undefined || spec.parent === null ? null : spanId(spec.parent),
    name: spec.name ?? `span-${spec.id}`,
    startTimeUnixNano: start,
    endTimeUnixNano: spec.end === undefined ? start + 5_000_000n : spec.end,
    status: { code: spec.status ?? 'STATUS_CODE_OK', message: '' },
    attributes: {
      'mlflow.traceRequestId': JSON.stringify(trace),
      'mlflow.spanType': JSON.stringify(spec.type ?? 'UNKNOWN'),
      ...spec.attributes,
    },
    events: [],
    links: [],
  };
}

export interface TraceSpec {
  id?: string;
  experimentId?: string;
  requestTime?: number;
  executionDuration?: number | null;
  state?: TraceState;
  clientRequestId?: string | null;
  requestPreview?: string | null;
  responsePreview?: string | null;
  tags?: Record<string, string>;
  metadata?: Record<string, string>;
  /** Spans; by default a root named `name` (or "root") of type CHAIN and one LLM child. */
  spans?: SpanSpec[];
  name?: string;
}

export function makeTrace(spec: TraceSpec = {}): TraceRecord {
  const id = spec.id ?? traceId();
  const spans = spec.spans ?? [
    { id: 1, name: spec.name ?? 'root', type: 'CHAIN' },
    { id: 2, parent: 1, name: 'llm', type: 'LLM' },
  ];
  return {
    info: {
      traceId: id,
      clientRequestId: spec.clientRequestId ?? null,
      experimentId: spec.experimentId ?? '0',
      requestTime: spec.requestTime ?? 1_700_000_000_000,
      executionDuration: spec.executionDuration === undefined ? 100 : spec.executionDuration,
      state: spec.state ?? 'OK',
      requestPreview: spec.requestPreview ?? null,
      responsePreview: spec.responsePreview ?? null,
      traceMetadata: { 'mlflow.trace_schema.version': '3', ...spec.metadata },
      tags: { ...(spec.name !== undefined && { 'mlflow.traceName': spec.name }), ...spec.tags },
    },
    data: { spans: spans.map((s) => makeSpan(id, s)) },
  };
}

export function traceStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`TrackingStore trace contract: ${name}`, () => {
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

    describe('logTrace and getTrace', () => {
      it('round-trips every field: ns times exactly, events, links, JSON-string attributes, a null end time', async () => {
        const id = traceId();
        const otherTrace = 'ab'.repeat(16);
        const trace: TraceRecord = {
          info: {
            traceId: id,
            clientRequestId: 'client-42',
            experimentId: '0',
            requestTime: 1_700_000_000_123,
            executionDuration: 532,
            state: 'ERROR',
            requestPreview: '{"question": "why?"}',
            responsePreview: '"because"',
            traceMetadata: {
              'mlflow.trace_schema.version': '3',
              'mlflow.trace.tokenUsage': '{"input_tokens":5,"output_tokens":7,"total_tokens":12}',
              'mlflow.sourceRun': 'run-1',
            },
            tags: { 'mlflow.traceName': 'agent', env: 'prod', 'unicode ✓': 'é\n"quoted"' },
          },
          data: {
            spans: [
              {
                traceId: id,
                spanId: 'a1b2c3d4e5f60718',
                parentSpanId: null,
                name: 'agent',
                startTimeUnixNano: 1_700_000_000_123_456_789n,
                endTimeUnixNano: 1_700_000_000_655_999_999n,
                status: { code: 'STATUS_CODE_ERROR', message: 'boom: it failed' },
                attributes: {
                  'mlflow.traceRequestId': JSON.stringify(id),
                  'mlflow.spanType': '"AGENT"',
                  'mlflow.spanInputs': '{"question":"why?","n":[1,2.5,null]}',
                  'mlflow.spanOutputs': '"because"',
                  'mlflow.chat.tokenUsage': '{"input_tokens":5,"output_tokens":7,"total_tokens":12}',
                  count: 3,
                  ratio: 0.25,
                  ok: false,
                  list: ['a', 'b'],
                  nums: [1, 2, 3],
                  empty: '',
                },
                events: [
                  {
                    name: 'exception',
                    timeUnixNano: 1_700_000_000_600_000_001n,
                    attributes: {
                      'exception.type': 'Error',
                      'exception.message': 'boom',
                      'exception.stacktrace': 'Error: boom\n    at x (y.ts:1:2)',
                    },
                  },
                  { name: 'mlflow.chunk.item.0', timeUnixNano: 1_700_000_000_500_000_000n, attributes: {} },
                ],
                links: [{ traceId: otherTrace, spanId: '0102030405060708', attributes: { reason: 'retry', n: 2 } }],
              },
              {
                traceId: id,
                spanId: '00000000000000ff',
                parentSpanId: 'a1b2c3d4e5f60718',
                name: 'unfinished tool',
                startTimeUnixNano: 1_700_000_000_200_000_000n,
                endTimeUnixNano: null,
                status: { code: 'STATUS_CODE_UNSET', message: '' },
                attributes: { 'mlflow.spanType': '"TOOL"', 'mlflow.spanInputs': '{"q": "x"}' },
                events: [],
                links: [],
              },
            ],
          },
        };
        await store.logTrace(trace);
        const stored = await store.getTrace(id);
        expect(stored).toEqual({ ...trace, info: { ...trace.info, assessments: [] } });
        expect(stored?.data.spans[0]?.startTimeUnixNano).toBe(1_700_000_000_123_456_789n);
        expect(typeof stored?.data.spans[0]?.events[0]?.timeUnixNano).toBe('bigint');
        expect(stored?.data.spans[1]?.endTimeUnixNano).toBeNull();
      });

      it('keeps ns precision at the limits of 64 bits', async () => {
        const id = traceId();
        const trace = makeTrace({
          id,
          spans: [
            { id: 1, start: 0n, end: 1n },
            { id: 2, parent: 1, start: 9_223_372_036_854_775_806n, end: 9_223_372_036_854_775_807n },
          ],
        });
        await store.logTrace(trace);
        const spans = (await store.getTrace(id))?.data.spans ?? [];
        expect(spans.map((s) => [s.startTimeUnixNano, s.endTimeUnixNano])).toEqual([
          [0n, 1n],
          [9_223_372_036_854_775_806n, 9_223_372_036_854_775_807n],
        ]);
      });

      it('returns spans ordered by start time, then span id', async () => {
        const id = traceId();
        await store.logTrace(
          makeTrace({
            id,
            spans: [
              { id: 5, parent: 1, start: 300n },
              { id: 3, parent: 1, start: 200n },
              { id: 1, start: 100n },
              { id: 2, parent: 1, start: 200n },
            ],
          }),
        );
        const spans = (await store.getTrace(id))?.data.spans ?? [];
        expect(spans.map((s) => s.spanId)).toEqual([spanId(1), spanId(2), spanId(3), spanId(5)]);
      });

      it('gives null for an unknown trace id', async () => {
        expect(await store.getTrace(traceId())).toBeNull();
      });

      it('stores a trace without spans and one in progress', async () => {
        const id = traceId();
        await store.logTrace(makeTrace({ id, spans: [], state: 'IN_PROGRESS', executionDuration: null }));
        const stored = await store.getTrace(id);
        expect(stored?.info).toMatchObject({ state: 'IN_PROGRESS', executionDuration: null });
        expect(stored?.data.spans).toEqual([]);
      });

      it('rejects a trace of an unknown experiment and writes nothing', async () => {
        const id = traceId();
        const error = await rejection(store.logTrace(makeTrace({ id, experimentId: '999' })));
        expect(error.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        expect(await store.getTrace(id)).toBeNull();
        await expect(store.logTrace(makeTrace({ experimentId: 'nope' }))).rejects.toMatchObject({
          code: ErrorCode.RESOURCE_DOES_NOT_EXIST,
        });
      });

      it('rejects a span of another trace and an invalid state with INVALID_PARAMETER_VALUE, writing nothing', async () => {
        const id = traceId();
        const trace = makeTrace({ id });
        const stray = makeSpan(traceId(), { id: 9 });
        trace.data.spans.push(stray);
        expect((await rejection(store.logTrace(trace))).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        expect(await store.getTrace(id)).toBeNull();
        const bad = makeTrace({ state: 'DONE' as TraceState });
        expect((await rejection(store.logTrace(bad))).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
      });

      it('rejects malformed records (missing span id, non-string tag value, non-bigint time) and writes nothing', async () => {
        const noSpanId = makeTrace();
        (noSpanId.data.spans[1] as { spanId: unknown }).spanId = undefined;
        const numericTag = makeTrace();
        (numericTag.info.tags as Record<string, unknown>).count = 3;
        const numberTime = makeTrace();
        (numberTime.data.spans[0] as { startTimeUnixNano: unknown }).startTimeUnixNano = 1_700_000_000_000;
        for (const trace of [noSpanId, numericTag, numberTime]) {
          expect((await rejection(store.logTrace(trace))).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
          expect(await store.getTrace(trace.info.traceId)).toBeNull();
        }
      });

      it('logs into a new experiment', async () => {
        const experimentId = await store.createExperiment('traces');
        const id = traceId();
        await store.logTrace(makeTrace({ id, experimentId }));
        expect((await store.getTrace(id))?.info.experimentId).toBe(experimentId);
      });
    });

    describe('merging the two halves of a distributed trace', () => {
      it('unites spans, times, state, tags, metadata and previews', async () => {
        const id = traceId();
        const first = makeTrace({
          id,
          requestTime: 1_000,
          executionDuration: 500,
          state: 'OK',
          clientRequestId: null,
          requestPreview: 'question',
          responsePreview: null,
          tags: { 'mlflow.traceName': 'client', shared: 'old', a: '1' },
          metadata: { origin: 'client', 'mlflow.sourceRun': 'run-a' },
          spans: [
            { id: 1, name: 'client', start: 1_000_000_000n, end: 1_500_000_000n },
            { id: 2, parent: 1, name: 'call server', start: 1_100_000_000n, end: 1_400_000_000n },
          ],
        });
        const second = makeTrace({
          id,
          requestTime: 1_200,
          executionDuration: 600,
          state: 'ERROR',
          clientRequestId: 'req-7',
          requestPreview: 'ignored',
          responsePreview: 'answer',
          tags: { shared: 'new', b: '2' },
          metadata: { origin: 'server', extra: 'x', 'mlflow.sourceRun': 'run-b' },
          spans: [
            { id: 3, parent: 2, name: 'server', start: 1_200_000_000n, end: 1_800_000_000n, status: 'STATUS_CODE_ERROR' },
            // The server re-sends the client's call span with its final state: the newer copy wins.
            { id: 2, parent: 1, name: 'call server (final)', start: 1_100_000_000n, end: 1_450_000_000n },
          ],
        });
        await store.logTrace(first);
        await store.logTrace(second);
        const merged = await store.getTrace(id);
        expect(merged?.info).toMatchObject({
          traceId: id,
          requestTime: 1_000,
          executionDuration: 800,
          state: 'ERROR',
          clientRequestId: 'req-7',
          requestPreview: 'question',
          responsePreview: 'answer',
          tags: { 'mlflow.traceName': 'client', shared: 'new', a: '1', b: '2' },
          traceMetadata: { 'mlflow.trace_schema.version': '3', origin: 'client', extra: 'x', 'mlflow.sourceRun': 'run-a' },
        });
        expect(merged?.data.spans.map((s) => [s.spanId, s.name])).toEqual([
          [spanId(1), 'client'],
          [spanId(2), 'call server (final)'],
          [spanId(3), 'server'],
        ]);
        expect(merged?.data.spans[1]?.endTimeUnixNano).toBe(1_450_000_000n);
        // The merged trace is searchable by both halves' fields; runId keeps the first half's run.
        const find = async (filter: string): Promise<number> =>
          (await store.searchTraces({ experimentIds: ['0'], filter })).items.length;
        expect(await find("span.name = 'server'")).toBe(1);
        expect(await find("trace.name = 'client'")).toBe(1);
        expect(await find("trace.status = 'ERROR'")).toBe(1);
        expect(await find('trace.execution_time_ms = 800')).toBe(1);
        expect(await find("trace.run_id = 'run-a'")).toBe(1);
        expect(await find("trace.run_id = 'run-b'")).toBe(0);
      });

      it('merges the half that arrives second even when it started first, and keeps an unknown duration open', async () => {
        const id = traceId();
        await store.logTrace(makeTrace({ id, requestTime: 2_000, executionDuration: 100, spans: [{ id: 2, parent: 1 }] }));
        await store.logTrace(makeTrace({ id, requestTime: 1_000, executionDuration: null, state: 'IN_PROGRESS', spans: [{ id: 1 }] }));
        const merged = await store.getTrace(id);
        expect(merged?.info).toMatchObject({ requestTime: 1_000, executionDuration: 1_100, state: 'OK' });
        expect(merged?.data.spans).toHaveLength(2);
      });

      it('takes the root span name as trace name when the first half had no root', async () => {
        const id = traceId();
        await store.logTrace(makeTrace({ id, spans: [{ id: 2, parent: 1, name: 'child' }] }));
        expect((await store.searchTraces({ experimentIds: ['0'], filter: "trace.name = 'child'" })).items).toHaveLength(0);
        await store.logTrace(makeTrace({ id, spans: [{ id: 1, name: 'the root' }] }));
        expect((await store.searchTraces({ experimentIds: ['0'], filter: "trace.name = 'the root'" })).items).toHaveLength(1);
      });
    });

    describe('searchTraces', () => {
      const T0 = 1_700_000_000_000;
      let experimentId: string;
      let ids: Record<string, string>;

      /** Five traces a…e, a oldest, with distinct fields to filter on. */
      async function seed(): Promise<void> {
        experimentId = await store.createExperiment('search-traces');
        ids = {};
        const specs: (TraceSpec & { key: string })[] = [
          {
            key: 'a',
            name: 'chat',
            requestTime: T0,
            executionDuration: 50,
            state: 'OK',
            clientRequestId: 'req-A1',
            tags: { env: 'prod', team: 'Search' },
            metadata: { 'mlflow.trace.session': 's1', 'mlflow.trace.user': 'ana', 'mlflow.sourceRun': 'run-1' },
            spans: [
              { id: 1, name: 'chat', type: 'CHAIN' },
              { id: 2, parent: 1, name: 'ChatCompletion', type: 'CHAT_MODEL', attributes: { 'llm.model': '"gpt-4o"' } },
            ],
          },
          {
            key: 'b',
            name: 'chat',
            requestTime: T0 + 1000,
            executionDuration: 300,
            state: 'ERROR',
            clientRequestId: 'req-B2',
            tags: { env: 'dev', team: 'search' },
            metadata: { 'mlflow.trace.session': 's1', 'mlflow.trace.user': 'bob', 'mlflow.sourceRun': 'run-2' },
            spans: [
              { id: 1, name: 'chat', type: 'CHAIN' },
              { id: 2, parent: 1, name: 'retrieve', type: 'RETRIEVER', attributes: { 'retriever.k': 5 } },
              { id: 3, parent: 1, name: 'ChatCompletion', type: 'CHAT_MODEL', attributes: { 'llm.model': '"gpt-4o-mini"' } },
            ],
          },
          {
            key: 'c',
            name: 'summarize',
            requestTime: T0 + 2000,
            executionDuration: 120,
            state: 'OK',
            tags: { env: 'prod' },
            metadata: { 'mlflow.trace.session': 's2', 'mlflow.sourceRun': 'run-1' },
            spans: [
              { id: 1, name: 'summarize', type: 'CHAIN' },
              { id: 2, parent: 1, name: 'tool_call', type: 'TOOL', attributes: { 'tool.name': 'search-web' } },
            ],
          },
          {
            key: 'd',
            name: 'Summarize',
            requestTime: T0 + 3000,
            executionDuration: null,
            state: 'IN_PROGRESS',
            tags: {},
            spans: [{ id: 1, name: 'Summarize', type: 'AGENT', end: null }],
          },
          {
            key: 'e',
            name: 'embed',
            requestTime: T0 + 4000,
            executionDuration: 120,
            state: 'OK',
            clientRequestId: 'req-E5',
            tags: { env: 'staging', 'with.dot': 'yes' },
            spans: [{ id: 1, name: 'embed', type: 'EMBEDDING', attributes: { custom: 'plain text' } }],
          },
        ];
        for (const [index, spec] of specs.entries()) {
          const id = traceId(0x100 + index);
          ids[spec.key] = id;
          await store.logTrace(makeTrace({ ...spec, id, experimentId }));
        }
        // Another experiment's trace never shows up.
        await store.logTrace(makeTrace({ name: 'chat', tags: { env: 'prod' } }));
      }

      async function keys(input: Omit<SearchTracesInput, 'experimentIds'> = {}): Promise<string[]> {
        const result = await store.searchTraces({ experimentIds: [experimentId], ...input });
        const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
        return result.items.map((t) => byId.get(t.info.traceId) ?? t.info.traceId);
      }
      const filtered = async (filter: string): Promise<string[]> => (await keys({ filter })).sort();

      beforeEach(seed);

      it('lists an experiment newest first by default, with every field loaded', async () => {
        expect(await keys()).toEqual(['e', 'd', 'c', 'b', 'a']);
        const [first] = (await store.searchTraces({ experimentIds: [experimentId], maxResults: 1 })).items;
        expect(first).toEqual(await store.getTrace(ids.e ?? ''));
        expect(first?.data.spans).toHaveLength(1);
      });

      it('searches several experiments, and none for an empty list', async () => {
        expect((await store.searchTraces({ experimentIds: [experimentId, '0'] })).items).toHaveLength(6);
        expect((await store.searchTraces({ experimentIds: [] })).items).toEqual([]);
      });

      it('filters on trace.status (= and !=), also as attributes.status and a bare key', async () => {
        expect(await filtered("trace.status = 'OK'")).toEqual(['a', 'c', 'e']);
        expect(await filtered("trace.status != 'OK'")).toEqual(['b', 'd']);
        expect(await filtered("attributes.status = 'ERROR'")).toEqual(['b']);
        expect(await filtered("status = 'IN_PROGRESS'")).toEqual(['d']);
      });

      it('filters on timestamp, execution time and end time with every numeric comparator', async () => {
        expect(await filtered(`trace.timestamp_ms = ${T0 + 1000}`)).toEqual(['b']);
        expect(await filtered(`trace.timestamp_ms != ${T0 + 1000}`)).toEqual(['a', 'c', 'd', 'e']);
        expect(await filtered(`trace.timestamp_ms > ${T0 + 2000}`)).toEqual(['d', 'e']);
        expect(await filtered(`trace.timestamp_ms >= ${T0 + 2000}`)).toEqual(['c', 'd', 'e']);
        expect(await filtered(`trace.timestamp_ms < ${T0 + 1000}`)).toEqual(['a']);
        expect(await filtered(`trace.timestamp_ms <= ${T0 + 1000}`)).toEqual(['a', 'b']);
        expect(await filtered(`timestamp > ${T0 + 3000}`)).toEqual(['e']);
        expect(await filtered('trace.execution_time_ms = 120')).toEqual(['c', 'e']);
        expect(await filtered('trace.execution_time_ms > 100')).toEqual(['b', 'c', 'e']);
        expect(await filtered('trace.execution_time_ms <= 120')).toEqual(['a', 'c', 'e']);
        expect(await filtered('trace.execution_time_ms != 120')).toEqual(['a', 'b']);
        expect(await filtered(`trace.end_time_ms = ${T0 + 1300}`)).toEqual(['b']);
        expect(await filtered(`trace.end_time_ms > ${T0 + 1300}`)).toEqual(['c', 'e']);
        expect(await filtered(`trace.end_time_ms < ${T0 + 1300}`)).toEqual(['a']);
      });

      it('filters on trace.name and trace.client_request_id with =, !=, LIKE (case-sensitive) and ILIKE', async () => {
        expect(await filtered("trace.name = 'chat'")).toEqual(['a', 'b']);
        expect(await filtered("trace.name != 'chat'")).toEqual(['c', 'd', 'e']);
        expect(await filtered("trace.name LIKE 'S%'")).toEqual(['d']);
        expect(await filtered("trace.name ILIKE 's%'")).toEqual(['c', 'd']);
        expect(await filtered("trace.name LIKE '_mbed'")).toEqual(['e']);
        expect(await filtered("trace.client_request_id = 'req-A1'")).toEqual(['a']);
        expect(await filtered("trace.client_request_id != 'req-A1'")).toEqual(['b', 'e']);
        expect(await filtered("trace.client_request_id LIKE 'req-%'")).toEqual(['a', 'b', 'e']);
        expect(await filtered("trace.client_request_id LIKE 'REQ-%'")).toEqual([]);
        expect(await filtered("trace.client_request_id ILIKE 'REQ-b%'")).toEqual(['b']);
      });

      it('filters with RLIKE (a regular expression found anywhere)', async () => {
        expect(await filtered("trace.name RLIKE '^[Ss]umm'")).toEqual(['c', 'd']);
        expect(await filtered("trace.client_request_id RLIKE '[AE][0-9]$'")).toEqual(['a', 'e']);
        expect(await filtered("tags.team RLIKE '^S'")).toEqual(['a']);
        expect(await filtered("metadata.`mlflow.trace.user` RLIKE 'a'")).toEqual(['a']);
        expect(await filtered("span.name RLIKE 'Completion$'")).toEqual(['a', 'b']);
        expect(await filtered("span.type RLIKE '^(TOOL|AGENT)$'")).toEqual(['c', 'd']);
        expect(await filtered("span.attributes.`llm.model` RLIKE 'mini'")).toEqual(['b']);
      });

      it('filters on trace.run_id and the runId option', async () => {
        expect(await filtered("trace.run_id = 'run-1'")).toEqual(['a', 'c']);
        expect((await keys({ runId: 'run-2' })).sort()).toEqual(['b']);
        expect((await keys({ runId: 'run-1', filter: "trace.status = 'OK'" })).sort()).toEqual(['a', 'c']);
        expect(await keys({ runId: 'no-such-run' })).toEqual([]);
      });

      it('filters on tags (tag. and tags.) and metadata with =, !=, LIKE and ILIKE; != needs the key', async () => {
        expect(await filtered("tags.env = 'prod'")).toEqual(['a', 'c']);
        expect(await filtered("tag.env = 'prod'")).toEqual(['a', 'c']);
        expect(await filtered("tags.env != 'prod'")).toEqual(['b', 'e']);
        expect(await filtered("tags.team LIKE 's%'")).toEqual(['b']);
        expect(await filtered("tags.team ILIKE 's%'")).toEqual(['a', 'b']);
        expect(await filtered("tags.`with.dot` = 'yes'")).toEqual(['e']);
        expect(await filtered("tags.with.dot = 'yes'")).toEqual(['e']);
        expect(await filtered("tags.`mlflow.traceName` = 'embed'")).toEqual(['e']);
        expect(await filtered("metadata.`mlflow.trace.session` = 's1'")).toEqual(['a', 'b']);
        expect(await filtered("metadata.`mlflow.trace.session` != 's1'")).toEqual(['c']);
        expect(await filtered("metadata.`mlflow.trace.user` LIKE 'b%'")).toEqual(['b']);
        expect(await filtered("metadata.`mlflow.trace.user` ILIKE 'ANA'")).toEqual(['a']);
        expect(await filtered("metadata.`mlflow.trace_schema.version` = '3'")).toEqual(['a', 'b', 'c', 'd', 'e']);
      });

      it('matches span.name and span.type when any span matches', async () => {
        expect(await filtered("span.name = 'ChatCompletion'")).toEqual(['a', 'b']);
        expect(await filtered("span.name = 'retrieve'")).toEqual(['b']);
        // Every trace has a span not named "chat".
        expect(await filtered("span.name != 'chat'")).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await filtered("span.name LIKE 'tool%'")).toEqual(['c']);
        expect(await filtered("span.name ILIKE 'chatcompletion'")).toEqual(['a', 'b']);
        expect(await filtered("span.type = 'LLM'")).toEqual([]);
        expect(await filtered("span.type = 'CHAT_MODEL'")).toEqual(['a', 'b']);
        expect(await filtered("span.type != 'CHAIN'")).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await filtered("span.type LIKE 'RETR%'")).toEqual(['b']);
        expect(await filtered("span.type ILIKE 'agent'")).toEqual(['d']);
        expect(await filtered("span.type = 'CHAT_MODEL' AND span.name = 'retrieve'")).toEqual(['b']);
      });

      it('matches span.attributes.<key> patterns against the stored attribute text', async () => {
        // MLflow attributes are JSON strings: the stored text of "gpt-4o" keeps its quotes.
        expect(await filtered("span.attributes.`llm.model` LIKE '%gpt-4o%'")).toEqual(['a', 'b']);
        expect(await filtered("span.attributes.`llm.model` LIKE '\"gpt-4o\"'")).toEqual(['a']);
        expect(await filtered("span.attributes.llm.model ILIKE '%GPT-4O-MINI%'")).toEqual(['b']);
        expect(await filtered("span.attributes.`mlflow.spanType` LIKE '%EMBEDDING%'")).toEqual(['e']);
        expect(await filtered("span.attributes.`tool.name` LIKE 'search-%'")).toEqual(['c']);
        expect(await filtered("span.attributes.custom ILIKE 'PLAIN%'")).toEqual(['e']);
        expect(await filtered("span.attributes.`retriever.k` LIKE '5'")).toEqual(['b']);
        expect(await filtered("span.attributes.missing LIKE '%'")).toEqual([]);
      });

      it('joins conditions with AND', async () => {
        expect(
          await filtered(
            `trace.status = 'OK' AND tags.env = 'prod' AND span.type = 'TOOL' AND trace.timestamp_ms > ${T0}`,
          ),
        ).toEqual(['c']);
      });

      it('orders by timestamp, execution time, status, name and trace id; ties go to the newest, then the id', async () => {
        expect(await keys({ orderBy: ['timestamp_ms ASC'] })).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await keys({ orderBy: ['trace.timestamp_ms DESC'] })).toEqual(['e', 'd', 'c', 'b', 'a']);
        // c and e tie on 120 ms: the newer (e) first; d has no duration and comes last either way.
        expect(await keys({ orderBy: ['execution_time_ms ASC'] })).toEqual(['a', 'e', 'c', 'b', 'd']);
        expect(await keys({ orderBy: ['execution_time_ms DESC'] })).toEqual(['b', 'e', 'c', 'a', 'd']);
        expect(await keys({ orderBy: ['status'] })).toEqual(['b', 'd', 'e', 'c', 'a']);
        expect(await keys({ orderBy: ['name ASC', 'timestamp_ms ASC'] })).toEqual(['d', 'a', 'b', 'e', 'c']);
        expect(await keys({ orderBy: ['request_id DESC'] })).toEqual(['e', 'd', 'c', 'b', 'a']);
        expect(await keys({ orderBy: ['trace_id'] })).toEqual(['a', 'b', 'c', 'd', 'e']);
      });

      it('breaks equal timestamps by trace id', async () => {
        const tie = await store.createExperiment('ties');
        for (const n of [3, 1, 2]) await store.logTrace(makeTrace({ id: traceId(0x900 + n), experimentId: tie, requestTime: 5 }));
        const order = (await store.searchTraces({ experimentIds: [tie] })).items.map((t) => t.info.traceId);
        expect(order).toEqual([traceId(0x901), traceId(0x902), traceId(0x903)]);
      });

      it('pages with maxResults and page tokens', async () => {
        const first = await store.searchTraces({ experimentIds: [experimentId], maxResults: 2 });
        expect(first.nextPageToken).toEqual(expect.any(String));
        const second = await store.searchTraces({ experimentIds: [experimentId], maxResults: 2, pageToken: first.nextPageToken ?? '' });
        const third = await store.searchTraces({ experimentIds: [experimentId], maxResults: 2, pageToken: second.nextPageToken ?? '' });
        expect(third.nextPageToken).toBeNull();
        const pages = [first, second, third].map((page) => page.items.map((t) => t.info.traceId));
        expect(pages).toEqual([
          [ids.e, ids.d],
          [ids.c, ids.b],
          [ids.a],
        ]);
        const exact = await store.searchTraces({ experimentIds: [experimentId], maxResults: 5 });
        expect(exact.items).toHaveLength(5);
        expect(exact.nextPageToken).toBeNull();
      });

      it('accepts maxResults up to 500 and defaults to 100', async () => {
        expect((await store.searchTraces({ experimentIds: [experimentId], maxResults: 500 })).items).toHaveLength(5);
        for (const maxResults of [0, 501, 1.5, -1]) {
          expect((await rejection(store.searchTraces({ experimentIds: [experimentId], maxResults }))).code).toBe(
            ErrorCode.INVALID_PARAMETER_VALUE,
          );
        }
        await expect(store.searchTraces({ experimentIds: ['0'], pageToken: 'not a token' })).rejects.toMatchObject({
          code: ErrorCode.INVALID_PARAMETER_VALUE,
        });
      });

      it('skips loading spans when includeSpans is false', async () => {
        const result = await store.searchTraces({ experimentIds: [experimentId], includeSpans: false });
        expect(result.items).toHaveLength(5);
        for (const trace of result.items) expect(trace.data.spans).toEqual([]);
        const full = await store.getTrace(ids.b ?? '');
        expect(result.items.find((t) => t.info.traceId === ids.b)?.info).toEqual(full?.info);
      });

      it('rejects malformed filters with INVALID_PARAMETER_VALUE and the position', async () => {
        const cases: [string, number, string][] = [
          ["trace.status >> 'OK'", 13, 'expected a comparison operator'],
          ["trace.duration = 'x'", 6, "unknown trace key 'duration'"],
          ["trace.status LIKE 'O%'", 13, "comparator 'LIKE' is not supported for trace 'status'"],
          ["trace.run_id != 'r'", 13, "comparator '!=' is not supported"],
          ["span.attributes.x = 'y'", 18, "comparator '=' is not supported"],
          ['trace.timestamp_ms > \'yesterday\'', 21, 'expected a numeric value'],
          ["metrics.rmse < 1", 0, "unknown entity type 'metrics'"],
          ["trace.name = 'a' OR trace.name = 'b'", 17, 'OR is not supported'],
          ["tags.env = 'prod' AND trace.name RLIKE '('", 22, 'invalid regular expression'],
          ["span.foo = 'x'", 5, "unknown span key 'foo'"],
        ];
        for (const [filter, position, message] of cases) {
          const error = await rejection(store.searchTraces({ experimentIds: ['0'], filter }));
          expect(error.code, filter).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
          expect(error.details.position, filter).toBe(position);
          expect(error.message, filter).toContain(message);
        }
      });

      it('rejects unknown order_by fields and invalid experiment ids', async () => {
        for (const orderBy of [['tags.env'], ['timestamp_ms SIDEWAYS'], ['duration']]) {
          expect((await rejection(store.searchTraces({ experimentIds: ['0'], orderBy }))).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        }
        expect((await rejection(store.searchTraces({ experimentIds: ['x'] }))).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
      });

      it('treats filter values as data, never as SQL', async () => {
        expect(await filtered("trace.name = 'x'' OR 1=1 --'")).toEqual([]);
        expect(await filtered("tags.`env'; DROP TABLE traces; --` = 'x'")).toEqual([]);
        expect(await keys()).toHaveLength(5);
      });
    });

    describe('trace tags', () => {
      it('sets, overwrites and deletes a tag', async () => {
        const id = traceId();
        await store.logTrace(makeTrace({ id, tags: { keep: 'k' } }));
        await store.setTraceTag(id, 'reviewed', 'no');
        await store.setTraceTag(id, 'reviewed', 'yes');
        expect((await store.getTrace(id))?.info.tags).toMatchObject({ keep: 'k', reviewed: 'yes' });
        expect((await store.searchTraces({ experimentIds: ['0'], filter: "tags.reviewed = 'yes'" })).items).toHaveLength(1);
        await store.deleteTraceTag(id, 'reviewed');
        expect((await store.getTrace(id))?.info.tags.reviewed).toBeUndefined();
        expect((await store.getTrace(id))?.info.tags.keep).toBe('k');
      });

      it('keeps trace.name in step with the mlflow.traceName tag', async () => {
        const id = traceId();
        await store.logTrace(makeTrace({ id, spans: [{ id: 1, name: 'root-span' }] }));
        const named = async (name: string): Promise<number> =>
          (await store.searchTraces({ experimentIds: ['0'], filter: `trace.name = '${name}'` })).items.length;
        expect(await named('root-span')).toBe(1);
        await store.setTraceTag(id, 'mlflow.traceName', 'renamed');
        expect(await named('renamed')).toBe(1);
        expect(await named('root-span')).toBe(0);
        await store.deleteTraceTag(id, 'mlflow.traceName');
        expect(await named('root-span')).toBe(1);
      });

      it('fails on an unknown trace or a missing tag with RESOURCE_DOES_NOT_EXIST', async () => {
        const id = traceId();
        await expect(store.setTraceTag(id, 'k', 'v')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
        await expect(store.deleteTraceTag(id, 'k')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
        await store.logTrace(makeTrace({ id }));
        await expect(store.deleteTraceTag(id, 'k')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
      });

      it('enforces the key (250) and value (4096) limits', async () => {
        const id = traceId();
        await store.logTrace(makeTrace({ id }));
        await store.setTraceTag(id, 'k'.repeat(250), 'v'.repeat(4096));
        expect((await store.getTrace(id))?.info.tags['k'.repeat(250)]).toHaveLength(4096);
        for (const [key, value] of [
          ['k'.repeat(251), 'v'],
          ['k', 'v'.repeat(4097)],
          ['', 'v'],
        ] as const) {
          expect((await rejection(store.setTraceTag(id, key, value))).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        }
        expect(Object.keys((await store.getTrace(id))?.info.tags ?? {})).not.toContain('k'.repeat(251));
      });
    });

    describe('deleteTraces', () => {
      async function seedDeletable(): Promise<{ experimentId: string; ids: string[] }> {
        const experimentId = await store.createExperiment('deletable');
        const ids: string[] = [];
        for (let i = 0; i < 5; i += 1) {
          const id = traceId();
          ids.push(id);
          await store.logTrace(makeTrace({ id, experimentId, requestTime: 1_000 + i * 100 }));
        }
        return { experimentId, ids };
      }
      const remaining = async (experimentId: string): Promise<number> =>
        (await store.searchTraces({ experimentIds: [experimentId] })).items.length;

      it('deletes by id, with tags, metadata and spans, and counts only what it deleted', async () => {
        const { experimentId, ids } = await seedDeletable();
        const [a, b] = ids as [string, string];
        await store.setTraceTag(a, 'x', 'y');
        expect(await store.deleteTraces({ experimentId, traceIds: [a, b, traceId()] })).toBe(2);
        expect(await store.getTrace(a)).toBeNull();
        expect(await remaining(experimentId)).toBe(3);
        expect(await store.deleteTraces({ experimentId, traceIds: [a] })).toBe(0);
        // A deleted id can be logged again from scratch.
        await store.logTrace(makeTrace({ id: a, experimentId }));
        expect((await store.getTrace(a))?.info.tags.x).toBeUndefined();
      });

      it('deletes by request time (inclusive), and by both criteria together', async () => {
        const { experimentId, ids } = await seedDeletable();
        expect(await store.deleteTraces({ experimentId, maxTimestampMillis: 1_100 })).toBe(2);
        expect(await remaining(experimentId)).toBe(3);
        expect(await store.deleteTraces({ experimentId, traceIds: [ids[2] ?? '', ids[4] ?? ''], maxTimestampMillis: 1_300 })).toBe(1);
        expect((await store.searchTraces({ experimentIds: [experimentId] })).items.map((t) => t.info.traceId)).toEqual([
          ids[4],
          ids[3],
        ]);
      });

      it('only touches the given experiment', async () => {
        const { experimentId } = await seedDeletable();
        const other = traceId();
        await store.logTrace(makeTrace({ id: other, requestTime: 1 }));
        expect(await store.deleteTraces({ experimentId, maxTimestampMillis: 10_000 })).toBe(5);
        expect(await store.getTrace(other)).not.toBeNull();
        expect(await store.deleteTraces({ experimentId: '0', traceIds: [] })).toBe(0);
      });

      it('needs a criterion and a known experiment', async () => {
        const { experimentId } = await seedDeletable();
        expect((await rejection(store.deleteTraces({ experimentId }))).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
        expect((await rejection(store.deleteTraces({ experimentId: '999', maxTimestampMillis: 1 }))).code).toBe(
          ErrorCode.RESOURCE_DOES_NOT_EXIST,
        );
        expect(await remaining(experimentId)).toBe(5);
      });
    });
  });
}
