/**
 * An unreachable Redis: `sculpt sweep --queue` and `sculpt worker` say so and exit, instead of
 * retrying forever (BullMQ's and ioredis's default). No Redis is needed: nothing listens on port 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnCli, tinySpecYaml } from "./sweep-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "sculpt-noredis-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const NOWHERE = "redis://127.0.0.1:1";

async function exitsPromptly(args: string[]): Promise<{ code: number | null; output: string }> {
  const cli = spawnCli(args);
  const killer = setTimeout(() => cli.child.kill("SIGKILL"), 60_000);
  try {
    const code = await cli.exited;
    return { code, output: cli.output() };
  } finally {
    clearTimeout(killer);
  }
}

describe("an unreachable Redis", () => {
  it("ends `sculpt sweep --queue` with status 2 and the fix", async () => {
    const spec = join(tmp, "tiny.yaml");
    writeFileSync(spec, tinySpecYaml({ name: "tiny", seeds: 1, grid: { dataset: ["xy"], model: ["ae"] } }));
    const { code, output } = await exitsPromptly(["sweep", spec, "--out", join(tmp, "sweep"), "--queue", NOWHERE]);
    expect(output).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(output).toMatch(/fix:/);
    expect(code, output).toBe(2);
  }, 90_000);

  it("ends `sculpt worker` with status 2 and the fix", async () => {
    const { code, output } = await exitsPromptly(["worker", "--queue", NOWHERE]);
    expect(output).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(code, output).toBe(2);
  }, 90_000);
});
