/**
 * Headless rendering: Vega-Lite spec → Vega → SVG (vega's `renderer: 'none'`, no canvas) → PNG
 * (resvg). No files are written here; see `write.ts`.
 *
 * Fonts: resvg draws no text at all when it finds no font, so the PNG step loads DejaVu Sans
 * (Debian package `fonts-dejavu-core`) explicitly and ignores system fonts, which keeps the
 * output the same on every machine. When the font is missing, `renderPng` throws an
 * `EvalflowError` (INVALID_STATE) naming the package — a PNG without any text would be silently
 * useless. SVG rendering needs no font file and always works; callers that can live without a
 * PNG catch that error and keep the SVG.
 *
 * Layout: without a canvas, Vega guesses text widths; `text-metrics.ts` gives it DejaVu Sans'
 * real advance widths so legends and axis titles are sized to the text the PNG draws.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { EvalflowError, ErrorCode } from '../core/errors.js';
import { useDejaVuTextMetrics } from './text-metrics.js';

// vega and vega-lite take 0.2–0.4 s to import and resvg is a native addon: all three load on the
// first render, so importing evalflow (or the pure spec builders) costs nothing.
let engines: Promise<{ vega: typeof Vega; vegaLite: typeof VegaLite }> | undefined;
function loadVega(): Promise<{ vega: typeof Vega; vegaLite: typeof VegaLite }> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => {
    useDejaVuTextMetrics(vega);
    return { vega, vegaLite };
  });
  return engines;
}

let resvg: typeof import('@resvg/resvg-js') | undefined;
function loadResvg(): typeof import('@resvg/resvg-js') {
  resvg ??= createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  return resvg;
}

export const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
export const DEFAULT_FONT_FILES: readonly string[] = [
  `${DEJAVU_DIR}/DejaVuSans.ttf`,
  `${DEJAVU_DIR}/DejaVuSans-Bold.ttf`,
];

export interface PngOptions {
  /** Pixel density: 2 (default) gives a 2× image of the SVG's size, sharp on high-DPI screens. */
  scale?: number;
  /**
   * TrueType/OpenType files for resvg; default DejaVu Sans and DejaVu Sans Bold from
   * /usr/share/fonts/truetype/dejavu. Every file listed must exist.
   */
  fontFiles?: readonly string[];
  /** Family used when the SVG asks for one that is not loaded; default "DejaVu Sans". */
  defaultFontFamily?: string;
}

export type RenderOptions = { format: 'svg' } | ({ format: 'png' } & PngOptions);

/** Compiles a Vega-Lite spec and renders it to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  let view: Vega.View;
  try {
    const { spec: vgSpec } = vegaLite.compile(spec);
    view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Error });
  } catch (err) {
    throw new EvalflowError(
      ErrorCode.INVALID_PARAMETER_VALUE,
      `Invalid plot spec: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  try {
    return await view.toSVG();
  } catch (err) {
    throw EvalflowError.internal(`Plot rendering failed: ${err instanceof Error ? err.message : String(err)}`, err);
  } finally {
    view.finalize();
  }
}

function resvgOptions(options: PngOptions): import('@resvg/resvg-js').ResvgRenderOptions {
  const fontFiles = resolveFontFiles(options.fontFiles);
  const scale = options.scale ?? 2;
  if (!(scale > 0) || !Number.isFinite(scale)) throw EvalflowError.invalid(`PNG scale must be positive, got ${scale}.`);
  const family = options.defaultFontFamily ?? 'DejaVu Sans';
  return {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      fontFiles: [...fontFiles],
      loadSystemFonts: false,
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
  };
}

/** Rasterises an SVG document to PNG bytes. Throws when a font file is missing (see module doc). */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const { Resvg } = loadResvg();
  return new Uint8Array(new Resvg(svg, resvgOptions(options)).render().asPng());
}

/**
 * `svgToPng` on libuv's thread pool: does not block the event loop, and several plots
 * rasterise in parallel.
 */
export async function svgToPngAsync(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const opts = resvgOptions(options);
  const image = await loadResvg().renderAsync(svg, opts);
  return new Uint8Array(image.asPng());
}

/** Compiles and renders a Vega-Lite spec to PNG bytes. */
export async function renderPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Uint8Array> {
  resolveFontFiles(options.fontFiles); // fail before the work
  return svgToPngAsync(await renderSvg(spec), options);
}

/**
 * Starts loading vega and vega-lite (~0.4 s) in the background, e.g. while a model runs, so the
 * first render does not wait for it. Optional.
 */
export function preloadRenderer(): Promise<void> {
  return loadVega().then(() => undefined);
}

/** `renderSvg` or `renderPng`, by `format`. */
export function renderSpec(spec: TopLevelSpec, options: { format: 'svg' }): Promise<string>;
export function renderSpec(spec: TopLevelSpec, options: { format: 'png' } & PngOptions): Promise<Uint8Array>;
export function renderSpec(spec: TopLevelSpec, options: RenderOptions): Promise<string | Uint8Array>;
export function renderSpec(spec: TopLevelSpec, options: RenderOptions): Promise<string | Uint8Array> {
  return options.format === 'svg' ? renderSvg(spec) : renderPng(spec, options);
}

/** The font files PNG rendering will use; throws an `EvalflowError` when one is missing. */
export function resolveFontFiles(fontFiles: readonly string[] = DEFAULT_FONT_FILES): readonly string[] {
  if (fontFiles.length === 0) throw EvalflowError.invalid('PNG rendering needs at least one font file.');
  const missing = fontFiles.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new EvalflowError(
      ErrorCode.INVALID_STATE,
      `Cannot render PNG plots: font file${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}. ` +
        'Install the DejaVu fonts (Debian/Ubuntu package `fonts-dejavu-core`: `apt-get install fonts-dejavu-core`) ' +
        'or pass `fontFiles`. SVG rendering does not need fonts.',
      { details: { missing } },
    );
  }
  return fontFiles;
}
