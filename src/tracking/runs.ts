import { userInfo } from 'node:os';
import { EnvVars } from '../core/config.js';
import { EvalflowError } from '../core/errors.js';
import { nowMs } from '../core/clock.js';
import { generateRunName } from '../core/run-names.js';
import { validateKey, validateName, validateTagValue } from '../core/validation.js';
import { RUN_STATUSES, SystemTags, type Run, type RunStatus, type ViewType } from '../store/entities.js';
import { getStore } from './client.js';
import { currentStack, inRunScope, lastRememberedRunId, processStack, rememberLastRun } from './context.js';
import { resolveActiveExperimentId } from './experiments.js';

export interface StartRunOptions {
  /** Resume this existing run instead of creating one. */
  runId?: string;
  experimentId?: string;
  runName?: string;
  /** Start the run as a child of the active run. */
  nested?: boolean;
  /** Start the run as a child of this run (need not be active). */
  parentRunId?: string;
  tags?: Record<string, string>;
  /** Stored as the `mlflow.note.content` tag, as MLflow does. */
  description?: string;
}

/**
 * Starts a run (or resumes `runId`) and makes it the active run of the current async context.
 * Outside `withRun` the active run is process-wide, as in MLflow; end it with `endRun()`.
 */
export async function startRun(options: StartRunOptions = {}): Promise<Run> {
  const store = getStore();
  const stack = currentStack();
  const active = stack.at(-1);
  const resumeId = options.runId ?? (stack.length === 0 ? process.env[EnvVars.RUN_ID] : undefined);
  if (active && !options.nested && options.parentRunId === undefined && resumeId !== active.info.runId) {
    throw EvalflowError.invalid(
      `Run with UUID ${active.info.runId} is already active. To start a new run, first end the current run with ` +
        'endRun(). To start a nested run, call startRun({ nested: true }).',
      { activeRunId: active.info.runId },
    );
  }

  let run: Run;
  if (resumeId) {
    const existing = await store.getRun(resumeId);
    if (options.experimentId !== undefined && options.experimentId !== existing.info.experimentId) {
      throw EvalflowError.invalid(
        `Cannot resume run ${resumeId} in experiment ${options.experimentId}: it belongs to experiment ` +
          `${existing.info.experimentId}.`,
      );
    }
    await store.updateRunInfo(resumeId, { status: 'RUNNING', endTime: null });
    const tags = userTags(options);
    if (options.runName !== undefined) tags.push({ key: SystemTags.RUN_NAME, value: validateName('run', options.runName) });
    if (tags.length > 0) await store.logBatch(resumeId, { tags });
    run = await store.getRun(resumeId);
  } else {
    const parentRunId = options.parentRunId ?? (options.nested ? active?.info.runId : undefined);
    if (parentRunId !== undefined) await store.getRun(parentRunId);
    const experimentId = options.experimentId ?? (await resolveActiveExperimentId());
    const runName = options.runName === undefined ? generateRunName() : validateName('run', options.runName);
    const tags = [...defaultTags(), ...userTags(options)];
    if (parentRunId !== undefined) tags.push({ key: SystemTags.PARENT_RUN_ID, value: parentRunId });
    run = await store.createRun({ experimentId, runName, userId: currentUser(), startTime: nowMs(), tags });
  }
  stack.push(run);
  rememberLastRun(run.info.runId);
  return run;
}

/** Ends the active run of the current context (FINISHED unless told otherwise). Does nothing when none is active. */
export async function endRun(status: RunStatus = 'FINISHED'): Promise<void> {
  if (!RUN_STATUSES.includes(status)) {
    throw EvalflowError.invalid(`Invalid run status "${String(status)}": expected one of ${RUN_STATUSES.join(', ')}.`);
  }
  const stack = currentStack();
  const run = stack.at(-1);
  if (!run) return;
  await getStore().updateRunInfo(run.info.runId, { status, endTime: nowMs() });
  stack.pop();
  rememberLastRun(run.info.runId);
}

/**
 * Runs `fn` inside a new run: FINISHED when `fn` returns, FAILED when it throws (the error is rethrown).
 * Each call has its own active-run context, so concurrent calls never log into each other.
 */
export function withRun<T>(fn: (run: Run) => T | Promise<T>): Promise<T>;
export function withRun<T>(options: StartRunOptions, fn: (run: Run) => T | Promise<T>): Promise<T>;
export function withRun<T>(
  optionsOrFn: StartRunOptions | ((run: Run) => T | Promise<T>),
  maybeFn?: (run: Run) => T | Promise<T>,
): Promise<T> {
  const [options, fn] = typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
  if (typeof fn !== 'function') {
    throw EvalflowError.invalid('withRun needs a function to run: withRun(async (run) => { … }).');
  }
  return inRunScope(async () => {
    const run = await startRun(options);
    let result: T;
    try {
      result = await fn(run);
    } catch (error) {
      await endRun('FAILED');
      throw error;
    }
    await endRun('FINISHED');
    return result;
  });
}

/** The active run of the current context as it was when started, or `null`. */
export function activeRun(): Run | null {
  return currentStack().at(-1) ?? null;
}

/** The active run, else the run most recently started or ended in this process, read fresh from the store. */
export async function lastActiveRun(): Promise<Run | null> {
  const runId = activeRun()?.info.runId ?? lastRememberedRunId();
  return runId === undefined ? null : getStore().getRun(runId);
}

export async function getRun(runId: string): Promise<Run> {
  if (typeof runId !== 'string' || runId === '') {
    throw EvalflowError.invalid(`Invalid run id ${JSON.stringify(runId)}: expected a non-empty string.`);
  }
  return getStore().getRun(runId);
}

/** The parent of a nested run, or `null` for a top-level run. */
export async function getParentRun(runId: string): Promise<Run | null> {
  const run = await getRun(runId);
  const parentId = run.data.tags[SystemTags.PARENT_RUN_ID];
  return parentId === undefined ? null : getStore().getRun(parentId);
}

/** Marks a run deleted (it disappears from searches); `restoreRun` undoes it. */
export async function deleteRun(runId: string): Promise<void> {
  await getStore().deleteRun(runId);
}

export async function restoreRun(runId: string): Promise<void> {
  await getStore().restoreRun(runId);
}

export interface SearchRunsOptions {
  experimentIds?: string[];
  experimentNames?: string[];
  /** MLflow's filter grammar, e.g. `metrics.rmse < 1 and params.model = 'tree'`. */
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

export interface SearchRunsPage {
  runs: Run[];
  nextPageToken: string | null;
}

/** Runs matching a filter, in the active experiment unless experiments are named. */
export async function searchRuns(options: SearchRunsOptions = {}): Promise<Run[]> {
  return (await searchRunsPage(options)).runs;
}

/** `searchRuns` with MLflow's paging: pass `nextPageToken` back as `pageToken` for the next page. */
export async function searchRunsPage(options: SearchRunsOptions = {}): Promise<SearchRunsPage> {
  const store = getStore();
  const experimentIds = [...(options.experimentIds ?? []).map(String)];
  for (const name of options.experimentNames ?? []) {
    const experiment = await store.getExperimentByName(name);
    if (!experiment) {
      throw EvalflowError.notFound(`No experiment named "${name}". Check the name, or list them with searchExperiments().`);
    }
    experimentIds.push(experiment.experimentId);
  }
  if (experimentIds.length === 0) experimentIds.push(await resolveActiveExperimentId());
  const page = await store.searchRuns({
    experimentIds,
    ...(options.filter !== undefined && { filter: options.filter }),
    ...(options.orderBy !== undefined && { orderBy: options.orderBy }),
    ...(options.maxResults !== undefined && { maxResults: options.maxResults }),
    ...(options.pageToken !== undefined && { pageToken: options.pageToken }),
    ...(options.viewType !== undefined && { viewType: options.viewType }),
  });
  return { runs: page.items, nextPageToken: page.nextPageToken };
}

function userTags(options: StartRunOptions): { key: string; value: string }[] {
  const tags = Object.entries(options.tags ?? {}).map(([key, value]) => {
    validateKey('tag', key);
    return { key, value: validateTagValue(key, value) };
  });
  if (options.description !== undefined) {
    tags.push({ key: SystemTags.NOTE, value: validateTagValue(SystemTags.NOTE, options.description) });
  }
  return tags;
}

function defaultTags(): { key: string; value: string }[] {
  const script = process.argv[1];
  return [
    { key: SystemTags.USER, value: currentUser() },
    { key: SystemTags.SOURCE_NAME, value: script ?? 'node' },
    { key: SystemTags.SOURCE_TYPE, value: 'LOCAL' },
  ];
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

// A script that starts a run and never ends it gets it FINISHED when Node is about to exit, as MLflow's atexit hook does.
process.on('beforeExit', () => {
  const stack = processStack();
  if (stack.length === 0) return;
  const runs = stack.splice(0).reverse();
  const store = getStore();
  void Promise.all(runs.map((run) => store.updateRunInfo(run.info.runId, { status: 'FINISHED', endTime: nowMs() }))).catch(
    () => undefined,
  );
});
