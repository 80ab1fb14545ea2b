/** Writes native/ops.h from src/engine/native/ops.ts (the op-code table C++ and TypeScript share). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { opsHeader } from "../src/engine/native/ops.js";

const out = join(fileURLToPath(new URL("..", import.meta.url)), "native", "ops.h");
writeFileSync(out, opsHeader());
console.log(`wrote ${out}`);
