/** Path containment, shared by the dashboard's file serving and a sweep worker's confinement. */
import { isAbsolute, relative, sep } from "node:path";

/** True when `child` is `parent` or inside it; both real paths (symlinks already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
