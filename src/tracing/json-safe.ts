/**
 * Turns any value into JSON text without throwing: bigint as a number (or a string when it does not fit), Error as
 * { name, message, stack }, Map as an object, Set and typed arrays as arrays, functions and symbols as their
 * description, circular references as "[Circular]". Span attributes hold this text, as MLflow stores them.
 */
export function toJsonString(value: unknown): string {
  try {
    return JSON.stringify(toJsonValue(value, new WeakSet())) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}

export function toJsonValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    case 'symbol':
      return value.toString();
    default:
      break;
  }
  const object = value as object;
  if (seen.has(object)) return '[Circular]';
  seen.add(object);
  try {
    if (object instanceof Error) {
      return { name: object.name, message: object.message, ...(object.stack && { stack: object.stack }) };
    }
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
    if (ArrayBuffer.isView(object)) {
      return object instanceof DataView ? `[DataView ${object.byteLength} bytes]` : Array.from(object as unknown as ArrayLike<number | bigint>, (v) => toJsonValue(v, seen));
    }
    if (object instanceof ArrayBuffer) return `[ArrayBuffer ${object.byteLength} bytes]`;
    if (object instanceof Map) {
      const entries: Record<string, unknown> = {};
      for (const [k, v] of object) entries[typeof k === 'string' ? k : String(toJsonString(k))] = toJsonValue(v, seen);
      return entries;
    }
    if (object instanceof Set) return Array.from(object, (v) => toJsonValue(v, seen));
    if (Array.isArray(object)) return object.map((v) => toJsonValue(v, seen));
    if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
      return toJsonValue((object as { toJSON: () => unknown }).toJSON(), seen);
    }
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(object)) {
      if (v !== undefined) result[k] = toJsonValue(v, seen);
    }
    return result;
  } catch {
    return String(object);
  } finally {
    seen.delete(object);
  }
}

/** Reads an attribute value stored as JSON text; a value that is not JSON is returned as it is. */
export function parseJsonAttribute(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
