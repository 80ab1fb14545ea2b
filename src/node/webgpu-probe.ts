/**
 * `probeWebGpu` in a child process whose stderr is kept from the user: Dawn and Mesa write their
 * driver warnings (Vulkan limits, XDG_RUNTIME_DIR) straight to file descriptor 2, where no
 * JavaScript can hold them back. The child's stderr comes back only when the probe fails.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { WebGpuProbe } from "./webgpu.js";

/** Run in the child: probe and send the result to the parent. */
async function childMain(): Promise<void> {
  const { probeWebGpu } = await import("./webgpu.js");
  const probe = await probeWebGpu();
  process.send!(probe, () => process.exit(0));
}

if (process.send && process.env.SCULPT_WEBGPU_PROBE === "1") void childMain();

/** What webgpu would run on here, without the drivers' console noise. */
export function probeWebGpuQuietly(): Promise<WebGpuProbe> {
  const self = import.meta.url;
  const file = fileURLToPath(self);
  const execArgv = self.endsWith(".ts") ? ["--import", "tsx"] : [];
  return new Promise((resolve) => {
    const child = fork(file, [], {
      execArgv,
      env: { ...process.env, SCULPT_WEBGPU_PROBE: "1" },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let err = "";
    let result: WebGpuProbe | undefined;
    child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on("message", (m: WebGpuProbe) => (result = m));
    child.on("error", (e) => (err += e.message));
    child.on("close", (code) =>
      resolve(result ?? { reason: `the probe failed (exit ${code}): ${err.trim().split("\n").slice(-2).join(" / ")}`, auto: false }),
    );
  });
}
