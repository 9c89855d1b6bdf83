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

/**
 * Random hex digits drawn in blocks: one draw and one hex conversion for a few hundred ids. Ids are cut from the block's
 * text, and V8 keeps a cut as a view of that text: an id kept alive keeps its block's 8 KB alive, which is why blocks
 * stay this small.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolHex = '';
let poolOffset = 0;
const INVALID_SPAN_ID = '0'.repeat(16);
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function randomHex(digits: number): string {
  if (poolOffset + digits > poolHex.length) {
    randomFillSync(pool);
    poolHex = pool.toString('hex');
    poolOffset = 0;
  }
  const hex = poolHex.slice(poolOffset, poolOffset + digits);
  poolOffset += digits;
  return hex;
}

/** 12 hex digits of a time in ms (48 bits, to the year 10889), by table: Number#toString(16) is slow for doubles. */
function millisHex(ms: number): string {
  const high = Math.floor(ms / 0x1_0000_0000);
  const low = ms >>> 0;
  return (
    (BYTE_HEX[(high >>> 8) & 0xff] as string) +
    (BYTE_HEX[high & 0xff] as string) +
    (BYTE_HEX[low >>> 24] as string) +
    (BYTE_HEX[(low >>> 16) & 0xff] as string) +
    (BYTE_HEX[(low >>> 8) & 0xff] as string) +
    (BYTE_HEX[low & 0xff] as string)
  );
}

/**
 * A new OpenTelemetry trace id: the time in milliseconds (6 bytes, as a UUIDv7 starts) then 10 random bytes. W3C Trace
 * Context asks for random rightmost bytes (these have 80 random bits); the time prefix makes the ids of traces stored
 * one after another neighbours in the store's index, so writing a batch appends to one or two index pages instead of
 * touching one page per trace (seconds, tried first, still spread a second's traces over a dozen pages).
 */
export function newTraceId(): string {
  return millisHex(Date.now()) + randomHex(20);
}

/** A new OpenTelemetry span id: 16 random hex digits. */
export function randomSpanId(): string {
  for (;;) {
    const id = randomHex(16);
    // All zeros is OpenTelemetry's invalid span id.
    if (id !== INVALID_SPAN_ID) return id;
  }
}
