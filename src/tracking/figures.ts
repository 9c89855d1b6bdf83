import { extname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { EvalflowError } from '../core/errors.js';
import { renderSvg, svgToPng } from '../plots/render.js';
import { artifactRepository, type RunOption } from './artifacts.js';

/**
 * Logs a Vega-Lite figure. The artifact file's extension picks the form: `.json` (e.g. `roc.vl.json`) keeps the
 * spec, `.svg` and `.png` render it headless.
 */
export async function logFigure(spec: TopLevelSpec, artifactFile: string, options: RunOption = {}): Promise<string> {
  if (spec === null || typeof spec !== 'object') {
    throw EvalflowError.invalid(`logFigure expects a Vega-Lite spec object for "${artifactFile}".`);
  }
  const extension = extname(artifactFile).toLowerCase();
  let content: string | Uint8Array;
  if (extension === '.json') content = `${JSON.stringify(spec, null, 2)}\n`;
  else if (extension === '.svg') content = await renderSvg(spec);
  else if (extension === '.png') content = svgToPng(await renderSvg(spec));
  else {
    throw EvalflowError.invalid(
      `logFigure cannot write "${artifactFile}": use a .json (the Vega-Lite spec), .svg or .png file name.`,
    );
  }
  return (await artifactRepository(options.runId)).write(artifactFile, content);
}
