import { EvalflowError } from '../../core/errors.js';
import { SystemTags, type Metric, type Param, type RunTag } from '../entities.js';
import type { LogBatchInput } from '../tracking-store.js';

export interface BatchPlan {
  newParams: Param[];
  tags: RunTag[];
  /** Set when the batch sets `mlflow.runName`, which is also the run's name column. */
  runName: string | undefined;
  /** The new latest value of each metric key the batch changes. */
  latestMetrics: Metric[];
}

/**
 * Checks a batch against what the run already holds and works out what to write, before anything is written:
 * a param may be logged again only with the same value, as in MLflow.
 */
export function prepareBatch(
  runId: string,
  batch: LogBatchInput,
  existingParams: ReadonlyMap<string, string>,
  storedLatest: ReadonlyMap<string, Metric>,
): BatchPlan {
  const seen = new Map(existingParams);
  const newParams: Param[] = [];
  for (const param of batch.params ?? []) {
    const previous = seen.get(param.key);
    if (previous === undefined) {
      seen.set(param.key, param.value);
      newParams.push(param);
    } else if (previous !== param.value) {
      throw EvalflowError.invalid(
        `Changing param values is not allowed. Param with key='${param.key}' was already logged with ` +
          `value='${previous}' for run ID='${runId}'. Attempted logging new value '${param.value}'. ` +
          'Log it under another key, or start a new run.',
        { runId, key: param.key },
      );
    }
  }

  const tags = new Map<string, string>();
  for (const tag of batch.tags ?? []) tags.set(tag.key, tag.value);

  const latest = new Map(storedLatest);
  const changed = new Set<string>();
  for (const metric of batch.metrics ?? []) {
    const current = latest.get(metric.key);
    if (current === undefined || isNewer(metric, current)) {
      latest.set(metric.key, metric);
      changed.add(metric.key);
    }
  }

  return {
    newParams,
    tags: [...tags].map(([key, value]) => ({ key, value })),
    runName: tags.get(SystemTags.RUN_NAME),
    latestMetrics: [...changed].map((key) => latest.get(key) as Metric),
  };
}

/** MLflow's rule for the latest value: the largest (step, timestamp, value); a later log wins a full tie. */
function isNewer(candidate: Metric, current: Metric): boolean {
  if (candidate.step !== current.step) return candidate.step > current.step;
  if (candidate.timestamp !== current.timestamp) return candidate.timestamp > current.timestamp;
  if (Number.isNaN(current.value)) return true;
  if (Number.isNaN(candidate.value)) return false;
  return candidate.value >= current.value;
}
