import { EvalflowError } from '../core/errors.js';
import { nowMs } from '../core/clock.js';
import {
  validateKey,
  validateMetricValue,
  validateParamValue,
  validateStep,
  validateTagValue,
  validateTimestamp,
} from '../core/validation.js';
import type { Metric } from '../store/entities.js';
import { getStore } from './client.js';
import { activeRun, startRun } from './runs.js';

export interface LogMetricOptions {
  step?: number;
  /** Milliseconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Log to this run instead of the active one. */
  runId?: string;
}

export type ParamValue = string | number | boolean;

/** The run to log to: the given id, else the active run, else a new run (as MLflow's fluent API does). */
export async function targetRunId(runId?: string): Promise<string> {
  if (runId !== undefined) {
    if (typeof runId !== 'string' || runId === '') {
      throw EvalflowError.invalid(`Invalid run id ${JSON.stringify(runId)}: expected a non-empty string.`);
    }
    return runId;
  }
  return (activeRun() ?? (await startRun())).info.runId;
}

export async function logParam(key: string, value: ParamValue, options: { runId?: string } = {}): Promise<void> {
  validateKey('param', key);
  await logParams({ [key]: value }, options);
}

/** Logs several params in one transaction. Logging a key again with another value is an error, as in MLflow. */
export async function logParams(params: Record<string, ParamValue>, options: { runId?: string } = {}): Promise<void> {
  requireRecord('params', params);
  const batch = Object.entries(params).map(([key, value]) => {
    validateKey('param', key);
    return { key, value: validateParamValue(key, value) };
  });
  await getStore().logBatch(await targetRunId(options.runId), { params: batch });
}

export async function logMetric(key: string, value: number, options: LogMetricOptions = {}): Promise<void> {
  validateKey('metric', key);
  await logMetrics({ [key]: value }, options);
}

/** Logs several metrics at one step and timestamp in one transaction. */
export async function logMetrics(metrics: Record<string, number>, options: LogMetricOptions = {}): Promise<void> {
  requireRecord('metrics', metrics);
  const timestamp = options.timestamp ?? nowMs();
  const step = options.step ?? 0;
  const batch: Metric[] = Object.entries(metrics).map(([key, value]) => buildMetric(key, value, timestamp, step));
  await getStore().logBatch(await targetRunId(options.runId), { metrics: batch });
}

export interface BatchEntries {
  metrics?: { key: string; value: number; step?: number; timestamp?: number }[];
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
}

/** Metrics (each with its own step and timestamp), params and tags in one transaction: all or nothing. */
export async function logBatch(entries: BatchEntries, options: { runId?: string } = {}): Promise<void> {
  const now = nowMs();
  const metrics = (entries.metrics ?? []).map((m, index) => {
    if (m === null || typeof m !== 'object') {
      throw EvalflowError.invalid(`logBatch: metrics[${index}] must be an object { key, value, step?, timestamp? }.`);
    }
    return buildMetric(m.key, m.value, m.timestamp ?? now, m.step ?? 0);
  });
  const params = Object.entries(entries.params ?? {}).map(([key, value]) => {
    validateKey('param', key);
    return { key, value: validateParamValue(key, value) };
  });
  const tags = Object.entries(entries.tags ?? {}).map(([key, value]) => {
    validateKey('tag', key);
    return { key, value: validateTagValue(key, value) };
  });
  await getStore().logBatch(await targetRunId(options.runId), { metrics, params, tags });
}

export async function setTag(key: string, value: string | number | boolean, options: { runId?: string } = {}): Promise<void> {
  validateKey('tag', key);
  await setTags({ [key]: value }, options);
}

export async function setTags(
  tags: Record<string, string | number | boolean>,
  options: { runId?: string } = {},
): Promise<void> {
  requireRecord('tags', tags);
  const batch = Object.entries(tags).map(([key, value]) => {
    validateKey('tag', key);
    return { key, value: validateTagValue(key, value) };
  });
  await getStore().logBatch(await targetRunId(options.runId), { tags: batch });
}

export async function deleteTag(key: string, options: { runId?: string } = {}): Promise<void> {
  validateKey('tag', key);
  await getStore().deleteTag(await targetRunId(options.runId), key);
}

/** Every value logged for a metric key, in step order. */
export async function getMetricHistory(runId: string, key: string): Promise<Metric[]> {
  validateKey('metric', key);
  return getStore().getMetricHistory(runId, key);
}

function buildMetric(key: string, value: unknown, timestamp: unknown, step: unknown): Metric {
  validateKey('metric', key);
  return {
    key,
    value: validateMetricValue(key, value),
    timestamp: validateTimestamp(key, timestamp),
    step: validateStep(key, step),
  };
}

function requireRecord(what: string, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw EvalflowError.invalid(`Expected ${what} as an object of key → value, e.g. { lr: 0.01 }.`);
  }
}
