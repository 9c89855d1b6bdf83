import { EvalflowError } from '../core/errors.js';

/** A curve as plain arrays, ready to inline into a spec. */
export interface CurvePoints {
  x: number[];
  y: number[];
}

export interface DownsampleOptions {
  /**
   * The smallest visible step, as a fraction of the axis: a point is kept when it is at least
   * `1 / resolution` of the x axis or of the y axis away from the last kept point. Default 2000.
   */
  resolution?: number;
  /** Hard cap on kept points; the resolution is halved until the curve fits. Default 5000. */
  maxPoints?: number;
  /** The axis extents the tolerance is relative to; default: the curve's own finite min..max. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
}

export const DEFAULT_RESOLUTION = 2000;
export const DEFAULT_MAX_POINTS = 5000;

/**
 * Thins a curve (up to millions of points, e.g. a ROC curve over 1M rows) to what a plot can show.
 *
 * Walking the points in order, a point is kept when it is at least 1/`resolution` of the axis
 * (in x or in y) away from the last kept point; the first and last points are always kept.
 * Every dropped point lies within that tolerance of a kept one, so the drawn path — linear or
 * step-after — moves by at most 1/2000 of an axis (a fifth of a pixel at 400 px): corners and
 * jumps larger than that are kept exactly. A monotone curve (ROC, lift) keeps at most
 * 2·resolution + 2 points; a zig-zagging one (precision at low recall) is held under `maxPoints`
 * by halving the resolution until it fits. Non-finite points are skipped. O(n) per pass.
 */
export function downsampleCurve(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: DownsampleOptions = {},
): CurvePoints {
  if (x.length !== y.length) {
    throw EvalflowError.invalid(`Curve x and y must have the same length, got ${x.length} and ${y.length}.`, {
      xLength: x.length,
      yLength: y.length,
    });
  }
  const maxPoints = Math.max(2, Math.floor(options.maxPoints ?? DEFAULT_MAX_POINTS));
  let resolution = options.resolution ?? DEFAULT_RESOLUTION;
  if (!(resolution > 0)) throw EvalflowError.invalid(`resolution must be positive, got ${resolution}.`);

  const xSpan = span(x, options.xRange);
  const ySpan = span(y, options.yRange);

  for (;;) {
    const out = thin(x, y, xSpan / resolution, ySpan / resolution, maxPoints);
    if (out) return out;
    resolution /= 2;
  }
}

function span(values: ArrayLike<number>, range: readonly [number, number] | undefined): number {
  let lo = Infinity;
  let hi = -Infinity;
  if (range) {
    [lo, hi] = range;
  } else {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const s = hi - lo;
  return Number.isFinite(s) && s > 0 ? s : 1;
}

/** One pass; returns undefined when more than `cap` points would be kept. */
function thin(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  tolX: number,
  tolY: number,
  cap: number,
): CurvePoints | undefined {
  const n = x.length;
  const outX: number[] = [];
  const outY: number[] = [];
  // Index of the last finite point: always kept.
  let last = n - 1;
  while (last >= 0 && !(Number.isFinite(x[last]) && Number.isFinite(y[last]))) last--;
  let keptX = NaN;
  let keptY = NaN;
  for (let i = 0; i <= last; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
    if (
      outX.length === 0 ||
      i === last ||
      Math.abs(xi - keptX) >= tolX ||
      Math.abs(yi - keptY) >= tolY
    ) {
      if (outX.length >= cap) return undefined;
      outX.push(xi);
      outY.push(yi);
      keptX = xi;
      keptY = yi;
    }
  }
  return { x: outX, y: outY };
}
