/** The command line's one number parser: every numeric flag goes through `parseNumber`. */
import { SculptError } from "../node/index.js";

export interface NumberRule {
  /** Only whole numbers. */
  integer?: boolean;
  /** Smallest value allowed. */
  min?: number;
}

/** The text of `--flag` as a number, refused (naming the flag and what it takes) unless it meets `rule`. */
export function parseNumber(value: string, flag: string, rule: NumberRule = {}): number {
  const n = value.trim() === "" ? NaN : Number(value);
  const ok = rule.integer ? Number.isInteger(n) : Number.isFinite(n);
  if (!ok || (rule.min !== undefined && n < rule.min)) {
    const what = rule.integer ? "a whole number" : "a number";
    const bound = rule.min === undefined ? "" : ` ≥ ${rule.min}`;
    throw new SculptError(`--${flag} must be ${what}${bound} (got '${value}')`);
  }
  return n;
}

/** `parseNumber` for a flag that may be absent (then undefined). */
export function optionalNumber(value: string | undefined, flag: string, rule: NumberRule = {}): number | undefined {
  return value === undefined ? undefined : parseNumber(value, flag, rule);
}

/** A whole-number flag; `fallback` when absent. */
export function intOption(value: string | undefined, flag: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new SculptError(`--${flag} is required`);
    return fallback;
  }
  return parseNumber(value, flag, { integer: true });
}

/** A whole number ≥ 1 (workers, attempts), or undefined when absent. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  return optionalNumber(value, flag, { integer: true, min: 1 });
}
