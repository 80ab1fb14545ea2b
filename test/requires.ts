/**
 * What a test needs that `npm install` does not bring, and the one way tests skip without it.
 * Each probe returns a Requirement: `ok`, or a one-line `reason` naming what is missing and what to
 * install. Use it as
 *
 *   const redis = redisServer();
 *   describe.skipIf(!redis.ok)(redis.title("sweep over a Redis queue"), () => { … });
 *
 * so the reason shows in the test's title and in test/skip-reporter.ts's list at the end of the
 * run. With SCULPT_TEST_REQUIRE_ALL=1 (CI, where everything is installed) an unmet requirement
 * throws instead, failing the file that asked for it: nothing may skip there.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { dataStatus } from "../src/node/data/status.js";
import { loadNativeAddon } from "../src/node/native.js";
import { findWebGpuAdapter } from "../src/node/webgpu.js";

export const REQUIRE_ALL_VAR = "SCULPT_TEST_REQUIRE_ALL";

export interface Requirement {
  readonly ok: boolean;
  /** One line: what is missing and how to get it ("" when ok). */
  readonly reason: string;
  /** `text`, or `text (skipped: reason)` when unmet: the title to give the skipped describe/it. */
  title(text: string): string;
}

/** Build a Requirement; under SCULPT_TEST_REQUIRE_ALL=1 an unmet one throws here. */
export function requirement(reason: string | null): Requirement {
  if (reason !== null && process.env[REQUIRE_ALL_VAR] === "1") {
    throw new Error(`${REQUIRE_ALL_VAR}=1, but ${reason}`);
  }
  return condition(reason);
}

/**
 * A skip for a situation rather than a missing program (e.g. "this machine has a GPU"): the same
 * title and summary, but SCULPT_TEST_REQUIRE_ALL does not turn it into a failure.
 */
export function condition(reason: string | null): Requirement {
  return {
    ok: reason === null,
    reason: reason ?? "",
    title: (text) => (reason === null ? text : `${text} (skipped: ${reason})`),
  };
}

/** Every one of `reqs` (the reasons of the unmet ones, joined). */
export function allOf(...reqs: Requirement[]): Requirement {
  const unmet = reqs.filter((r) => !r.ok).map((r) => r.reason);
  return requirement(unmet.length ? unmet.join("; ") : null);
}

const isExecutable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The first of `names` found as an executable on PATH (or given as an absolute path), else null. */
export function which(...names: string[]): string | null {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of names) {
    if (isAbsolute(name)) {
      if (isExecutable(name)) return name;
      continue;
    }
    for (const d of dirs) if (isExecutable(join(d, name))) return join(d, name);
  }
  return null;
}

/**
 * A program: the path in `envVar` when that is set (only there, so pointing it at nothing shows
 * the skip), else the first of `names` on PATH. `path` is where it was found.
 */
function program(envVar: string, names: string[], install: string): Requirement & { path: string } {
  const given = process.env[envVar];
  const path = given ? which(given) : which(...names);
  const what = given ? `${envVar}=${given} is not an executable` : `${names[0]} not found on PATH`;
  return Object.assign(requirement(path ? null : `${what}: ${install}`), { path: path ?? "" });
}

/** redis-server, for the distributed sweep queue (test/sweep-queue.test.ts starts its own). */
export const redisServer = () => program("SCULPT_REDIS_SERVER", ["redis-server"], "apt-get install redis-server (or brew install redis)");

/** A Chromium (or Chrome) playwright-core can drive headless. */
export const chromium = () =>
  program("SCULPT_CHROMIUM", ["chromium", "chromium-browser", "google-chrome"], "apt-get install chromium (or set SCULPT_CHROMIUM)");

/** sculpt's native oneDNN addon, built and loadable. */
export function nativeAddon(): Requirement {
  const load = loadNativeAddon();
  return requirement(
    load.addon ? null : `native oneDNN addon unavailable (${load.reason}): apt-get install libdnnl-dev g++ make, then npm run build:native`,
  );
}

/**
 * Any WebGPU adapter, software ones included (Mesa's llvmpipe through Dawn's OpenGL ES path where
 * there is no GPU). `software` says whether the one found is a software adapter.
 */
export async function webgpuAdapter(): Promise<Requirement & { software: boolean }> {
  const found = await findWebGpuAdapter({ allowSoftware: true, gles: true });
  return Object.assign(requirement("reason" in found ? webgpuMissing(found.reason) : null), {
    software: "gpu" in found && found.info.software,
  });
}

/** The reason line for a missing WebGPU adapter, given findWebGpuAdapter's own reason. */
export const webgpuMissing = (why: string) =>
  `no WebGPU adapter (${why}): for Mesa's software one, apt-get install mesa-vulkan-drivers libegl-mesa0 libegl1 libgl1-mesa-dri (no GPU: EGL_PLATFORM=surfaceless)`;

/**
 * A Python 3 that imports every one of `modules` (e.g. "torch", "sklearn"): SCULPT_PYTHON when set,
 * else Debian's /usr/bin/python3, else python3 on PATH. `path` is the interpreter to run.
 */
export function python(...modules: string[]): Requirement & { path: string } {
  const given = process.env.SCULPT_PYTHON;
  const candidates = given ? [given] : [...new Set(["/usr/bin/python3", which("python3")].filter((p): p is string => !!p))];
  const script = modules.map((m) => `import ${m}`).join("; ") || "pass";
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", script], { stdio: "ignore", timeout: 60_000 });
    if (r.status === 0) return Object.assign(requirement(null), { path: py });
  }
  const debs = modules.map((m) => PYTHON_DEBS[m] ?? `python3-${m}`).join(" ");
  const what = modules.length ? `python3 with ${modules.join(", ")}` : "python3";
  return Object.assign(
    requirement(
      `${what} not found (tried ${candidates.join(", ") || "python3 on PATH"}): apt-get install ${debs} (or pip install ${modules.map((m) => PIP_NAMES[m] ?? m).join(" ")}; SCULPT_PYTHON picks the interpreter)`,
    ),
    { path: "" },
  );
}

const PYTHON_DEBS: Record<string, string> = { torch: "python3-torch", sklearn: "python3-sklearn", numpy: "python3-numpy" };
const PIP_NAMES: Record<string, string> = { sklearn: "scikit-learn" };

/**
 * A real data set's files where sculpt's loaders look ($SCULPT_DATA/<set> or the user cache): all
 * of them, or the paths in `needed` (as named in the set's download list).
 */
export function dataSet(name: string, needed?: string[]): Requirement {
  const s = dataStatus(name, undefined, needed);
  return requirement(
    s.present
      ? null
      : `${name} files not found in ${s.folder} (missing ${s.missing.join(", ")}): run \`sculpt data fetch ${name}\`, or set SCULPT_DATA to a folder holding ${name}/`,
  );
}
