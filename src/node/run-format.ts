/** The run folder's layout lives in src/core/run-format.ts (the browser's Train view writes it too). */
export * from "../core/run-format.js";
