/**
 * Charts as SVG drawn on the server by the project's own renderer (vega, `renderer: 'none'`): metric histories, the
 * comparison of runs, and the plots a run stores as Vega-Lite specs. Vega writes data strings as escaped SVG text.
 */
import type { TopLevelSpec } from 'vega-lite';
import { ErrorCode, EvalflowError } from '../core/errors.js';
import type { Metric } from '../store/entities.js';
import { renderSvg } from '../plots/render.js';
import { PLOT_CONFIG, VEGA_LITE_SCHEMA } from '../plots/specs.js';
import { HttpError } from './http.js';

const CACHE_SIZE = 64;
const cache = new Map<string, Promise<string>>();

/** Renders a spec once per key (least recently used are forgotten). */
export function renderCached(key: string, build: () => unknown): Promise<string> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const rendered = Promise.resolve().then(build).then((spec) => renderSvg(checkSelfContained(spec)));
  rendered.catch(() => cache.delete(key));
  cache.set(key, rendered);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return rendered;
}

/** Vega-Lite's data generators: they make any number of rows out of a few bytes of spec. */
const DATA_GENERATORS = new Set(['sequence', 'graticule', 'sphere']);

/**
 * A spec may only draw its inline data: a `url` (data or image) or `href` anywhere would have the server's vega
 * loader read files or fetch from the network, and a data generator (`sequence`, `graticule`, `sphere`, or an
 * impute's generated `keyvals`) makes rows the spec's size does not bound.
 */
export function checkSelfContained(spec: unknown): TopLevelSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw EvalflowError.invalid('A plot spec must be a Vega-Lite JSON object.');
  }
  const walk = (value: unknown, path: string, parentKey: string | null): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`, parentKey));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'url' || key === 'href') {
          throw EvalflowError.invalid(`The plot spec refers to outside data (${path}.${key}); the UI draws only specs with inline data.`);
        }
        if ((parentKey === 'data' && DATA_GENERATORS.has(key)) || (key === 'keyvals' && inner !== null && typeof inner === 'object' && !Array.isArray(inner))) {
          throw EvalflowError.invalid(
            `The plot spec generates its data (${path}.${key}); the UI draws only specs with inline data (data.values).`,
          );
        }
        walk(inner, `${path}.${key}`, key);
      }
    }
  };
  walk(spec, 'spec', null);
  return spec as TopLevelSpec;
}

/** The most inline data rows a stored plot may hold, over all its datasets. */
export const MAX_PLOT_ROWS = 50_000;
/** The largest stored plot spec the UI reads, in bytes. */
export const MAX_PLOT_SPEC_BYTES = 5 * 1024 * 1024;

/**
 * A stored plot spec (`*.vl.json`) the UI will draw: self-contained (see above) and at most MAX_PLOT_ROWS inline
 * rows in all (`values` arrays, `datasets`, lines of inline CSV text). Too many rows is 422 with a JSON error.
 */
export function checkStoredPlot(spec: unknown, path: string): TopLevelSpec {
  const checked = checkSelfContained(spec);
  let rows = 0;
  const count = (value: unknown): void => {
    if (Array.isArray(value)) rows += value.length;
    else if (typeof value === 'string') rows += value.split('\n').length;
  };
  const walk = (value: unknown, parentKey: string | null): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, parentKey);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'values' && parentKey === 'data') count(inner);
        if (parentKey === 'datasets') count(inner);
        walk(inner, key);
      }
    }
  };
  walk(checked, null);
  if (rows > MAX_PLOT_ROWS) {
    throw new HttpError(
      422,
      ErrorCode.INVALID_PARAMETER_VALUE,
      `Plot ${JSON.stringify(path)} holds ${rows} rows of inline data; the UI draws plots of at most ${MAX_PLOT_ROWS} rows.`,
    );
  }
  return checked;
}

/** A metric's values by step (or by time, when every value was logged at one step). */
export function metricHistorySpec(key: string, history: readonly Metric[]): TopLevelSpec {
  const steps = new Set(history.map((m) => m.step));
  const byStep = steps.size > 1;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: key,
    width: 360,
    height: 160,
    data: { values: history.map((m) => ({ step: m.step, time: m.timestamp, value: m.value })) },
    mark: { type: 'line', point: true, color: '#1f77b4' },
    encoding: {
      x: byStep ? { field: 'step', type: 'quantitative', title: 'step' } : { field: 'time', type: 'temporal', title: 'time' },
      y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
    },
    config: { ...PLOT_CONFIG, title: { ...PLOT_CONFIG.title, fontSize: 13 } },
  } as TopLevelSpec;
}

export interface ComparedValue {
  metric: string;
  run: string;
  value: number;
}

/** Grouped horizontal bars: one group per metric, one bar per run. */
export function comparisonSpec(values: readonly ComparedValue[], runLabels: readonly string[]): TopLevelSpec {
  const metrics = new Set(values.map((v) => v.metric));
  return {
    $schema: VEGA_LITE_SCHEMA,
    width: 520,
    height: { step: Math.max(8, Math.min(22, Math.floor(60 / Math.max(1, runLabels.length)))) },
    data: { values: values.filter((v) => Number.isFinite(v.value)) },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      y: { field: 'metric', type: 'nominal', title: null, sort: [...metrics], axis: { labelLimit: 260 } },
      yOffset: { field: 'run', type: 'nominal', sort: [...runLabels] },
      x: { field: 'value', type: 'quantitative', title: 'value' },
      color: { field: 'run', type: 'nominal', sort: [...runLabels], title: 'run', legend: { orient: 'bottom', columns: 1, labelLimit: 400, symbolType: 'square', symbolSize: 120 } },
    },
    config: PLOT_CONFIG,
  } as TopLevelSpec;
}
