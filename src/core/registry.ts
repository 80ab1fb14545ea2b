/**
 * Typed registries: one plain `const` map per extension category (priors, kernels, models,
 * architectures, metrics, datasets). Adding an entry is one file plus one line in the map;
 * `lookup` is the only way shared code resolves a name, and it lists the valid names on a miss.
 */

/** Resolve `name` in `registry`, or throw an error that lists every valid name. */
export function lookup<R extends Record<string, unknown>>(registry: R, name: string, category: string): R[keyof R] {
  if (Object.prototype.hasOwnProperty.call(registry, name)) return registry[name as keyof R];
  const valid = Object.keys(registry).sort().join(", ");
  throw new SculptError(`unknown ${category} '${name}'`, `use one of: ${valid}`);
}

/** An error that names the problem and the fix; the CLI prints both and exits non-zero. */
export class SculptError extends Error {
  constructor(
    readonly problem: string,
    readonly fix?: string,
  ) {
    super(fix ? `${problem} (${fix})` : problem);
    this.name = "SculptError";
  }
}

/**
 * A zod validation error as one line, "path: message; …" (the one formatter every schema's error
 * goes through); an issue at the top level is named `root`, or shown bare without one.
 */
export function zodIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, root?: string): string {
  return error.issues
    .map((i) => {
      const where = i.path.map(String).join(".") || root;
      return where ? `${where}: ${i.message}` : i.message;
    })
    .join("; ");
}
