/** Milliseconds since the epoch, as MLflow stores times. */
export function nowMs(): number {
  return Date.now();
}
