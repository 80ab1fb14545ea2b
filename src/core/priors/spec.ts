/**
 * The text form of priors, for the CLI and configs. Grammar (whitespace is free):
 *
 *   spec    := call ('*' INT)?                       repetition, e.g. gaussian*3
 *   call    := NAME ( '(' args? ')' | '[' specs ']' )?
 *   args    := arg (',' arg)*
 *   arg     := (NAME '=')? value
 *   value   := list | STRING | PATH | call           a bare word that is not a number is a path or name
 *   list    := row (';' row)*                        rows of a matrix, e.g. 1|0.5;0.5|1
 *   row     := NUMBER ('|' NUMBER)*
 *   specs   := spec (',' spec)*
 *
 * Examples: `gaussian`, `gaussian(0, 2)`, `uniform(-5,5)`, `gmm(-5|5, 5)`,
 * `hybrid[uniform(-5,5), gaussian(0,2), gmm(-5|5, 5), gmm(-10|10, 1)*2]`, `empirical(z.npy)`,
 * `mvn(0|0, 1|0.8;0.8|1)`. The parser yields a syntax tree; each prior's own file turns its
 * node into a config (priors/*.ts `fromSpec`), so the grammar never branches on a prior's name.
 */
import { SculptError } from "../registry.js";

export type SpecValue = { type: "numbers"; rows: number[][] } | { type: "word"; text: string } | { type: "call"; node: SpecNode };

export interface SpecNode {
  name: string;
  args: SpecValue[];
  kwargs: Record<string, SpecValue>;
  /** Children in square brackets, e.g. hybrid[...]; null when none were written. */
  children: SpecNode[] | null;
  repeat: number;
  /** Position in the source text, for error messages. */
  at: number;
}

export class SpecSyntaxError extends SculptError {
  /** `what` names the kind of spec (prior, model, kernel), for the message and its hint. */
  constructor(source: string, at: number, expected: string, what = "prior", hint?: string) {
    const caret = " ".repeat(at) + "^";
    super(
      `bad ${what} spec at position ${at + 1}: expected ${expected}\n  ${source}\n  ${caret}`,
      hint ?? (what === "prior" ? "see `sculpt prior --help` for the grammar" : `see \`sculpt train --help\` for ${what} options`),
    );
  }
}

/** Deepest nesting of brackets a spec may have (real priors need two or three levels). */
export const MAX_SPEC_DEPTH = 64;

/** Parse a spec's text; `what` (prior, model, kernel) names it in error messages. */
export function parseSpec(source: string, what = "prior"): SpecNode {
  let pos = 0;
  let depth = 0;
  const ws = () => {
    while (pos < source.length && /\s/.test(source[pos])) pos++;
  };
  const peek = () => (ws(), source[pos]);
  const expect = (ch: string, expected = `'${ch}'`) => {
    if (peek() !== ch) throw new SpecSyntaxError(source, pos, expected, what);
    pos++;
  };
  const name = (): string => {
    ws();
    const m = /^[A-Za-z_][\w-]*/.exec(source.slice(pos));
    if (!m)
      throw new SpecSyntaxError(
        source,
        pos,
        what === "prior" ? "a prior name such as gaussian, uniform, gmm, hybrid" : `a ${what} name`,
        what,
      );
    pos += m[0].length;
    return m[0];
  };
  const number = (): number => {
    ws();
    const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(pos));
    if (!m) throw new SpecSyntaxError(source, pos, "a number", what);
    pos += m[0].length;
    return Number(m[0]);
  };
  const numbers = (): SpecValue => {
    const rows: number[][] = [[number()]];
    for (;;) {
      const c = peek();
      if (c === "|") {
        pos++;
        rows[rows.length - 1].push(number());
      } else if (c === ";") {
        pos++;
        rows.push([number()]);
      } else break;
    }
    return { type: "numbers", rows };
  };
  const value = (): SpecValue => {
    const c = peek();
    if (c === undefined) throw new SpecSyntaxError(source, pos, "a value", what);
    if (/[-+\d.]/.test(c) && /^[+-]?(\d|\.\d)/.test(source.slice(pos))) return numbers();
    if (c === "'" || c === '"') {
      const end = source.indexOf(c, pos + 1);
      if (end < 0) throw new SpecSyntaxError(source, pos, `a closing ${c}`, what);
      const text = source.slice(pos + 1, end);
      pos = end + 1;
      return { type: "word", text };
    }
    // A path (contains / or .) or a bare word; a word followed by ( or [ is a nested prior.
    const m = /^[^\s,()[\]=*]+/.exec(source.slice(pos));
    if (!m) throw new SpecSyntaxError(source, pos, "a number, a list like 1|2, a path or a prior", what);
    const save = pos;
    pos += m[0].length;
    if (/^[A-Za-z_][\w-]*$/.test(m[0]) && (peek() === "(" || peek() === "[")) {
      pos = save;
      return { type: "call", node: spec() };
    }
    return { type: "word", text: m[0] };
  };
  const spec = (): SpecNode => {
    ws();
    const at = pos;
    if (++depth > MAX_SPEC_DEPTH) {
      throw new SculptError(
        `bad ${what} spec: brackets nested more than ${MAX_SPEC_DEPTH} levels deep (at position ${at + 1})`,
        "write the prior with fewer nested brackets; use *k to repeat a component",
      );
    }
    const node: SpecNode = { name: name(), args: [], kwargs: {}, children: null, repeat: 1, at };
    if (peek() === "(") {
      pos++;
      if (peek() !== ")") {
        for (;;) {
          ws();
          const kw = /^([A-Za-z_]\w*)\s*=/.exec(source.slice(pos));
          if (kw) {
            pos += kw[0].length;
            node.kwargs[kw[1]] = value();
          } else {
            if (Object.keys(node.kwargs).length > 0)
              throw new SpecSyntaxError(source, pos, "a keyword argument (name=value) after keyword arguments", what);
            node.args.push(value());
          }
          if (peek() === ",") pos++;
          else break;
        }
      }
      expect(")", "',' or ')'");
    } else if (peek() === "[") {
      pos++;
      node.children = [spec()];
      while (peek() === ",") {
        pos++;
        node.children.push(spec());
      }
      expect("]", "',' or ']'");
    }
    if (peek() === "*") {
      pos++;
      ws();
      const m = /^\d+/.exec(source.slice(pos));
      if (!m || Number(m[0]) < 1) throw new SpecSyntaxError(source, pos, "a positive whole repeat count after '*'", what);
      pos += m[0].length;
      node.repeat = Number(m[0]);
    }
    depth--;
    return node;
  };
  const root = spec();
  if (peek() !== undefined) throw new SpecSyntaxError(source, pos, "end of spec", what);
  return root;
}

/** Helpers for priors' `fromSpec`: read a scalar, a vector or a matrix argument. */
export function specNumber(v: SpecValue | undefined, what: string, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) throw new SculptError(`prior spec is missing ${what}`);
    return fallback;
  }
  if (v.type !== "numbers" || v.rows.length !== 1 || v.rows[0].length !== 1) {
    throw new SculptError(`prior spec: ${what} must be one number`);
  }
  return v.rows[0][0];
}

export function specVector(v: SpecValue | undefined, what: string, fallback?: number[]): number[] {
  if (v === undefined) {
    if (fallback === undefined) throw new SculptError(`prior spec is missing ${what}`);
    return fallback;
  }
  if (v.type !== "numbers" || v.rows.length !== 1) {
    throw new SculptError(`prior spec: ${what} must be a list of numbers like 1|2|3`);
  }
  return v.rows[0];
}

export function specMatrix(v: SpecValue | undefined, what: string): number[][] {
  if (v === undefined || v.type !== "numbers") {
    throw new SculptError(`prior spec: ${what} must be a matrix like 1|0.5;0.5|1`);
  }
  return v.rows;
}

export function specWord(v: SpecValue | undefined, what: string): string {
  if (v === undefined || v.type !== "word") throw new SculptError(`prior spec: ${what} must be a path or name`);
  return v.text;
}
