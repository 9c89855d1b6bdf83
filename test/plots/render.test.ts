import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalflowError, ErrorCode } from '../../src/core/errors.js';
import {
  confusionMatrixSpec,
  liftCurveSpec,
  precisionRecallCurveSpec,
  renderPng,
  renderSpec,
  renderSvg,
  resolveFontFiles,
  rocCurveSpec,
  svgToPng,
  writePlot,
} from '../../src/plots/index.js';
import { textWidth } from '../../src/plots/text-metrics.js';
import { PNG_SIGNATURE, pngSize, syntheticRoc } from './helpers.js';

const roc = rocCurveSpec([{ fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1], auc: 0.953 }], { posLabel: 'malignant' });

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  if (!m) throw new Error('no svg size');
  return { width: Number(m[1]), height: Number(m[2]) };
}

describe('renderSvg', () => {
  it('renders a valid SVG with the title, axis titles and legend', async () => {
    const svg = await renderSvg(roc);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('ROC curve');
    expect(svg).toContain('False Positive Rate (Positive label: malignant)');
    expect(svg).toContain('AUC=0.953');
    expect(svg).toContain('font-family="DejaVu Sans, sans-serif"');
    const { width, height } = svgSize(svg);
    expect(width).toBeGreaterThan(480);
    expect(height).toBeGreaterThan(400);
  });

  it('renders every plot kind', async () => {
    const specs = [
      precisionRecallCurveSpec([{ recall: [1, 0.5, 0], precision: [0.5, 1, 1], ap: 0.8 }]),
      liftCurveSpec([{ label: '1', fraction: [0.5, 1], lift: [1.8, 1] }]),
      confusionMatrixSpec({ labels: ['a', 'b'], matrix: [[0.75, 0.25], [0.1, 0.9]] }),
    ];
    const svgs = await Promise.all(specs.map((s) => renderSvg(s)));
    expect(svgs[0]).toContain('Precision recall curve');
    expect(svgs[1]).toContain('Lift Curve');
    expect(svgs[2]).toContain('Normalized confusion matrix');
    expect(svgs[2]).toContain('0.75');
    expect(svgs[2]).toContain('Predicted label');
  });

  it('turns a broken spec into an EvalflowError', async () => {
    await expect(renderSvg({ mark: 'nonsense' } as never)).rejects.toBeInstanceOf(EvalflowError);
  });
});

describe('renderPng / svgToPng', () => {
  it('produces a PNG twice the SVG size by default, and at the requested scale', async () => {
    const svg = await renderSvg(roc);
    const { width, height } = svgSize(svg);
    const png = await renderPng(roc);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: Math.round(width * 2), height: Math.round(height * 2) });
    expect(pngSize(svgToPng(svg, { scale: 1 }))).toEqual({ width, height });
  });

  it('renderSpec dispatches on format', async () => {
    const svg = await renderSpec(roc, { format: 'svg' });
    expect(typeof svg).toBe('string');
    const png = await renderSpec(roc, { format: 'png', scale: 1 });
    expect(png).toBeInstanceOf(Uint8Array);
    expect(pngSize(png)).toEqual(svgSize(svg));
  });

  it('draws text: the PNG with the title differs from one without', async () => {
    const svg = await renderSvg(roc);
    const withText = svgToPng(svg, { scale: 1 });
    const withoutText = svgToPng(svg.replace(/<text[^>]*>[^<]*<\/text>/g, ''), { scale: 1 });
    expect(Buffer.from(withText).equals(Buffer.from(withoutText))).toBe(false);
  });

  it('throws an EvalflowError naming fonts-dejavu-core when a font file is missing', async () => {
    const fontFiles = ['/nonexistent/DejaVuSans.ttf'];
    const err = await renderPng(roc, { fontFiles }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvalflowError);
    expect((err as EvalflowError).code).toBe(ErrorCode.INVALID_STATE);
    expect((err as EvalflowError).message).toContain('fonts-dejavu-core');
    expect((err as EvalflowError).message).toContain('/nonexistent/DejaVuSans.ttf');
    expect((err as EvalflowError).details).toEqual({ missing: fontFiles });
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg"/>', { fontFiles })).toThrow(/fonts-dejavu-core/);
    expect(() => resolveFontFiles([])).toThrow(EvalflowError);
  });
});

describe('writePlot', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evalflow-plots-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes {name}.vl.json, {name}.svg and {name}.png and returns their paths', async () => {
    const files = await writePlot(roc, join(dir, 'nested'), 'roc_curve_plot');
    expect(files).toEqual({
      spec: join(dir, 'nested', 'roc_curve_plot.vl.json'),
      svg: join(dir, 'nested', 'roc_curve_plot.svg'),
      png: join(dir, 'nested', 'roc_curve_plot.png'),
    });
    expect(JSON.parse(await readFile(files.spec, 'utf8'))).toEqual(JSON.parse(JSON.stringify(roc)));
    expect(await readFile(files.svg, 'utf8')).toContain('ROC curve');
    const png = new Uint8Array(await readFile(files.png));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('writes nothing when the font is missing, and rejects path-like names', async () => {
    const target = join(dir, 'nofont');
    await expect(writePlot(roc, target, 'x', { fontFiles: ['/nonexistent/font.ttf'] })).rejects.toThrow(
      /fonts-dejavu-core/,
    );
    expect(existsSync(target)).toBe(false);
    await expect(writePlot(roc, dir, '../escape')).rejects.toBeInstanceOf(EvalflowError);
    await expect(writePlot(roc, dir, '..')).rejects.toBeInstanceOf(EvalflowError);
  });
});

describe('text metrics', () => {
  it('measures DejaVu Sans advance widths', () => {
    // '0' is 1303/2048 em in DejaVu Sans, 1425/2048 in Bold.
    expect(textWidth('00', 2048)).toBe(2606);
    expect(textWidth('0', 2048, true)).toBe(1425);
    expect(textWidth('AUC=0.953', 12)).toBeGreaterThan(50);
    expect(textWidth('AUC=0.953', 12)).toBeLessThan(70);
  });
});

describe('a 1M-row binary classifier', () => {
  it('builds and renders all four plots quickly', async () => {
    const { fpr, tpr } = syntheticRoc(1_000_000);
    const n = fpr.length;
    const recall = new Float64Array(n);
    const precision = new Float64Array(n);
    const fraction = new Float64Array(n);
    const lift = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      recall[i] = tpr[n - 1 - i] as number;
      precision[i] = 0.3 + 0.7 * (1 - (recall[i] as number)) ** 2;
      fraction[i] = (i + 1) / n;
      lift[i] = (tpr[i + 1 < n ? i + 1 : i] as number) / (fraction[i] as number);
    }
    const specs = [
      rocCurveSpec([{ fpr, tpr, auc: 0.9 }], { posLabel: 1 }),
      precisionRecallCurveSpec([{ recall, precision, ap: 0.7 }], { posLabel: 1 }),
      liftCurveSpec([{ label: '1', fraction, lift }]),
      confusionMatrixSpec({ labels: ['0', '1'], matrix: [[0.8, 0.2], [0.3, 0.7]] }),
    ];
    // Speed is measured in bench/evaluate.ts; here only that 1M-point curves render.
    const pngs = await Promise.all(specs.map((s) => renderPng(s)));
    for (const png of pngs) expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });
});
