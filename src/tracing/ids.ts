import { randomFillSync } from 'node:crypto';

/** MLflow's trace id for an OTel trace id: "tr-" + the 32 hex digits. */
export function mlflowTraceId(otelTraceId: string): string {
  return `tr-${otelTraceId}`;
}

/** The OTel trace id (32 hex digits) inside an MLflow trace id, or undefined when it is not one. */
export function otelTraceIdOf(traceId: string): string | undefined {
  const hex = traceId.startsWith('tr-') ? traceId.slice(3) : traceId;
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
}

/** Nanoseconds since the epoch from OTel's [seconds, nanoseconds] time. */
export function hrTimeToNanos(time: readonly [number, number]): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

export function nanosToHrTime(nanos: bigint): [number, number] {
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

export function nanosToMillis(nanos: bigint): number {
  return Number(nanos / 1_000_000n);
}

/** Hex id as base64 of its bytes, as MLflow's span JSON writes ids. */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** Random bytes drawn in blocks: one system call for many ids. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    // All zeros is OpenTelemetry's invalid id.
    if (hex !== INVALID_TRACE_ID && hex !== INVALID_SPAN_ID) return hex;
  }
}

/**
 * A new OpenTelemetry trace id: the time in milliseconds (6 bytes, as a UUIDv7 starts) then 10 random bytes. W3C Trace
 * Context asks for random rightmost bytes (these have 80 random bits); the time prefix makes the ids of traces stored
 * one after another neighbours in the store's index, so writing a batch appends to one or two index pages instead of
 * touching one page per trace (seconds, tried first, still spread a second's traces over a dozen pages).
 */
export function newTraceId(): string {
  return Date.now().toString(16).padStart(12, '0') + randomHex(10);
}

/** A new OpenTelemetry span id: 16 random hex digits. */
export function randomSpanId(): string {
  return randomHex(8);
}
