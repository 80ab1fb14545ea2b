/** Shared by the sweep tests: a tiny sweep spec, the CLI as a child process, and file polling. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { ROOT } from "./helpers.js";

/** Runs small enough for a loaded 2-core machine: 64 XY images, two thin conv layers. */
export const TINY_SETTINGS = { datasetOptions: { limit: 64 }, batchSize: 32, channels: [4, 8], evalLimit: 64 };

export function tinySpecYaml(spec: Record<string, unknown>): string {
  return stringify({ budget: "smoke", ...spec, settings: { ...TINY_SETTINGS, ...((spec.settings as object) ?? {}) } });
}

/** `sculpt ARGS` from the TypeScript sources, as a child process with its output collected. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "-e", "import('./src/cli/main.ts').then((m) => m.main(process.argv))", "sculpt", ...args],
    {
      cwd: ROOT,
      env: { ...process.env, SCULPT_BACKEND: "wasm", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs: number, everyMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function jsonLines<T = Record<string, unknown>>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export interface LogEvent {
  event: "started" | "finished";
  worker: string;
  trained?: boolean;
  evaluated?: boolean;
}

export const sweepLog = (runDir: string) => jsonLines<LogEvent>(join(runDir, "sweep-log.jsonl"));
