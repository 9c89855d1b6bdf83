/**
 * Turns any value into JSON text without throwing: bigint as a number (or a string when it does not fit), Error as
 * { name, message, stack }, Map as an object, Set and typed arrays as arrays, functions and symbols as their
 * description, circular references as "[Circular]". Span attributes hold this text, as MLflow stores them.
 */
export function toJsonString(value: unknown): string {
  // Most values (request and response bodies, strings) are plain JSON data: written in one pass, without the copy
  // that toJsonValue makes. Anything else takes the general path below, whose result this pass equals where it applies.
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const plain = plainJson(value, []);
    if (plain !== NOT_PLAIN) return plain ?? 'null';
  } catch {
    // A getter or proxy that throws: the general path handles it.
  }
  try {
    return JSON.stringify(toJsonValue(value, new WeakSet())) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}

/**
 * The JSON text of a value that is JSON data by construction: a request body an SDK sends as `JSON.stringify(body)`,
 * a response it parsed from JSON. Written natively, so it is what went over the wire; should it not be JSON data after
 * all (JSON.stringify throws or writes nothing), toJsonString's conversion.
 */
export function wireJsonString(value: unknown): string {
  try {
    const text = JSON.stringify(value) as string | undefined;
    if (text !== undefined) return text;
  } catch {
    // a bigint or a cycle: the general conversion handles them
  }
  return toJsonString(value);
}

const NOT_PLAIN = Symbol('not plain JSON');
/** Deeper than this, or in a cycle (an object inside itself), the general path takes over. */
const PLAIN_MAX_DEPTH = 64;
const OBJECT_PROTOTYPE = Object.prototype;
const ARRAY_PROTOTYPE = Array.prototype;

/**
 * The JSON text of a value made only of strings, booleans, finite numbers, null, undefined, plain objects (prototype
 * Object.prototype or null, no toJSON) and arrays, exactly as `JSON.stringify(toJsonValue(value))` writes it, reading
 * each property once; undefined for undefined (an object property then is left out, an array item is null); NOT_PLAIN
 * as soon as anything else is met.
 */
function plainJson(value: unknown, ancestors: object[]): string | undefined | typeof NOT_PLAIN {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // Finite numbers print as JSON.stringify prints them; toJsonValue turns the others into strings.
      return Number.isFinite(value) ? String(value) : NOT_PLAIN;
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return 'null';
  // Returning NOT_PLAIN abandons the whole walk, so `ancestors` is only kept right on the way back up.
  if (ancestors.length >= PLAIN_MAX_DEPTH || ancestors.includes(value)) return NOT_PLAIN;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === ARRAY_PROTOTYPE && Array.isArray(value)) {
    const items = value as unknown[];
    ancestors.push(items);
    let text = '[';
    for (let i = 0; i < items.length; i += 1) {
      const item = plainJson(items[i], ancestors);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      if (i > 0) text += ',';
      text += item ?? 'null';
    }
    ancestors.pop();
    return `${text}]`;
  }
  if ((proto !== OBJECT_PROTOTYPE && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
  const object = value as Record<string, unknown>;
  ancestors.push(object);
  let text = '{';
  // The own enumerable keys, in the order Object.entries gives them.
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    // toJsonValue copies into a fresh object, where a "__proto__" key would set the prototype instead.
    if (key === '__proto__') return NOT_PLAIN;
    const item = plainJson(object[key], ancestors);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (item === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key)}:${item}`;
  }
  ancestors.pop();
  return `${text}}`;
}

/** Keys JSON.stringify writes as they are, between quotes. */
const PLAIN_KEY = /^[\w.$-]*$/;

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
