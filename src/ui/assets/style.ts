/** The UI's stylesheet, served as /assets/style.css (the CSP forbids inline styles). */
export const STYLE_CSS = String.raw`:root {
  --fg: #1d2330; --muted: #667085; --line: #d9dee7; --bg: #f6f7f9; --panel: #ffffff;
  --accent: #1f4e79; --ok: #1a7f37; --error: #c62828; --neutral: #5c6b7a;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  font-size: 14px; color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
code, pre, .pre { font-family: var(--mono); font-size: 12.5px; }
.pre { white-space: pre-wrap; word-break: break-word; }
h1 { font-size: 22px; margin: 4px 0 14px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
h2 { font-size: 17px; margin: 26px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h4 { margin: 14px 0 6px; font-size: 13px; color: var(--neutral); text-transform: uppercase; letter-spacing: .04em; }
.muted { color: var(--muted); }
.truncated { display: block; margin-top: 4px; font-size: 12px; font-family: inherit; white-space: normal; }
.nowrap { white-space: nowrap; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }

header.top { display: flex; align-items: center; gap: 24px; padding: 10px 20px; background: var(--accent); color: #fff; }
header.top a { color: #fff; text-decoration: none; }
.brand { font-weight: 700; font-size: 17px; letter-spacing: .02em; }
header.top nav { display: flex; gap: 4px; }
header.top nav a { padding: 5px 12px; border-radius: 4px; opacity: .85; }
header.top nav a.active, header.top nav a:hover { background: rgba(255,255,255,.16); opacity: 1; }
.store { margin-left: auto; font-family: var(--mono); font-size: 12px; opacity: .75; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 40vw; }
main { padding: 18px 24px 60px; max-width: 1500px; margin: 0 auto; }

.with-side { display: grid; grid-template-columns: 220px minmax(0, 1fr); gap: 24px; }
nav.experiments { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px; align-self: start; }
nav.experiments h2 { margin: 0 0 8px; font-size: 13px; border: 0; color: var(--neutral); text-transform: uppercase; }
nav.experiments ul { list-style: none; margin: 0; padding: 0; }
nav.experiments a { display: block; padding: 5px 8px; border-radius: 4px; text-decoration: none; color: var(--fg); overflow-wrap: anywhere; }
nav.experiments a.active { background: #e3ecf5; color: var(--accent); font-weight: 600; }

form.filter { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 12px; }
form.filter input[type=search] { flex: 1; min-width: 260px; }
input, textarea, select, button { font: inherit; }
input, textarea, select { padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
button { padding: 5px 12px; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
.tree-tools button { background: #fff; color: var(--accent); }
.toolbar { display: flex; align-items: flex-start; gap: 16px; margin: 8px 0 10px; flex-wrap: wrap; }
.compare-form { margin-left: auto; }
details.columns > summary { cursor: pointer; color: var(--accent); }
.checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 2px 14px; padding: 8px; margin-top: 6px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; max-width: 900px; }
.checks label { overflow-wrap: anywhere; }

.scroll { overflow-x: auto; }
table { border-collapse: collapse; background: var(--panel); }
table.grid { width: 100%; border: 1px solid var(--line); }
table.grid.narrow { width: auto; min-width: 420px; }
table.grid th, table.grid td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.grid thead th { background: #eef1f5; font-weight: 600; white-space: nowrap; }
table.grid thead th a { color: var(--fg); text-decoration: none; }
table.grid tbody tr:hover { background: #f8fafc; }
table.grid tbody th { font-weight: 500; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { text-align: left; padding: 4px 14px 4px 0; color: var(--neutral); font-weight: 500; vertical-align: top; white-space: nowrap; }
table.kv td { padding: 4px 0; overflow-wrap: anywhere; }
table.kv { background: transparent; }
.results .cell { max-height: 8em; overflow: auto; white-space: pre-wrap; word-break: break-word; max-width: 480px; }
tr.differs { background: #fff8e1; }
.delta-up { color: var(--ok); }
.delta-down { color: var(--error); }
.delta-same { color: var(--muted); }

.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e7ebf0; color: var(--neutral); }
.badge-ok { background: #dcf3e3; color: var(--ok); }
.badge-error { background: #fbe3e3; color: var(--error); }
.chip { display: inline-block; margin: 1px 2px; padding: 0 7px; border-radius: 10px; background: #eef1f5; font-size: 12px; white-space: nowrap; }
.chip.source-human { background: #e8f0fe; }
.chip.source-llm_judge { background: #f3e8fd; }
.preview { font-family: var(--mono); font-size: 12px; color: var(--neutral); }
.error-banner { padding: 8px 12px; border: 1px solid #f1b7b7; background: #fdf0f0; color: #8a1c1c; border-radius: 6px; margin: 8px 0; white-space: pre-wrap; }
.note { white-space: pre-wrap; padding: 8px 12px; background: var(--panel); border-left: 3px solid var(--accent); margin: 8px 0; }
.crumbs { margin: 0; color: var(--muted); font-size: 13px; }
.page-nav { display: flex; gap: 14px; flex-wrap: wrap; margin: 12px 0; padding: 8px 0; border-bottom: 1px solid var(--line); }
.pager { display: flex; gap: 14px; align-items: center; color: var(--neutral); }

.plots, .charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figure img { display: block; max-width: 100%; height: auto; }
figure.plot img { width: 520px; }
figcaption { font-size: 12px; color: var(--muted); text-align: center; margin-top: 4px; }
figure.wide img { max-width: 900px; }

pre.json { margin: 0; padding: 8px 10px; background: #f4f6f8; border: 1px solid var(--line); border-radius: 4px; max-height: 420px; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.tree-tools { margin-bottom: 8px; display: flex; gap: 8px; }
.span-tree { border: 1px solid var(--line); border-radius: 6px; background: var(--panel); }
details.span { border-bottom: 1px solid var(--line); }
details.span:last-child { border-bottom: 0; }
details.span > summary { display: grid; grid-template-columns: minmax(220px, 2fr) 110px 90px 130px minmax(180px, 3fr); gap: 10px; align-items: center; padding: 6px 10px; cursor: pointer; list-style: none; }
details.span > summary::-webkit-details-marker { display: none; }
details.span > summary:hover { background: #f8fafc; }
details.span[open] > summary { background: #eef4fb; }
.span-name { font-weight: 600; overflow-wrap: anywhere; }
.span-name::before { content: "▸ "; color: var(--muted); }
details.span[open] .span-name::before { content: "▾ "; }
.span-type { font-family: var(--mono); font-size: 12px; color: var(--neutral); }
.span-duration { text-align: right; font-variant-numeric: tabular-nums; }
svg.timing { width: 100%; height: 10px; display: block; }
svg.timing .track { fill: #eef1f5; }
svg.timing .bar-ok { fill: #4a90d9; }
svg.timing .bar-error { fill: var(--error); }
.span-body { padding: 4px 16px 14px 28px; background: #fbfcfd; border-top: 1px solid var(--line); }
ul.events { margin: 0; padding-left: 18px; }
.d0 { padding-left: 0; } .d1 { padding-left: 18px; } .d2 { padding-left: 36px; } .d3 { padding-left: 54px; }
.d4 { padding-left: 72px; } .d5 { padding-left: 90px; } .d6 { padding-left: 108px; } .d7 { padding-left: 126px; }
.d8 { padding-left: 144px; } .d9 { padding-left: 162px; } .d10 { padding-left: 180px; } .d11 { padding-left: 198px; } .d12 { padding-left: 216px; }

.conversation { display: flex; flex-direction: column; gap: 8px; max-width: 820px; }
.message { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; background: #fff; }
.message .role { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--neutral); margin-bottom: 3px; font-weight: 600; }
.message .content { white-space: pre-wrap; word-break: break-word; }
.message.role-system { background: #f4f6f8; }
.message.role-user { background: #eef4fb; margin-right: 80px; }
.message.role-assistant { background: #f1f9f2; margin-left: 80px; }
.message.role-tool { background: #fff8e1; }

.assessments { display: flex; flex-direction: column; gap: 10px; margin-bottom: 14px; }
article.assessment { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
article.assessment header { margin-bottom: 6px; }
.kind { font-size: 12px; color: var(--muted); }
.value { font-weight: 600; font-size: 15px; margin-right: 8px; }
.value.error { color: var(--error); }
.source { font-size: 12px; padding: 1px 6px; border-radius: 4px; background: #eef1f5; }
.source-human { background: #e8f0fe; }
.source-llm_judge { background: #f3e8fd; }
.rationale { margin: 6px 0 0; white-space: pre-wrap; color: #3a4250; }
.previous { margin-top: 8px; padding-top: 6px; border-top: 1px dashed var(--line); color: var(--muted); }
.previous del { text-decoration: line-through; text-decoration-thickness: 2px; }
details.override, details.log-feedback { margin-top: 8px; }
details.override > summary, details.log-feedback > summary { cursor: pointer; color: var(--accent); }
form.api-form { display: grid; gap: 8px; max-width: 520px; margin-top: 8px; }
form.api-form label { display: grid; gap: 3px; font-size: 13px; color: var(--neutral); }
form.api-form button { justify-self: start; }
.form-error { color: var(--error); margin: 0; }
.chip-line { margin: 0 0 10px; }
@media (max-width: 900px) { .with-side { grid-template-columns: 1fr; } details.span > summary { grid-template-columns: 1fr 90px 80px; } svg.timing { grid-column: 1 / -1; } }
`;
