/**
 * Text widths for Vega's layout, measured from DejaVu Sans — the font the PNGs are drawn with.
 *
 * Without a canvas, Vega guesses every character to be 0.8 em wide, which is ~40% too wide for
 * DejaVu Sans: legend boxes come out too big and long axis titles push the chart title away.
 * These are the fonts' own advance widths (units per em: 2048) for U+0020–U+007E and
 * U+00A0–U+00FF, copied from DejaVuSans.ttf and DejaVuSans-Bold.ttf (fonts-dejavu-core 2.37)
 * so that the SVG layout is the same with or without the font files installed. Other
 * characters count as 1300 units (a digit), or a full em for CJK and wider scripts.
 */
import type * as Vega from 'vega';

const UNITS_PER_EM = 2048;

// prettier-ignore
const REGULAR = [
  651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303,
  1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294,
  1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403,
  1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186,
  569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
  651, 821, 1303, 1303, 1303, 1303, 690, 1024, 1024, 2048, 965, 1253, 1716, 739, 2048, 1024, 1024, 1716, 821,
  821, 1024, 1303, 1303, 651, 1024, 821, 965, 1253, 1985, 1985, 1985, 1087, 1401, 1401, 1401, 1401, 1401, 1401,
  1995, 1430, 1294, 1294, 1294, 1294, 604, 604, 604, 604, 1587, 1532, 1612, 1612, 1612, 1612, 1612, 1716, 1612,
  1499, 1499, 1499, 1499, 1251, 1239, 1290, 1255, 1255, 1255, 1255, 1255, 1255, 2011, 1126, 1260, 1260, 1260, 1260,
  569, 569, 569, 569, 1253, 1298, 1253, 1253, 1253, 1253, 1253, 1716, 1253, 1298, 1298, 1298, 1298, 1212, 1300,
  1212,
];

// prettier-ignore
const BOLD = [
  713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748, 1425, 1425, 1425,
  1425, 1425, 1425, 1425, 1425, 1425, 1425, 819, 819, 1716, 1716, 1716, 1188, 2048, 1585, 1561, 1503, 1700, 1399,
  1399, 1681, 1714, 762, 762, 1587, 1305, 2038, 1714, 1741, 1501, 1741, 1577, 1475, 1397, 1663, 1585, 2259, 1579,
  1483, 1485, 936, 748, 936, 1716, 1024, 1024, 1382, 1466, 1214, 1466, 1389, 891, 1466, 1458, 702, 702, 1362,
  702, 2134, 1458, 1407, 1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192, 1458, 748, 1458, 1716,
  713, 934, 1425, 1425, 1303, 1425, 748, 1024, 1024, 2048, 1155, 1323, 1716, 850, 2048, 1024, 1024, 1716, 897,
  897, 1024, 1507, 1303, 778, 1024, 897, 1155, 1323, 2120, 2120, 2120, 1188, 1585, 1585, 1585, 1585, 1585, 1585,
  2222, 1503, 1399, 1399, 1399, 1399, 762, 762, 762, 762, 1716, 1714, 1741, 1741, 1741, 1741, 1741, 1716, 1741,
  1663, 1663, 1663, 1663, 1483, 1511, 1473, 1382, 1382, 1382, 1382, 1382, 1382, 2146, 1214, 1389, 1389, 1389, 1389,
  702, 702, 702, 702, 1407, 1458, 1407, 1407, 1407, 1407, 1407, 1716, 1407, 1458, 1458, 1458, 1458, 1335, 1466,
  1335,
];

function advance(table: readonly number[], code: number): number {
  if (code >= 0x20 && code <= 0x7e) return table[code - 0x20] as number;
  if (code >= 0xa0 && code <= 0xff) return table[code - 0xa0 + 95] as number;
  return code >= 0x2e80 ? UNITS_PER_EM : 1300;
}

function isBold(weight: unknown): boolean {
  if (weight === 'bold' || weight === 'bolder') return true;
  const n = Number(weight);
  return Number.isFinite(n) && n >= 600;
}

/** Width in px of `text` in DejaVu Sans at `fontSize` px. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) units += advance(table, ch.codePointAt(0) as number);
  return (units / UNITS_PER_EM) * fontSize;
}

interface TextItem {
  fontSize?: number | string | null;
  fontWeight?: string | number | null;
  limit?: number | null;
}

function measure(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const s = text == null ? '' : String(text).trim();
  if (size <= 0 || s.length === 0) return 0;
  const width = textWidth(s, size, isBold(item.fontWeight));
  // Vega truncates text to `limit` px with an ellipsis; the result is never wider than that.
  return item.limit != null && item.limit > 0 ? Math.min(width, item.limit) : width;
}

let installed = false;

/**
 * Points Vega's text measurement (a process-wide setting, the hook vl-convert uses too) at the
 * DejaVu widths. Idempotent; called when `renderSvg` first loads vega.
 */
export function useDejaVuTextMetrics(vega: typeof Vega): void {
  if (installed) return;
  // Exported by vega (from vega-scenegraph) but missing from its typings.
  const metrics = (vega as unknown as { textMetrics?: { width: (item: TextItem, text: unknown) => number } })
    .textMetrics;
  if (metrics) metrics.width = measure;
  installed = true;
}
