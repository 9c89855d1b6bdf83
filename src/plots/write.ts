/** The one plot function with I/O: writes a spec and its renderings to a folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { EvalflowError } from '../core/errors.js';
import { renderSvg, resolveFontFiles, svgToPngAsync, type PngOptions } from './render.js';

export interface PlotFiles {
  /** `{name}.vl.json`: the Vega-Lite spec, data inlined. */
  spec: string;
  /** `{name}.svg` */
  svg: string;
  /** `{name}.png` */
  png: string;
}

/**
 * Writes `{name}.vl.json`, `{name}.svg` and `{name}.png` into `dir` (created if needed) and
 * returns their paths. Fonts are checked first, so a missing font throws before any file is
 * written (see `render.ts`).
 */
export async function writePlot(
  spec: TopLevelSpec,
  dir: string,
  name: string,
  options: PngOptions = {},
): Promise<PlotFiles> {
  if (!/^[^/\\]+$/.test(name) || name === '.' || name === '..') {
    throw EvalflowError.invalid(`Invalid plot name "${name}": it must be a file name without a path.`);
  }
  resolveFontFiles(options.fontFiles);
  const svg = await renderSvg(spec);
  const png = await svgToPngAsync(svg, options);
  await mkdir(dir, { recursive: true });
  const files: PlotFiles = {
    spec: join(dir, `${name}.vl.json`),
    svg: join(dir, `${name}.svg`),
    png: join(dir, `${name}.png`),
  };
  await Promise.all([
    writeFile(files.spec, JSON.stringify(spec)),
    writeFile(files.svg, svg),
    writeFile(files.png, png),
  ]);
  return files;
}
