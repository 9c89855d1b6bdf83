export {
  confusionMatrixSpec,
  liftCurveSpec,
  lineChartSpec,
  precisionRecallCurveSpec,
  rocCurveSpec,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  PLOT_CONFIG,
  PLOT_FONT,
  VEGA_LITE_SCHEMA,
  type ConfusionMatrixInput,
  type ConfusionMatrixOptions,
  type CurveSpecOptions,
  type LegendPosition,
  type LiftCurve,
  type LineChartOptions,
  type LineSeries,
  type PrecisionRecallCurve,
  type ReferenceLine,
  type RocCurve,
} from './specs.js';
export {
  downsampleCurve,
  DEFAULT_MAX_POINTS,
  DEFAULT_RESOLUTION,
  type CurvePoints,
  type DownsampleOptions,
} from './downsample.js';
export { formatFixed, isTruthyLabel } from './format.js';
export {
  renderPng,
  renderSpec,
  renderSvg,
  resolveFontFiles,
  svgToPng,
  svgToPngAsync,
  preloadRenderer,
  DEFAULT_FONT_FILES,
  type PngOptions,
  type RenderOptions,
} from './render.js';
export { writePlot, type PlotFiles } from './write.js';
export type { TopLevelSpec } from 'vega-lite';
