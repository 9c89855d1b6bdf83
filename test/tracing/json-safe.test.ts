import { describe, expect, it } from 'vitest';
import { toJsonString, toJsonValue, wireJsonString } from '../../src/tracing/json-safe.js';

/** What toJsonString wrote before it had a fast path for plain data: the general conversion, then JSON.stringify. */
const reference = (value: unknown): string => {
  try {
    return JSON.stringify(toJsonValue(value, new WeakSet())) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
};

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const deep = (levels: number): unknown => {
  let value: unknown = { leaf: true };
  for (let i = 0; i < levels; i += 1) value = { next: value, list: [i] };
  return value;
};

const cyclic = (): unknown => {
  const node: Record<string, unknown> = { name: 'loop', list: [1, 2] };
  node.self = node;
  (node.list as unknown[]).push(node);
  return { node };
};

const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: { c: 'd' } });

const cases: [string, () => unknown][] = [
  ['a string', () => 'he said "hi"\n\u2028\ud800'],
  ['numbers', () => [0, -0, 1.5, 1e21, 1e-7, -123456789012345, Number.MAX_VALUE]],
  ['non-finite numbers', () => ({ a: NaN, b: [Infinity, -Infinity] })],
  ['booleans, null and undefined', () => ({ t: true, f: false, n: null, u: undefined, list: [undefined, null, true] })],
  ['undefined', () => undefined],
  ['null', () => null],
  ['an OpenAI-like request', () => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], temperature: 0, tools: [] })],
  ['keys that need escaping', () => ({ 'a"b': 1, 'new\nline': 2, 'ünï': 3, '': 4, 'with space': 5, 'a.b-c$d_e': 6, '\u2028': 7 })],
  ['integer-like keys', () => ({ b: 1, 2: 'two', a: 3, 1: 'one', '-1': 'minus' })],
  ['a sparse array', () => [1, , 3]], // eslint-disable-line no-sparse-arrays
  ['empty containers', () => ({ o: {}, a: [], nested: [[], [{}]] })],
  ['an own __proto__ key', () => JSON.parse('{"a":1,"__proto__":{"b":2}}') as unknown],
  ['a null-prototype object', () => nullProto],
  ['a class instance', () => ({ point: new Point(1, 2) })],
  ['a Date', () => ({ at: new Date(0), bad: new Date(Number.NaN) })],
  ['an object with toJSON', () => ({ v: { toJSON: () => ({ big: 1n }) } })],
  ['an array with toJSON', () => Object.assign([1, 2], { toJSON: () => 'ignored for arrays' })],
  ['bigint', () => ({ small: 12n, big: 12345678901234567890n })],
  ['functions and symbols', () => ({ fn: function named() {}, arrow: () => 1, sym: Symbol('s'), list: [() => 2, Symbol.iterator] })],
  ['symbol keys', () => ({ [Symbol('hidden')]: 1, shown: 2 })],
  ['errors, maps, sets and bytes', () => ({ e: new TypeError('bad'), m: new Map<unknown, unknown>([['k', 1], [2, { x: 1 }]]), s: new Set([1, 'a']), b: new Uint8Array([1, 2]) })],
  ['boxed primitives', () => ({ n: new Number(1), s: new String('ab'), b: new Boolean(false) })],
  ['a cycle', cyclic],
  ['a shared (not circular) object', () => {
    const shared = { x: 1 };
    return { a: shared, b: [shared, shared] };
  }],
  ['deep nesting', () => deep(100)],
  ['a throwing getter', () => ({ ok: 1, get bad(): unknown { throw new Error('no'); } })],
  ['a non-enumerable property', () => Object.defineProperty({ a: 1 }, '_request_id', { value: 'req_1', enumerable: false })],
];

describe('toJsonString', () => {
  for (const [name, make] of cases) {
    it(`writes ${name} as the general conversion does`, () => {
      const value = make();
      expect(toJsonString(value)).toBe(reference(value));
    });
  }

  it('reads each property of plain data once', () => {
    let reads = 0;
    const value = {
      get counted(): number {
        reads += 1;
        return reads;
      },
      nested: [{ x: 1 }],
    };
    expect(toJsonString(value)).toBe('{"counted":1,"nested":[{"x":1}]}');
    expect(reads).toBe(1);
  });
});

describe('wireJsonString (request and response bodies of an SDK that sends and parses JSON)', () => {
  it('writes JSON data exactly as JSON.stringify does, which is what the SDK sends', () => {
    const body = JSON.parse(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say \\"hi\\"\\n"}],"temperature":0.2,"n":null,"tools":[]}',
    ) as unknown;
    const response = Object.defineProperty({ id: 'chatcmpl-1', choices: [{ index: 0 }] }, '_request_id', { value: 'req_1', enumerable: false });
    expect(wireJsonString(body)).toBe(JSON.stringify(body));
    expect(wireJsonString(response)).toBe('{"id":"chatcmpl-1","choices":[{"index":0}]}');
    expect(wireJsonString({ at: new Date(0), skipped: undefined })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('writes what goes over the wire for values JSON has no form for (a Map is sent as {})', () => {
    expect(wireJsonString({ m: new Map([['k', 1]]), x: NaN })).toBe('{"m":{},"x":null}');
  });

  it('falls back to the general conversion where JSON.stringify throws or writes nothing', () => {
    const value = cyclic();
    expect(wireJsonString(value)).toBe(toJsonString(value));
    expect(wireJsonString({ big: 12n })).toBe('{"big":12}');
    expect(wireJsonString(undefined)).toBe('null');
    expect(wireJsonString(() => 1)).toBe('"[Function anonymous]"');
  });
});
