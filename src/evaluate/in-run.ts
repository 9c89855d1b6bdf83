import { getStore } from '../tracking/client.js';
import { activeRun, withRun } from '../tracking/runs.js';

/**
 * Runs `fn` with the run an evaluation logs to: `runId` when given, else the active run, else a new run (in
 * `experiment`, created when missing), ended when `fn` settles.
 */
export async function inRun<T>(options: { runId?: string; experiment?: string }, fn: (runId: string) => Promise<T>): Promise<T> {
  if (options.runId !== undefined) return fn(options.runId);
  const active = activeRun();
  if (active) return fn(active.info.runId);
  let experimentId: string | undefined;
  if (options.experiment !== undefined) {
    const store = getStore();
    experimentId = (await store.getExperimentByName(options.experiment))?.experimentId ?? (await store.createExperiment(options.experiment));
  }
  return withRun(experimentId === undefined ? {} : { experimentId }, (run) => fn(run.info.runId));
}
