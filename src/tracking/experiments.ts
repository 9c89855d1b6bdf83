import { EnvVars } from '../core/config.js';
import { EvalflowError } from '../core/errors.js';
import { validateKey, validateName, validateTagValue } from '../core/validation.js';
import type { Experiment, ViewType } from '../store/entities.js';
import { DEFAULT_EXPERIMENT_ID } from '../store/sqlite/sqlite-store.js';
import { getStore } from './client.js';

let activeExperimentId: string | undefined;

export interface CreateExperimentOptions {
  artifactLocation?: string;
  tags?: Record<string, string>;
}

/** Creates an experiment and returns its id. A taken name is RESOURCE_ALREADY_EXISTS. */
export async function createExperiment(name: string, options: CreateExperimentOptions = {}): Promise<string> {
  validateName('experiment', name);
  const tags = Object.entries(options.tags ?? {}).map(([key, value]) => {
    validateKey('tag', key);
    return { key, value: validateTagValue(key, value) };
  });
  return getStore().createExperiment(name, options.artifactLocation, tags);
}

export async function getExperiment(experimentId: string): Promise<Experiment> {
  return getStore().getExperiment(String(experimentId));
}

/** The experiment with this name, or `null` when there is none (as MLflow's `get_experiment_by_name`). */
export async function getExperimentByName(name: string): Promise<Experiment | null> {
  validateName('experiment', name);
  return getStore().getExperimentByName(name);
}

export interface SetExperimentOptions {
  experimentName?: string;
  experimentId?: string;
}

/**
 * Makes an experiment the active one for new runs; by name it is created when missing, as in MLflow.
 * A deleted experiment must be restored first.
 */
export async function setExperiment(nameOrOptions: string | SetExperimentOptions): Promise<Experiment> {
  const options = typeof nameOrOptions === 'string' ? { experimentName: nameOrOptions } : nameOrOptions;
  if ((options.experimentName === undefined) === (options.experimentId === undefined)) {
    throw EvalflowError.invalid('setExperiment needs exactly one of an experiment name or { experimentId }.');
  }
  const store = getStore();
  let experiment: Experiment;
  if (options.experimentId !== undefined) {
    experiment = await store.getExperiment(String(options.experimentId));
  } else {
    const name = validateName('experiment', options.experimentName);
    const existing = await store.getExperimentByName(name);
    experiment = existing ?? (await store.getExperiment(await store.createExperiment(name)));
  }
  if (experiment.lifecycleStage !== 'active') {
    throw EvalflowError.invalid(
      `Cannot set a deleted experiment "${experiment.name}" as the active experiment. Restore it with ` +
        `restoreExperiment("${experiment.experimentId}") or choose another name.`,
    );
  }
  activeExperimentId = experiment.experimentId;
  return experiment;
}

/** The experiment new runs go to: setExperiment(), else EVALFLOW_EXPERIMENT_ID / _NAME, else Default ("0"). */
export async function resolveActiveExperimentId(): Promise<string> {
  if (activeExperimentId !== undefined) return activeExperimentId;
  const envId = process.env[EnvVars.EXPERIMENT_ID];
  if (envId) return (await getStore().getExperiment(envId)).experimentId;
  const envName = process.env[EnvVars.EXPERIMENT_NAME];
  if (envName) return (await setExperiment(envName)).experimentId;
  return DEFAULT_EXPERIMENT_ID;
}

/** The active experiment's id when it is known without asking the store (for tracing, which must not wait). */
export function activeExperimentIdIfKnown(): string | undefined {
  return activeExperimentId ?? (process.env[EnvVars.EXPERIMENT_ID] || undefined);
}

/** The experiment set active in code (setExperiment), if any. */
export function activeExperimentIdInCode(): string | undefined {
  return activeExperimentId;
}

/** Forgets the active experiment (new runs go to the default again). */
export function resetActiveExperiment(): void {
  activeExperimentId = undefined;
}

export interface SearchExperimentsOptions {
  viewType?: ViewType;
  /** SQL LIKE pattern on the name (case-sensitive), e.g. "fraud-%". */
  nameLike?: string;
  maxResults?: number;
}

export async function searchExperiments(options: SearchExperimentsOptions = {}): Promise<Experiment[]> {
  return getStore().searchExperiments(options);
}

export async function renameExperiment(experimentId: string, newName: string): Promise<void> {
  validateName('experiment', newName);
  await getStore().renameExperiment(String(experimentId), newName);
}

/** Marks an experiment and its runs deleted; `restoreExperiment` undoes it. */
export async function deleteExperiment(experimentId: string): Promise<void> {
  await getStore().deleteExperiment(String(experimentId));
  if (activeExperimentId === String(experimentId)) activeExperimentId = undefined;
}

export async function restoreExperiment(experimentId: string): Promise<void> {
  await getStore().restoreExperiment(String(experimentId));
}

export async function setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
  validateKey('tag', key);
  await getStore().setExperimentTag(String(experimentId), { key, value: validateTagValue(key, value) });
}

export async function setExperimentTags(experimentId: string, tags: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(tags)) await setExperimentTag(experimentId, key, value);
}
