import { validateKey } from '../core/validation.js';
import { getStore } from '../tracking/client.js';
import { resolveActiveExperimentId } from '../tracking/experiments.js';
import { Trace } from './trace-entity.js';

/** A stored trace by id, or null. */
export async function getTrace(traceId: string): Promise<Trace | null> {
  const record = await getStore().getTrace(traceId);
  return record ? new Trace(record) : null;
}

export interface SearchTracesOptions {
  experimentIds?: string[];
  /** MLflow's trace filter: `trace.status = 'ERROR' AND tags.env = 'prod' AND span.type = 'LLM'`. */
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  /** Only traces logged while this run was active. */
  runId?: string;
  includeSpans?: boolean;
}

export async function searchTraces(options: SearchTracesOptions = {}): Promise<Trace[]> {
  return (await searchTracesPage(options)).traces;
}

export async function searchTracesPage(options: SearchTracesOptions = {}): Promise<{ traces: Trace[]; nextPageToken: string | null }> {
  const experimentIds = options.experimentIds ?? [await resolveActiveExperimentId()];
  const page = await getStore().searchTraces({ ...options, experimentIds });
  return { traces: page.items.map((record) => new Trace(record)), nextPageToken: page.nextPageToken };
}

/** Sets a tag on a stored trace. */
export async function setTraceTag(traceId: string, key: string, value: string): Promise<void> {
  validateKey('tag', key);
  await getStore().setTraceTag(traceId, key, String(value));
}

export async function deleteTraceTag(traceId: string, key: string): Promise<void> {
  await getStore().deleteTraceTag(traceId, key);
}
