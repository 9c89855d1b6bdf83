/**
 * Pure Vega-Lite spec builders for the evaluation plots (spec §3). No I/O: each returns a
 * `TopLevelSpec` with its data inlined as `values`, ready for `renderSvg` / `renderPng` or for
 * any Vega-Lite viewer.
 */
import type { Config, TopLevelSpec } from 'vega-lite';
import { EvalflowError } from '../core/errors.js';
import { downsampleCurve, type DownsampleOptions } from './downsample.js';
import { formatFixed, isTruthyLabel, labelToString } from './format.js';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The font family the SVG asks for; `renderPng` loads DejaVu Sans for it. */
export const PLOT_FONT = 'DejaVu Sans, sans-serif';

/** Size of the plotting area (axes excluded), in CSS pixels. */
export const DEFAULT_WIDTH = 480;
export const DEFAULT_HEIGHT = 400;

/** matplotlib's default colour cycle (tab10), so plots look familiar to MLflow users. */
const COLORS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

/** matplotlib's "Blues" (ColorBrewer Blues, 9 classes): near-white for 0, as in sklearn's plot. */
const BLUES = [
  '#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b',
];

/** Legends with more entries than this go outside, to the right, so they never cover curves. */
const MAX_INSIDE_LEGEND_ENTRIES = 4;

export const PLOT_CONFIG: Config = {
  font: PLOT_FONT,
  background: 'white',
  padding: 12,
  view: { stroke: '#444444', strokeWidth: 1 },
  title: { fontSize: 16, fontWeight: 'bold', anchor: 'middle', offset: 12, color: '#000000' },
  axis: {
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 'normal',
    titleColor: '#000000',
    labelColor: '#222222',
    titlePadding: 10,
    titleLimit: 0,
    gridColor: '#e6e6e6',
    domain: false,
    tickColor: '#444444',
  },
  legend: {
    labelFontSize: 12,
    labelLimit: 0,
    symbolStrokeWidth: 2.5,
    symbolSize: 200,
    symbolType: 'stroke',
    rowPadding: 4,
  },
};

// ---------------------------------------------------------------------------------------------
// Generic line chart (used by the ROC, PR and lift curves)
// ---------------------------------------------------------------------------------------------

export interface LineSeries {
  /** Legend text; must be unique within a chart (duplicates get " (2)", " (3)" …). */
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** A dashed grey reference segment (chance diagonal, baseline). Not shown in the legend. */
export interface ReferenceLine {
  from: readonly [number, number];
  to: readonly [number, number];
}

export type LegendPosition = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | 'right';

export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Field names in the inlined data; default "x" and "y". */
  xField?: string;
  yField?: string;
  interpolate?: 'linear' | 'step-after' | 'step-before' | 'step';
  /** Fixed axis extents; default: from the data. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Where the legend goes when it has few entries; more than 4 always go to the right. */
  legendPosition?: LegendPosition;
  referenceLines?: readonly ReferenceLine[];
  width?: number;
  height?: number;
  /** Downsampling of each series, see `downsampleCurve`. */
  downsample?: DownsampleOptions;
}

export function lineChartSpec(series: readonly LineSeries[], options: LineChartOptions): TopLevelSpec {
  if (series.length === 0) throw EvalflowError.invalid(`Cannot plot "${options.title}": no curves given.`);
  const xField = options.xField ?? 'x';
  const yField = options.yField ?? 'y';
  const seriesField = 'series';
  if (xField === yField || xField === seriesField || yField === seriesField) {
    throw EvalflowError.invalid(`xField and yField must differ from each other and from "${seriesField}".`);
  }

  const labels = uniqueLabels(series.map((s) => s.label));
  // One row per series holding parallel arrays, expanded by a `flatten` transform: about a third
  // of the size of one row per point. Values keep 7 significant digits (far below a pixel).
  const values = series.map((s, i) => {
    // Curves can have a point per row (1M+): thin each to a few thousand points that draw the
    // same line within 1/2000 of an axis (see downsampleCurve).
    const { x, y } = downsampleCurve(s.x, s.y, {
      ...(options.xDomain ? { xRange: options.xDomain } : {}),
      ...(options.yDomain ? { yRange: options.yDomain } : {}),
      ...options.downsample,
    });
    return { [seriesField]: labels[i] as string, [xField]: x.map(round7), [yField]: y.map(round7) };
  });

  const position =
    labels.length > MAX_INSIDE_LEGEND_ENTRIES ? 'right' : (options.legendPosition ?? 'bottom-right');
  const inside = position !== 'right';
  // Fixed or data extents plus 6 px of padding, never "nice": a nice domain puts grid lines on
  // the frame and hides it.
  const xScale = options.xDomain
    ? { domain: [...options.xDomain], nice: false, zero: false, padding: 6 }
    : { zero: false, nice: false, padding: 6 };
  const yScale = options.yDomain
    ? { domain: [...options.yDomain], nice: false, zero: false, padding: 6 }
    : { zero: false, nice: false, padding: 6 };

  const references = (options.referenceLines ?? []).map((r) => ({
    data: {
      values: [
        { [xField]: r.from[0], [yField]: r.from[1] },
        { [xField]: r.to[0], [yField]: r.to[1] },
      ],
    },
    mark: { type: 'line' as const, color: '#333333', strokeDash: [5, 4], strokeWidth: 1.2, clip: true },
    encoding: {
      x: { field: xField, type: 'quantitative' as const },
      y: { field: yField, type: 'quantitative' as const },
    },
  }));

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title,
    width: options.width ?? DEFAULT_WIDTH,
    height: options.height ?? DEFAULT_HEIGHT,
    config: PLOT_CONFIG,
    layer: [
      ...references,
      {
        data: { values },
        transform: [{ flatten: [xField, yField] }],
        mark: {
          type: 'line',
          interpolate: options.interpolate ?? 'linear',
          strokeWidth: 2,
          strokeJoin: 'round',
          clip: true,
          // Connect points in data order: sorting by x would reverse a PR curve (recall falls)
          // and turn its steps-post into steps-pre.
          order: false,
        },
        encoding: {
          x: { field: xField, type: 'quantitative', title: options.xTitle, scale: xScale },
          y: { field: yField, type: 'quantitative', title: options.yTitle, scale: yScale },
          color: {
            field: seriesField,
            type: 'nominal',
            scale: { domain: labels, range: COLORS },
            legend: inside
              ? {
                  title: null,
                  orient: position,
                  offset: 10,
                  padding: 8,
                  fillColor: 'rgba(255,255,255,0.85)',
                  strokeColor: '#cccccc',
                  cornerRadius: 3,
                }
              : { title: null, orient: 'right' },
          },
        },
      },
    ],
  };
}

function round7(v: number): number {
  return Number(v.toPrecision(7));
}

function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} (${n})`;
  });
}

// ---------------------------------------------------------------------------------------------
// Classifier curves
// ---------------------------------------------------------------------------------------------

export interface CurveSpecOptions {
  /**
   * The positive label of a binary classifier. Axis titles get " (Positive label: {p})" when
   * there is exactly one curve and p is truthy in Python's sense — so pos_label 0 gets no suffix.
   */
  posLabel?: string | number | boolean | null;
  width?: number;
  height?: number;
}

export interface RocCurve {
  /** The class, for one-vs-rest curves; omitted for a binary classifier's single curve. */
  label?: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc: number;
}

export interface PrecisionRecallCurve {
  label?: string;
  recall: ArrayLike<number>;
  precision: ArrayLike<number>;
  ap: number;
}

export interface LiftCurve {
  label: string;
  /** Fraction of the sample (0..1], sorted by score descending. */
  fraction: ArrayLike<number>;
  lift: ArrayLike<number>;
}

function axisSuffix(curveCount: number, posLabel: CurveSpecOptions['posLabel']): string {
  return curveCount === 1 && isTruthyLabel(posLabel) ? ` (Positive label: ${labelToString(posLabel)})` : '';
}

function legendText(label: string | undefined, metric: string, value: number): string {
  return label === undefined ? `${metric}=${formatFixed(value, 3)}` : `label=${label},${metric}=${formatFixed(value, 3)}`;
}

/** "ROC curve": FPR vs TPR, steps-post, legend `AUC=0.953` or `label=c,AUC=0.953`, dashed chance line. */
export function rocCurveSpec(curves: readonly RocCurve[], options: CurveSpecOptions = {}): TopLevelSpec {
  const suffix = axisSuffix(curves.length, options.posLabel);
  return lineChartSpec(
    curves.map((c) => ({ label: legendText(c.label, 'AUC', c.auc), x: c.fpr, y: c.tpr })),
    {
      title: 'ROC curve',
      xTitle: `False Positive Rate${suffix}`,
      yTitle: `True Positive Rate${suffix}`,
      xField: 'fpr',
      yField: 'tpr',
      interpolate: 'step-after',
      xDomain: [0, 1],
      yDomain: [0, 1],
      legendPosition: 'bottom-right',
      referenceLines: [{ from: [0, 0], to: [1, 1] }],
      ...sizeOf(options),
    },
  );
}

/** "Precision recall curve": recall vs precision, steps-post, legend `AP=…` or `label=c,AP=…`. */
export function precisionRecallCurveSpec(
  curves: readonly PrecisionRecallCurve[],
  options: CurveSpecOptions = {},
): TopLevelSpec {
  const suffix = axisSuffix(curves.length, options.posLabel);
  return lineChartSpec(
    curves.map((c) => ({ label: legendText(c.label, 'AP', c.ap), x: c.recall, y: c.precision })),
    {
      title: 'Precision recall curve',
      xTitle: `Recall${suffix}`,
      yTitle: `Precision${suffix}`,
      xField: 'recall',
      yField: 'precision',
      interpolate: 'step-after',
      xDomain: [0, 1],
      yDomain: [0, 1],
      legendPosition: 'bottom-left',
      ...sizeOf(options),
    },
  );
}

/** "Lift Curve": lift against the fraction of the sample, one line per class, dashed baseline at 1. */
export function liftCurveSpec(
  curves: readonly LiftCurve[],
  options: { width?: number; height?: number } = {},
): TopLevelSpec {
  return lineChartSpec(
    curves.map((c) => ({ label: c.label, x: c.fraction, y: c.lift })),
    {
      title: 'Lift Curve',
      xTitle: 'Percentage of sample',
      yTitle: 'Lift',
      xField: 'fraction',
      yField: 'lift',
      interpolate: 'linear',
      xDomain: [0, 1],
      legendPosition: 'top-right',
      referenceLines: [{ from: [0, 1], to: [1, 1] }],
      ...sizeOf(options),
    },
  );
}

function sizeOf(options: { width?: number; height?: number }): { width?: number; height?: number } {
  return {
    ...(options.width === undefined ? {} : { width: options.width }),
    ...(options.height === undefined ? {} : { height: options.height }),
  };
}

// ---------------------------------------------------------------------------------------------
// Confusion matrix
// ---------------------------------------------------------------------------------------------

export interface ConfusionMatrixInput {
  /** Class labels, in `label_list` order; used on both axes. */
  labels: readonly string[];
  /** matrix[i][j]: rows are true labels, columns predicted; normalized so rows sum to 1. */
  matrix: readonly (readonly number[])[];
}

export interface ConfusionMatrixOptions {
  title?: string;
  /** d3-format of the cell text; default ".2f". */
  format?: string;
  /** Side of one cell in px; default fits the matrix in about 400 px (24–100 px per cell). */
  cellSize?: number;
}

/** "Normalized confusion matrix": heatmap with the value in each cell, true label down, predicted across. */
export function confusionMatrixSpec(input: ConfusionMatrixInput, options: ConfusionMatrixOptions = {}): TopLevelSpec {
  const { labels, matrix } = input;
  const n = labels.length;
  if (n === 0) throw EvalflowError.invalid('Cannot plot a confusion matrix without labels.');
  if (new Set(labels).size !== n) {
    throw EvalflowError.invalid('Confusion matrix labels must be unique.', { labels: [...labels] });
  }
  if (matrix.length !== n || matrix.some((row) => row.length !== n)) {
    throw EvalflowError.invalid(`Confusion matrix must be ${n}×${n} to match its labels.`, {
      rows: matrix.length,
      columns: matrix.map((row) => row.length),
    });
  }

  const values: { true: string; predicted: string; value: number }[] = [];
  let max = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = (matrix[i] as readonly number[])[j] as number;
      if (Number.isFinite(value) && value > max) max = value;
      values.push({ true: labels[i] as string, predicted: labels[j] as string, value });
    }
  }
  const top = Math.max(1, max);
  const cell = options.cellSize ?? Math.max(24, Math.min(100, Math.floor(400 / n)));
  const textSize = Math.max(9, Math.min(14, Math.floor(cell / 4)));
  const longest = Math.max(...labels.map((l) => l.length));
  const order = [...labels];

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? 'Normalized confusion matrix',
    width: { step: cell },
    height: { step: cell },
    config: {
      ...PLOT_CONFIG,
      view: { stroke: null },
      axis: { ...PLOT_CONFIG.axis, grid: false, ticks: false, domain: false },
    },
    data: { values },
    encoding: {
      x: {
        field: 'predicted',
        type: 'ordinal',
        sort: order,
        title: 'Predicted label',
        axis: { labelAngle: longest * 7 > cell ? -45 : 0, labelPadding: 6 },
      },
      y: {
        field: 'true',
        type: 'ordinal',
        sort: order,
        title: 'True label',
        axis: { labelPadding: 6 },
      },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            scale: { domain: BLUES.map((_, k) => (top * k) / (BLUES.length - 1)), range: BLUES },
            legend: { title: null, gradientLength: Math.max(120, Math.min(300, cell * n)), labelFontSize: 11 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: textSize },
        encoding: {
          text: { field: 'value', type: 'quantitative', format: options.format ?? '.2f' },
          color: {
            condition: { test: `datum.value > ${top / 2}`, value: 'white' },
            value: 'black',
          },
        },
      },
    ],
  };
}
