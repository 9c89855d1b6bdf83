import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Label } from '../../metrics/index.js';

/** Reads a fixture JSON written by test/metrics/fixtures/generate.py. */
export function fixture<T>(name: string): { meta: Record<string, string>; cases: T[] } {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as {
    meta: Record<string, string>;
    cases: T[];
  };
}

/** `|a − e| ≤ 1e-10 + 1e-9·|e|`; `null` expected means NaN. */
export function expectClose(actual: number | undefined, expected: number | null, what = ''): void {
  if (expected === null) {
    expect(actual, what).toBeNaN();
    return;
  }
  expect(actual, what).toBeTypeOf('number');
  const a = actual as number;
  const ok = Math.abs(a - expected) <= 1e-10 + 1e-9 * Math.abs(expected);
  if (!ok) expect(a, what).toBe(expected);
}

export function expectAllClose(actual: ArrayLike<number>, expected: ReadonlyArray<number | null>, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i]!, `${what}[${i}]`);
}

export function expectMetrics(actual: Record<string, number>, expected: Record<string, number | null>, what = ''): void {
  expect(Object.keys(actual).sort(), `${what} keys`).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expectClose(actual[k], v, `${what} ${k}`);
}

/** Parses a simple CSV (header row, no quoted commas). */
export function readCsv(path: string): Record<string, string>[] {
  const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8').trim();
  const [head, ...lines] = text.split(/\r?\n/);
  const cols = head!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]!]));
  });
}

export interface ClassifierInputJson {
  yTrue?: Label[];
  yPred?: Label[];
  posLabel?: Label;
  labelList?: Label[];
  sampleWeights?: number[];
  probabilities?: number[][];
  csv?: string;
}

/** The breast_cancer_scored hold-out as classifier input (probability columns: benign, malignant). */
export function breastCancer(): { yTrue: string[]; yPred: string[]; probabilities: number[][] } {
  const rows = readCsv('test/fixtures/data/breast_cancer_scored.csv');
  return {
    yTrue: rows.map((r) => r.diagnosis!),
    yPred: rows.map((r) => r.predicted!),
    probabilities: rows.map((r) => [Number(r.p_benign), Number(r.p_malignant)]),
  };
}
