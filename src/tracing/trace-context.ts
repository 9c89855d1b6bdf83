import { AsyncLocalStorage } from 'node:async_hooks';

/** Defaults copied into every trace started in a scope: metadata (session, user …), tags, the experiment. */
export interface TraceContextDefaults {
  experimentId?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

const scopes = new AsyncLocalStorage<TraceContextDefaults>();
let destinationExperimentId: string | undefined;

/** The innermost tracingContext() scope, as it is (not a copy: do not change it); undefined outside any. */
export function currentTraceScope(): Readonly<TraceContextDefaults> | undefined {
  return scopes.getStore();
}

/** The experiment of tracing.setDestination(), if any. */
export function destinationExperiment(): string | undefined {
  return destinationExperimentId;
}

export interface TracingContextOptions {
  /** Copied into the metadata of every trace started inside, e.g. `{ 'mlflow.trace.session': 's-1' }`. */
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
  experimentId?: string;
}

/** Runs `fn` with metadata and tags that every trace started inside gets; inner scopes win over outer ones. */
export function tracingContext<T>(options: TracingContextOptions, fn: () => T): T {
  const outer = scopes.getStore();
  const experimentId = options.experimentId ?? outer?.experimentId;
  return scopes.run(
    {
      ...(experimentId !== undefined && { experimentId }),
      metadata: { ...outer?.metadata, ...options.metadata },
      tags: { ...outer?.tags, ...options.tags },
    },
    fn,
  );
}

export function setDestinationExperimentId(experimentId: string | undefined): void {
  destinationExperimentId = experimentId;
}
