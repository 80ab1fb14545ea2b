/**
 * HTML assembly for self-contained reports: escaping, tables, figure blocks and the page shell
 * with inline CSS. Nothing here references a URL, so a report opens anywhere without a server.
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

/** A cell: plain text (escaped) or pre-built markup. */
export type Cell = string | number | { html: string };

const cell = (c: Cell) => (typeof c === "object" ? c.html : escapeHtml(typeof c === "number" ? formatNumber(c) : c));

export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], className = ""): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table${className ? ` class="${className}"` : ""}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Four significant digits, without exponent noise for ordinary magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** "mean ± std" with the std to 2 significant digits and the mean to the same decimal place. */
export function meanStdText(mean: number, std: number, n: number): string {
  if (n <= 1 || !(std > 0) || !Number.isFinite(mean)) return formatNumber(mean);
  const place = Math.floor(Math.log10(std)) - 1;
  if (place < -12 || place > 5 || Math.abs(mean) >= 1e6) return `${formatNumber(mean)} ± ${formatNumber(std)}`;
  const digits = Math.max(0, -place);
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

export interface Section {
  id: string;
  title: string;
  /** Markup. */
  body: string;
}

/** A figure: inline SVG markup plus an (escaped) caption. */
export function figure(svg: string, caption?: string): string {
  return `<figure>${svg}${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ""}</figure>`;
}

/** A built report page: its HTML, its sections' ids and each figure as a standalone SVG. */
export interface BuiltReport {
  html: string;
  /** Ids of the sections present. */
  sections: string[];
  /** Each figure's SVG, named `<section id>-<n>` (n counts from 1 within a section). */
  figures: { name: string; svg: string }[];
}

/** The page of these sections, with their ids and their figures (what `--svg` writes). */
export function buildReport(title: string, subtitle: string, sections: readonly Section[]): BuiltReport {
  return {
    html: page(title, subtitle, sections),
    sections: sections.map((s) => s.id),
    figures: sections.flatMap((s) =>
      [...s.body.matchAll(/<figure>(<svg[\s\S]*?<\/svg>)/g)].map((m, i) => ({ name: `${s.id}-${i + 1}`, svg: m[1] })),
    ),
  };
}

export function note(text: string): string {
  return `<p class="note">${escapeHtml(text)}</p>`;
}

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #e3e3e3; }
h3 { font-size: 14px; margin: 18px 0 6px; }
.subtitle { color: #666; margin: 0 0 12px; }
nav { font-size: 13px; margin-bottom: 8px; }
nav a { margin-right: 12px; color: #2a5d9f; text-decoration: none; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 14px; }
th, td { border-bottom: 1px solid #eee; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
th { font-weight: 600; border-bottom: 1px solid #ccc; }
td.num, table.metrics td:not(:first-child) { font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
figure { margin: 8px 0 18px; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 12px; margin-top: 4px; }
.note { color: #666; font-style: italic; }
.warn { background: #fff4e5; border-left: 3px solid #f0a030; padding: 6px 10px; }
.row { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
`;

export function page(title: string, subtitle: string, sections: readonly Section[]): string {
  const nav = sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join("");
  const body = sections.map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.body}\n</section>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="subtitle">${escapeHtml(subtitle)}</p>
<nav>${nav}</nav>
${body}
</main>
</body>
</html>
`;
}
