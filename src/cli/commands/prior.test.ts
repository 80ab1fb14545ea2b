/** `sculpt prior --help` lists the grammar from the prior registry: every prior, its parameters and defaults. */
import { describe, expect, it } from "vitest";
import { PRIORS, priorConfigFromSpec, type PriorEntry } from "../../core/priors/index.js";
import { optionFields } from "../../core/spec-options.js";
import { buildProgram } from "../main.js";

/** What `sculpt prior --help` prints. */
function priorHelp(): string {
  let out = "";
  const program = buildProgram();
  // Each command writes its own help: capture the prior command's.
  program.commands.find((c) => c.name() === "prior")!.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  expect(() => program.parse(["node", "sculpt", "prior", "--help"])).toThrow(/outputHelp|help/i);
  return out;
}

describe("sculpt prior --help", () => {
  const help = priorHelp();
  const entries = Object.entries(PRIORS) as [string, PriorEntry][];

  it.each(entries)("shows %s with its parameters, defaults, summary and examples", (name, entry) => {
    const at = help.indexOf(`\n  ${name} `);
    expect(at, `${name} is missing from:\n${help}`).toBeGreaterThanOrEqual(0);
    const block = help.slice(at);
    const [, params, examples] = block.split("\n").slice(1);
    expect(block).toContain(entry.help.summary);
    for (const f of optionFields(entry)) {
      const shown = f.default !== undefined ? `${f.name} = ${Array.isArray(f.default) ? f.default.join("|") : String(f.default)}` : f.name;
      expect(params).toContain(shown);
    }
    expect(examples).toBe(`${" ".repeat(examples.indexOf("e.g."))}e.g. ${entry.help.examples.join(", ")}`);
    // The examples are real specs of this prior.
    for (const example of entry.help.examples) expect(priorConfigFromSpec(example).kind).toBe(name);
  });

  it("reads the defaults from the schemas", () => {
    expect(help).toMatch(/parameters: mean = 0, std = 1\n/);
    expect(help).toMatch(/parameters: low = -1, high = 1\n/);
    expect(help).toMatch(/parameters: means, stds, weights\?\n/);
  });
});
