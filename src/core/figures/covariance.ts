/**
 * The latent covariance heatmap (paper Figure 1, top row): how far the codes' covariance is
 * from the prior's. A diverging scale centred at 0 makes off-diagonal correlation stand out;
 * for small latent sizes each cell also carries its value.
 */
import type { TopLevelSpec } from "vega-lite";
import type { Matrix } from "../matrix.js";
import { covariance } from "./stats.js";

export interface CovarianceOptions {
  title?: string;
  /** Print the value in each cell up to this latent size (beyond it the text would not fit). */
  annotateUpTo?: number;
  /** Side of one cell in pixels. */
  cell?: number;
}

export const latentLabel = (j: number) => `z${j + 1}`;

export function covarianceHeatmapSpec(codes: Matrix, options: CovarianceOptions = {}): TopLevelSpec {
  const d = codes.cols;
  const cov = covariance(codes);
  const values: { row: string; col: string; value: number }[] = [];
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) values.push({ row: latentLabel(a), col: latentLabel(b), value: cov[a * d + b] });
  // A symmetric domain keeps 0 at the scale's white midpoint whatever the signs present.
  const extent = Math.max(1e-12, ...values.map((v) => Math.abs(v.value)));
  const cell = options.cell ?? Math.max(14, Math.min(56, Math.floor(400 / d)));
  const order = Array.from({ length: d }, (_, j) => latentLabel(j));
  const annotate = d <= (options.annotateUpTo ?? 10);
  const base = {
    x: { field: "col", type: "ordinal", sort: order, title: null, axis: { orient: "top", labelAngle: 0 } },
    y: { field: "row", type: "ordinal", sort: order, title: null },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Covariance of the codes",
    data: { values },
    width: cell * d,
    height: cell * d,
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
        encoding: {
          ...base,
          color: {
            field: "value",
            type: "quantitative",
            title: "cov",
            scale: { scheme: "redblue", reverse: true, domain: [-extent, extent], domainMid: 0 },
          },
          tooltip: [
            { field: "row", title: "row" },
            { field: "col", title: "column" },
            { field: "value", format: ".3f" },
          ],
        },
      },
      ...(annotate
        ? [
            {
              mark: { type: "text" as const, fontSize: Math.min(11, Math.max(7, cell / 4)) },
              encoding: {
                ...base,
                // Two decimals read best; tiny covariances (collapsed codes) need exponents to fit a cell.
                text: { field: "value", type: "quantitative" as const, format: extent >= 0.1 ? ".2f" : extent >= 0.01 ? ".3f" : ".1e" },
                // White text on the darkest cells, black elsewhere.
                color: {
                  condition: { test: `abs(datum.value) > ${0.6 * extent}`, value: "white" },
                  value: "black",
                },
              },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}
