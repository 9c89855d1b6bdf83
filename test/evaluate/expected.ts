import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Values computed by scikit-learn (test/evaluate/fixtures/generate.py). */
export const expected = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'expected.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
> & {
  iris_model: { predictions: string[]; probabilities: number[][]; weights: number[] };
  diabetes_model: { predictions: number[]; weights: number[] };
  iris_per_class: Record<string, number | string>[];
  breast_cancer_confusion_normalized: number[][];
};

export const dataPath = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'data', name);

/** Every expected metric is present and equal to 1e-9 relative. */
export function expectMetricsClose(actual: Record<string, number>, wanted: Record<string, unknown>, prefix = ''): void {
  for (const [key, value] of Object.entries(wanted)) {
    const got = actual[`${prefix}${key}`];
    expect(got, `${prefix}${key}`).toBeDefined();
    expect(Math.abs((got as number) - (value as number)), `${prefix}${key}: ${got} vs ${String(value)}`).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(value as number)),
    );
  }
}
