/**
 * Label and better direction of every metric key, gathered from the metric registry (each entry
 * declares its own keys): the one place tables look them up, in registry order. A key without an
 * entry is shown but never marked best.
 */
import { METRICS } from "../metrics/index.js";
import type { Direction, MetricKeyInfo } from "../metrics/types.js";
import { SculptError } from "../registry.js";

export type { Direction } from "../metrics/types.js";

export const METRIC_INFO: Readonly<Record<string, MetricKeyInfo>> = Object.freeze(
  Object.assign({}, ...Object.values(METRICS).map((m) => m.keys)) as Record<string, MetricKeyInfo>,
);

export function metricLabel(key: string): string {
  return METRIC_INFO[key]?.label ?? key;
}

export function metricDirection(key: string): Direction | undefined {
  return METRIC_INFO[key]?.better;
}

/** Compact column header (the demo's table). */
export function metricColumn(key: string): string {
  const info = METRIC_INFO[key];
  return info?.column ?? info?.label ?? key;
}

/** Name on a figure's axis. */
export function metricTitle(key: string): string {
  const info = METRIC_INFO[key];
  return info?.title ?? info?.column ?? info?.label ?? key;
}

/**
 * Refuse metric keys no metric declares (a misspelt `table.metrics` entry would otherwise show as
 * "–" cells only after every run has finished); `where` names the field in the error, `alsoKnown`
 * adds keys the runs at hand have.
 */
export function checkMetricKeys(keys: readonly string[], where: string, alsoKnown: readonly string[] = []): void {
  const unknown = keys.filter((k) => !Object.prototype.hasOwnProperty.call(METRIC_INFO, k) && !alsoKnown.includes(k));
  if (unknown.length === 0) return;
  throw new SculptError(
    `${where}: unknown metric key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}`,
    `use one of: ${[...new Set([...Object.keys(METRIC_INFO), ...alsoKnown])].join(", ")}`,
  );
}
