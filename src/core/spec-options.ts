/**
 * Options in the spec grammar for registries whose entries are a zod schema (models, kernels):
 * `beta-vae(beta=8)`, `imq(scales=0.1|1|10)`, `ae-mmd(kernel=imq(scales=1|10), lambda=1)`. The
 * text is parsed by the prior grammar (priors/spec.ts) and checked against the entry's schema,
 * whose defaults are the only ones; every mistake is reported at its position in the text.
 */
import type { z } from "zod";
import { SculptError } from "./registry.js";
import { parseSpec, SpecSyntaxError, type SpecNode, type SpecValue } from "./priors/spec.js";

export interface OptionConfig {
  kind: string;
  [option: string]: unknown;
}

type Entry = { schema: z.ZodType };

/** The zod def of a schema field, looking through `.default()` and `.optional()`. */
function fieldType(field: z.ZodType | undefined): string | undefined {
  let def = (field as { _zod?: { def: { type: string; innerType?: z.ZodType } } } | undefined)?._zod?.def;
  while (def && (def.type === "default" || def.type === "optional")) def = (def.innerType as typeof field)?._zod.def;
  return def?.type;
}

/** The option names an entry's schema declares (besides `kind`). */
export function optionNames(entry: Entry): string[] {
  const shape = (entry.schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.keys(shape).filter((k) => k !== "kind");
}

/** An option an entry's schema declares, for help text: its default when it has one. */
export interface OptionField {
  name: string;
  /** May be left out (it has a default, or is optional). */
  optional: boolean;
  default?: unknown;
}

/** The options an entry's schema declares (besides `kind`), in order, with their defaults. */
export function optionFields(entry: Entry): OptionField[] {
  const shape = (entry.schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return optionNames(entry).map((name) => {
    const zod = (shape[name] as unknown as { _zod: { def: { type: string; defaultValue?: unknown }; optin?: string } })._zod;
    const field: OptionField = { name, optional: zod.optin === "optional" || zod.def.type === "default" };
    if (zod.def.type === "default") field.default = zod.def.defaultValue;
    return field;
  });
}

/** A value written back as spec text (a nested call's canonical form). */
function valueText(v: SpecValue): string {
  if (v.type === "numbers") return v.rows.map((r) => r.join("|")).join(";");
  if (v.type === "word") return v.text;
  return nodeText(v.node);
}

function nodeText(node: SpecNode): string {
  const kw = Object.entries(node.kwargs).map(([k, v]) => `${k}=${valueText(v)}`);
  const args = [...node.args.map(valueText), ...kw];
  return args.length ? `${node.name}(${args.join(", ")})` : node.name;
}

/**
 * Parse `name(key=value, …)` into `{ kind: name, key: value, … }` validated by the entry's schema
 * (defaults filled). `what` names the registry in messages (model, kernel). A nested call (e.g.
 * ae-mmd's `kernel=imq(scales=1|10)`) becomes its canonical text, which that option's own
 * registry resolves.
 */
export function configFromSpec(source: string, what: string, registry: Record<string, Entry>): OptionConfig {
  const node = parseSpec(source, what);
  const fail = (at: number, expected: string): never => {
    throw new SpecSyntaxError(source, at, expected, what);
  };
  if (!Object.prototype.hasOwnProperty.call(registry, node.name))
    throw new SculptError(
      `unknown ${what} '${node.name}' at position ${node.at + 1}\n  ${source}\n  ${" ".repeat(node.at)}^`,
      `use one of: ${Object.keys(registry).sort().join(", ")}`,
    );
  const entry = registry[node.name];
  const names = optionNames(entry);
  const afterName = node.at + node.name.length;
  if (node.children !== null || node.repeat > 1) fail(afterName, `options in parentheses, e.g. ${node.name}(${names[0] ?? ""}=…)`);
  if (node.args.length > 0) fail(source.indexOf("(", afterName) + 1, `options as name=value (${names.join(", ") || "none"})`);
  // Where `key=` stands in the text, for messages about that option.
  const keyAt = (key: string) => {
    const m = new RegExp(`\\b${key}\\s*=`).exec(source.slice(node.at));
    return m ? node.at + m.index : node.at;
  };
  const shape = (entry.schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const config: OptionConfig = { kind: node.name };
  for (const [key, v] of Object.entries(node.kwargs)) {
    if (!names.includes(key))
      fail(keyAt(key), names.length ? `an option of ${node.name}: ${names.join(", ")}` : `no options (${node.name} has none)`);
    const type = fieldType(shape[key]);
    if (v.type === "numbers") {
      const flat = v.rows.length === 1;
      const scalar = flat && v.rows[0].length === 1;
      config[key] = scalar && type !== "array" ? v.rows[0][0] : flat ? v.rows[0] : v.rows;
    } else if (v.type === "word") config[key] = v.text === "true" ? true : v.text === "false" ? false : v.text;
    else config[key] = nodeText(v.node);
  }
  const parsed = entry.schema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0] ?? "");
    fail(key && key in node.kwargs ? keyAt(key) : node.at, `${key ? `${key}: ` : ""}${issue.message.toLowerCase()}`);
  }
  return parsed.data as OptionConfig;
}

/** Refuse option names an entry does not declare (zod would drop them silently). */
export function unknownOptions(entry: Entry, config: Record<string, unknown>): string[] {
  const names = optionNames(entry);
  return Object.keys(config).filter((k) => k !== "kind" && !names.includes(k));
}
