/** JSON API for traces (MLflow's v3 trace JSON) and for feedback on them, the UI's only writes. */
import { z } from 'zod';
import { assessmentFromRecord, Feedback } from '../../assessments/entities.js';
import { EvalflowError } from '../../core/errors.js';
import type { NewAssessment } from '../../store/assessment-entities.js';
import { invalidInput, jsonResponse, readJsonBody, type UiResponse } from '../http.js';
import { listExperiments, listTraces, parseListQuery, requireTrace } from '../queries.js';
import type { RequestContext, Router } from '../router.js';

const primitive = z.union([z.string().max(10_000), z.number(), z.boolean()]);
/** A number, string or boolean, or a list or string-keyed record of those (what a Feedback holds). */
const feedbackValue = z.union([primitive, z.array(primitive).max(100), z.record(z.string().max(200), primitive)]);
const sourceFields = {
  sourceType: z.enum(['HUMAN', 'LLM_JUDGE', 'CODE']).default('HUMAN'),
  sourceId: z.string().trim().min(1, 'say who gives the feedback').max(200),
};
const rationale = z.string().max(10_000).optional();

const logFeedbackBody = z.strictObject({
  name: z.string().trim().min(1, 'give the feedback a name').max(250),
  value: feedbackValue,
  rationale,
  spanId: z.string().regex(/^[0-9a-f]{16}$/, 'a span id is 16 hex digits').optional(),
  ...sourceFields,
});

const overrideBody = z.strictObject({ value: feedbackValue, rationale, ...sourceFields });

export function registerTraceApi(router: Router): void {
  router
    .get('/api/traces', async ({ query, store }) => {
      const page = await listTraces(store, parseListQuery(query), await listExperiments(store));
      return jsonResponse({ traces: page.traces.map((t) => t.toJSON().info), next_page_token: page.nextPageToken });
    })
    .get('/api/traces/:traceId', async ({ params, store }) => jsonResponse((await requireTrace(store, params.traceId ?? '')).toJSON()))
    .post('/api/traces/:traceId/feedback', postFeedback)
    .post('/api/traces/:traceId/assessments/:assessmentId/override', postOverride);
}

async function body<T extends z.ZodType>(context: RequestContext, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await readJsonBody(context.req));
  if (!parsed.success) throw invalidInput('body', parsed.error.issues);
  return parsed.data;
}

async function postFeedback(context: RequestContext): Promise<UiResponse> {
  const input = await body(context, logFeedbackBody);
  const { store } = context;
  const trace = await requireTrace(store, context.params.traceId ?? '');
  if (input.spanId !== undefined && !trace.data.spans.some((span) => span.spanId === input.spanId)) {
    throw EvalflowError.invalid(`Trace ${trace.info.traceId} has no span ${input.spanId}.`, { field: 'spanId' });
  }
  // Built as logFeedback builds it (the same checks), then written to this server's store.
  const feedback = new Feedback({
    traceId: trace.info.traceId,
    name: input.name,
    value: input.value,
    source: { sourceType: input.sourceType, sourceId: input.sourceId },
    ...(input.rationale !== undefined && input.rationale.trim() !== '' && { rationale: input.rationale }),
    ...(input.spanId !== undefined && { spanId: input.spanId }),
  });
  const stored = await store.createAssessment(newFeedback(feedback, trace.info.traceId));
  return jsonResponse({ assessment: assessmentFromRecord(stored).toJSON() }, 201);
}

async function postOverride(context: RequestContext): Promise<UiResponse> {
  const input = await body(context, overrideBody);
  const { store } = context;
  const trace = await requireTrace(store, context.params.traceId ?? '');
  const assessmentId = context.params.assessmentId ?? '';
  const original = (trace.info.assessments ?? []).find((a) => a.assessmentId === assessmentId);
  if (!original) throw EvalflowError.notFound(`Assessment with ID '${assessmentId}' not found for trace '${trace.info.traceId}'`);
  if (original.kind !== 'feedback') throw EvalflowError.invalid(`The assessment with ID ${assessmentId} is not a feedback assessment.`);
  if (!original.valid) {
    const newer = (trace.info.assessments ?? []).find((a) => a.overrides === assessmentId);
    throw new EvalflowError('INVALID_STATE', `Feedback ${assessmentId} is already overridden${newer ? ` by ${newer.assessmentId}` : ''}; override the current one instead.`);
  }
  // As overrideFeedback: the new feedback keeps the original's name and span.
  const replacement = new Feedback({
    traceId: trace.info.traceId,
    name: original.name,
    spanId: original.spanId,
    value: input.value,
    source: { sourceType: input.sourceType, sourceId: input.sourceId },
    ...(input.rationale !== undefined && input.rationale.trim() !== '' && { rationale: input.rationale }),
  });
  const stored = await store.overrideFeedback(trace.info.traceId, assessmentId, newFeedback(replacement, trace.info.traceId));
  return jsonResponse({ assessment: assessmentFromRecord(stored).toJSON() }, 201);
}

function newFeedback(feedback: Feedback, traceId: string): NewAssessment {
  const record = feedback.toRecord();
  return {
    traceId,
    spanId: record.spanId,
    name: record.name,
    source: record.source,
    createTimeMs: record.createTimeMs,
    kind: 'feedback',
    value: record.value,
    error: null,
    rationale: record.rationale,
    metadata: record.metadata,
  };
}
