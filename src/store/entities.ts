/** Entities of the tracking store, shaped like MLflow's (`mlflow.entities`), with camelCase fields. */

export type LifecycleStage = 'active' | 'deleted';
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** Mirrors `mlflow.entities.Experiment`. */
export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  tags: Record<string, string>;
  creationTime: number;
  lastUpdateTime: number;
}

/** Mirrors `mlflow.entities.Metric`: one logged value; the history of a key is a list of these. */
export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** Mirrors `mlflow.entities.Param`. */
export interface Param {
  key: string;
  value: string;
}

/** Mirrors `mlflow.entities.RunTag`. */
export interface RunTag {
  key: string;
  value: string;
}

/** Mirrors `mlflow.entities.RunInfo`. */
export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  lifecycleStage: LifecycleStage;
  artifactUri: string;
}

/** Mirrors `mlflow.entities.RunData`: the latest value of each metric, params and tags as plain records. */
export interface RunData {
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

/** Mirrors `mlflow.entities.Run`. */
export interface Run {
  info: RunInfo;
  data: RunData;
}

/** System tags MLflow sets on runs; the same keys here so MLflow users' filters carry over. */
export const SystemTags = {
  RUN_NAME: 'mlflow.runName',
  PARENT_RUN_ID: 'mlflow.parentRunId',
  NOTE: 'mlflow.note.content',
  USER: 'mlflow.user',
  SOURCE_NAME: 'mlflow.source.name',
  SOURCE_TYPE: 'mlflow.source.type',
  DATASETS: 'mlflow.datasets',
} as const;
