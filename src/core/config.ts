import { resolve } from 'node:path';

/** Environment variables evalflow reads; the names follow MLflow's with the EVALFLOW_ prefix. */
export const EnvVars = {
  TRACKING_URI: 'EVALFLOW_TRACKING_URI',
  EXPERIMENT_NAME: 'EVALFLOW_EXPERIMENT_NAME',
  EXPERIMENT_ID: 'EVALFLOW_EXPERIMENT_ID',
  RUN_ID: 'EVALFLOW_RUN_ID',
} as const;

const DEFAULT_TRACKING_URI = './evalflow';

let explicitTrackingUri: string | undefined;

/** Sets where runs are stored: a folder path (`./evalflow`) or `sqlite:///path.db`. `undefined` goes back to the default. */
export function setTrackingUri(uri: string | undefined): void {
  explicitTrackingUri = uri;
}

/** `setTrackingUri()`, else `EVALFLOW_TRACKING_URI`, else `./evalflow` (resolved against the working directory). */
export function getTrackingUri(): string {
  return normalizeTrackingUri(explicitTrackingUri ?? process.env[EnvVars.TRACKING_URI] ?? DEFAULT_TRACKING_URI);
}

/** A tracking URI as the stores are keyed: URIs with a scheme as they are, folder paths made absolute. */
export function normalizeTrackingUri(uri: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : resolve(uri);
}
