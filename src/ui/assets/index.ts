/**
 * The UI's static files. They are TypeScript string modules, so `tsc` compiles them into dist/ with the rest of
 * the package and the UI finds them the same way from src (tsx, tests) and from the built binary.
 */
import { createHash } from 'node:crypto';
import { FILE_CSP, type UiResponse } from '../http.js';
import { APP_JS } from './app.js';
import { FAVICON_SVG } from './favicon.js';
import { STYLE_CSS } from './style.js';

const ASSETS: Readonly<Record<string, { contentType: string; body: string }>> = {
  'app.js': { contentType: 'text/javascript; charset=utf-8', body: APP_JS },
  'style.css': { contentType: 'text/css; charset=utf-8', body: STYLE_CSS },
  'favicon.svg': { contentType: 'image/svg+xml; charset=utf-8', body: FAVICON_SVG },
};

/** Changes whenever an asset does: pages link `?v=` so a browser never keeps an old script. */
export const ASSET_VERSION = createHash('sha256')
  .update(Object.values(ASSETS).map((a) => a.body).join('\0'))
  .digest('hex')
  .slice(0, 12);

export function assetResponse(name: string): UiResponse | null {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return null;
  return {
    status: 200,
    contentType: asset.contentType,
    body: asset.body,
    headers: { 'Cache-Control': 'public, max-age=86400', 'Content-Security-Policy': FILE_CSP },
  };
}
