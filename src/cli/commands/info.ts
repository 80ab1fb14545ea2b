/** `sculpt info [--json]`: versions, available backends, and the one `auto` picks. */
import type { Command } from "commander";
import { tf, initBackend, probeBackends, probeWebGpuQuietly, type WebGpuProbe } from "../../node/index.js";
import { printJson } from "../output.js";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function infoCommand(program: Command): void {
  program
    .command("info")
    .description("versions, available backends and the one auto picks")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const available = await probeBackends();
      const webgpu = available.webgpu ? await probeWebGpuQuietly() : { reason: "not installed", auto: false };
      const picked = await initBackend();
      const info = {
        sculpt: (require("../../../package.json") as { version: string }).version,
        node: process.version,
        tfjs: tf.version_core,
        platform: `${process.platform}-${process.arch}`,
        backends: available,
        webgpu,
        auto: picked.name,
        notes: picked.notes,
      };
      if (opts.json) printJson(info);
      else {
        console.log(`sculpt ${info.sculpt} (node ${info.node}, tfjs ${info.tfjs}, ${info.platform})`);
        console.log(
          `backends: ${Object.entries(available)
            .map(([k, v]) => `${k}${v ? "" : " (not installed)"}`)
            .join(", ")}`,
        );
        console.log(`webgpu: ${describeWebGpu(webgpu)}`);
        console.log(`auto picks: ${info.auto}`);
      }
    });
}

function describeWebGpu(p: WebGpuProbe): string {
  if (!p.adapter) return `unavailable (${p.reason})`;
  const kind = [
    p.adapter.software ? "software" : "GPU",
    p.adapter.via === "opengles" ? "OpenGL ES compatibility adapter" : "default adapter",
  ];
  return `${p.adapter.name} (${kind.join(", ")})${p.auto ? "" : "; only with --backend webgpu: auto skips it"}`;
}
