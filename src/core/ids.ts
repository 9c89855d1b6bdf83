import { randomUUID } from 'node:crypto';

/** A run id as MLflow makes them: a UUID4 as 32 lowercase hex digits. */
export function newRunId(): string {
  return randomUUID().replaceAll('-', '');
}
