import type { TopLevelSpec } from 'vega-lite';

/** A spec as plain JSON, for poking at its fields in assertions. */
export function json(spec: TopLevelSpec): any {
  return JSON.parse(JSON.stringify(spec));
}

/** The layer holding the curves (the last one; reference lines come first). */
export function curveLayer(spec: TopLevelSpec): any {
  const layers = json(spec).layer as any[];
  return layers[layers.length - 1];
}

/** Legend texts (the colour domain), in order. */
export function legendTexts(spec: TopLevelSpec): string[] {
  return curveLayer(spec).encoding.color.scale.domain;
}

/**
 * A synthetic monotone ROC-like curve over n rows: fpr = i/n, tpr a concave function of fpr
 * with small steps, like a real classifier's curve.
 */
export function syntheticRoc(n: number): { fpr: Float64Array; tpr: Float64Array } {
  const fpr = new Float64Array(n + 1);
  const tpr = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    fpr[i] = i / n;
    tpr[i] = Math.min(1, Math.sqrt(i / n) + ((i * 7919) % 13) / (13 * n));
  }
  tpr[n] = 1;
  for (let i = 1; i <= n; i++) tpr[i] = Math.max(tpr[i] as number, tpr[i - 1] as number);
  return { fpr, tpr };
}

/** PNG width and height from the IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
