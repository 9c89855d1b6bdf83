import { AsyncLocalStorage } from 'node:async_hooks';
import type { Run } from '../store/entities.js';

/**
 * The active runs, innermost last. `withRun` gives its callback a stack of its own through AsyncLocalStorage, so
 * concurrent `withRun` calls never log into each other; `startRun` outside any `withRun` uses the process-wide stack,
 * as MLflow's fluent API does.
 */
interface RunScope {
  stack: Run[];
}

const scopes = new AsyncLocalStorage<RunScope>();
const processScope: RunScope = { stack: [] };
let lastRunId: string | undefined;

export function currentStack(): Run[] {
  return (scopes.getStore() ?? processScope).stack;
}

export function processStack(): Run[] {
  return processScope.stack;
}

/** Runs `fn` with its own run stack, starting from a copy of the caller's (so nesting under an outer run works). */
export function inRunScope<T>(fn: () => T): T {
  return scopes.run({ stack: [...currentStack()] }, fn);
}

export function rememberLastRun(runId: string): void {
  lastRunId = runId;
}

export function lastRememberedRunId(): string | undefined {
  return lastRunId;
}
