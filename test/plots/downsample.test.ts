import { describe, expect, it } from 'vitest';
import { EvalflowError } from '../../src/core/errors.js';
import { downsampleCurve, formatFixed, isTruthyLabel, rocCurveSpec } from '../../src/plots/index.js';
import { curveLayer, syntheticRoc } from './helpers.js';

describe('downsampleCurve', () => {
  it('leaves a small curve untouched', () => {
    expect(downsampleCurve([0, 0, 0.5, 1], [0, 0.5, 1, 1], { xRange: [0, 1], yRange: [0, 1] })).toEqual({
      x: [0, 0, 0.5, 1],
      y: [0, 0.5, 1, 1],
    });
  });

  it('thins a 1M-point curve to a few thousand points, keeping the endpoints', () => {
    const n = 1_000_000;
    const { fpr, tpr } = syntheticRoc(n);
    const out = downsampleCurve(fpr, tpr, { xRange: [0, 1], yRange: [0, 1] });
    expect(out.x.length).toBeGreaterThan(1000);
    expect(out.x.length).toBeLessThanOrEqual(4002); // monotone: at most 2·resolution + 2
    expect([out.x[0], out.y[0]]).toEqual([0, 0]);
    expect([out.x.at(-1), out.y.at(-1)]).toEqual([1, 1]);
  });

  it('keeps every dropped point within 1/2000 of an axis of the last kept point', () => {
    const n = 200_000;
    const { fpr, tpr } = syntheticRoc(n);
    const out = downsampleCurve(fpr, tpr, { xRange: [0, 1], yRange: [0, 1] });
    const tol = 1 / 2000;
    // Kept points are a subsequence of the input: walk both, comparing each input point with
    // the last kept point at or before it.
    let k = -1;
    let worst = 0;
    for (let i = 0; i <= n; i++) {
      if (k + 1 < out.x.length && out.x[k + 1] === fpr[i] && out.y[k + 1] === tpr[i]) k++;
      const dx = Math.abs((fpr[i] as number) - (out.x[k] as number));
      const dy = Math.abs((tpr[i] as number) - (out.y[k] as number));
      worst = Math.max(worst, dx, dy);
    }
    expect(k).toBe(out.x.length - 1);
    expect(worst).toBeLessThan(tol);
  });

  it('keeps the corner of a perfect classifier and both ends of a jump', () => {
    // Straight up, then straight across, many points on each leg.
    const n = 100_000;
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i <= n; i++) (x.push(0), y.push(i / n));
    for (let i = 1; i <= n; i++) (x.push(i / n), y.push(1));
    const out = downsampleCurve(x, y, { xRange: [0, 1], yRange: [0, 1] });
    expect(out.x.length).toBeLessThanOrEqual(4002);
    // Some kept point sits within the tolerance of the corner (0, 1); nothing leaves the two legs.
    const tol = 1 / 2000;
    expect(out.x.some((v, i) => v === 0 && 1 - (out.y[i] as number) < tol)).toBe(true);
    expect(out.x.every((v, i) => v === 0 || out.y[i] === 1)).toBe(true);

    // A flat run, then one big jump: the jump's target is kept, and the kept point before it is
    // on the run within the tolerance, so a step-after line draws the jump where it is.
    const fx = Array.from({ length: 50_001 }, (_, i) => (i / 50_000) * 0.5);
    const fy = fx.map(() => 0);
    fx.push(0.5, 1);
    fy.push(1, 1);
    const jump = downsampleCurve(fx, fy, { xRange: [0, 1], yRange: [0, 1] });
    const at = jump.x.findIndex((v, i) => v === 0.5 && jump.y[i] === 1);
    expect(at).toBeGreaterThan(0);
    expect(jump.y[at - 1]).toBe(0);
    expect(0.5 - (jump.x[at - 1] as number)).toBeLessThan(tol);
  });

  it('stays under maxPoints on a zig-zag curve', () => {
    const n = 1_000_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i / n;
      y[i] = i % 2 === 0 ? 0.2 : 0.8; // precision jumping at low recall, everywhere
    }
    const out = downsampleCurve(x, y, { maxPoints: 3000 });
    expect(out.x.length).toBeLessThanOrEqual(3000);
    expect(out.x[0]).toBe(0);
    expect(out.x.at(-1)).toBe((n - 1) / n);
  });

  it('skips non-finite points and checks lengths', () => {
    expect(downsampleCurve([0, Number.NaN, 1], [0, 1, Infinity])).toEqual({ x: [0], y: [0] });
    expect(() => downsampleCurve([0, 1], [0])).toThrow(EvalflowError);
  });

  it('keeps a 1M-row ROC spec small', () => {
    const { fpr, tpr } = syntheticRoc(1_000_000);
    const spec = rocCurveSpec([{ fpr, tpr, auc: 0.9 }], { posLabel: 1 });
    const values = curveLayer(spec).data.values[0];
    expect(values.fpr.length).toBeLessThanOrEqual(4002);
    expect(values.fpr[0]).toBe(0);
    expect(values.fpr.at(-1)).toBe(1);
    expect(values.tpr.at(-1)).toBe(1);
    expect(JSON.stringify(spec).length).toBeLessThan(200_000);
  });
});

describe('formatFixed', () => {
  it("matches Python's f'{x:.3f}'", () => {
    expect(formatFixed(0.953, 3)).toBe('0.953');
    expect(formatFixed(0.95349, 3)).toBe('0.953');
    expect(formatFixed(1, 3)).toBe('1.000');
    expect(formatFixed(0.0625, 3)).toBe('0.062'); // exact tie: half to even (toFixed gives 0.063)
    expect(formatFixed(0.1875, 3)).toBe('0.188');
    expect(formatFixed(-0.0625, 3)).toBe('-0.062');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(Number.NaN, 3)).toBe('nan');
    expect(formatFixed(Infinity, 3)).toBe('inf');
  });
});

describe('isTruthyLabel', () => {
  it('follows Python truthiness', () => {
    expect([0, '', null, undefined, false].map(isTruthyLabel)).toEqual([false, false, false, false, false]);
    expect([1, -1, '0', 'malignant', true, Number.NaN].map(isTruthyLabel)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});
