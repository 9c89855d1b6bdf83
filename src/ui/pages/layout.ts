import { getTrackingUri } from '../../core/config.js';
import { ASSET_VERSION } from '../assets/index.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';

export type Section = 'runs' | 'traces';

/** The page shell: the stylesheet and the one script are files (the CSP allows no inline script or style). */
export function layout(options: { title: string; section: Section; body: HtmlValue }): SafeHtml {
  const nav = (section: Section, label: string, path: string): SafeHtml =>
    html`<a href="${path}"${options.section === section ? html` class="active" aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · evalflow</title>
<link rel="icon" href="/assets/favicon.svg?v=${ASSET_VERSION}" type="image/svg+xml">
<link rel="stylesheet" href="/assets/style.css?v=${ASSET_VERSION}">
<script src="/assets/app.js?v=${ASSET_VERSION}" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="/">evalflow</a>
<nav>${nav('runs', 'Experiments & runs', '/')}${nav('traces', 'Traces', '/traces')}</nav>
<span class="store" title="tracking URI">${getTrackingUri()}</span>
</header>
<main>
${options.body}
</main>
</body>
</html>
`;
}
