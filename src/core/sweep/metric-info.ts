/**
 * Label and better direction of every metric key, gathered from the metric registry (each entry
 * declares its own keys): the one place tables look them up, in registry order. A key without an
 * entry is shown but never marked best.
 */
import { METRICS } from "../metrics/index.js";
import type { Direction, MetricKeyInfo } from "../metrics/types.js";

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
