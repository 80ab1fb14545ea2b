/** HTML helpers: escaping, number formatting and the mean ± std rounding used in sweep tables. */
import { describe, expect, it } from "vitest";
import { escapeHtml, formatNumber, meanStdText, page, table } from "./html.js";
import { prefixIds } from "./render.js";

describe("report HTML helpers", () => {
  it("escapes markup in text and table cells, but not in cells given as markup", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const t = table(["<h>"], [["<b>"], [{ html: "<i>ok</i>" }]]);
    expect(t).toContain("<th>&lt;h&gt;</th>");
    expect(t).toContain("<td>&lt;b&gt;</td>");
    expect(t).toContain("<td><i>ok</i></td>");
    expect(page("a<b", "s&t", [])).toContain("<title>a&lt;b</title>");
  });

  it("rounds the mean to the std's second significant digit", () => {
    expect(meanStdText(0.98541, 0.01545, 3)).toBe("0.985 ± 0.015");
    expect(meanStdText(123.456, 7.89, 2)).toBe("123.5 ± 7.9");
    expect(meanStdText(0.5, 0, 3)).toBe("0.5");
    expect(meanStdText(0.123456, 0.1, 1)).toBe("0.1235");
    expect([formatNumber(3), formatNumber(0.000012345), formatNumber(2.5e7), formatNumber(NaN)]).toEqual([
      "3",
      "1.234e-5",
      "25000000",
      "NaN",
    ]);
  });

  it("prefixes SVG ids and the references to them", () => {
    const svg = `<defs><linearGradient id="g0"/></defs><rect fill="url(#g0)"/><use href="#g0"/>`;
    expect(prefixIds(svg, "f")).toBe(`<defs><linearGradient id="f-g0"/></defs><rect fill="url(#f-g0)"/><use href="#f-g0"/>`);
  });
});
