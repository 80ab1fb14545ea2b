/** Shared by the sweep tests: a tiny sweep spec, the CLI as a child process, Redis, and file polling. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { stringify } from "yaml";
import { ROOT } from "./helpers.js";

/** Runs small enough for a loaded 2-core machine: 64 XY images, two thin conv layers. */
export const TINY_SETTINGS = { datasetOptions: { limit: 64 }, batchSize: 32, channels: [4, 8], evalLimit: 64 };

export function tinySpecYaml(spec: Record<string, unknown>): string {
  return stringify({ budget: "smoke", ...spec, settings: { ...TINY_SETTINGS, ...((spec.settings as object) ?? {}) } });
}

const TSX = pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
const MAIN = pathToFileURL(join(ROOT, "src", "cli", "main.ts")).href;

/** `sculpt ARGS` from the TypeScript sources (run in `cwd`), as a child process with its output collected. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ["--import", TSX, "-e", `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv))`, "sculpt", ...args],
    {
      cwd,
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

/** A free loopback port in 20000–40000. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

/** A throwaway redis-server (`program`, from test/requires.ts) on a free loopback port, nothing saved. */
export async function startRedis(program: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const redis = spawn(program, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  redis.stdout!.on("data", (b: Buffer) => (log += b.toString()));
  const exited = new Promise((r) => redis.once("exit", r));
  await waitFor("redis-server to accept connections", () => log.includes("Ready to accept connections"), 20_000, 50);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      redis.kill("SIGTERM");
      await exited;
    },
  };
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
