/**
 * A vitest reporter that ends the run with every skipped test grouped by its reason (the
 * "(skipped: …)" that test/requires.ts puts in titles, or a ctx.skip note), so what a machine
 * lacks, and what to install, is the last thing printed. Runs after the default reporter.
 */
import { relative } from "node:path";
import type { Reporter, TestModule, Vitest } from "vitest/node";

const REASON = /\(skipped: (.+?)\)\s*(?:>|$)/;

export default class SkipReporter implements Reporter {
  private vitest?: Vitest;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const groups = new Map<string, Map<string, number>>(); // reason -> file -> skipped tests
    let unexplained = 0; // it.skip / todo, or left out by a -t filter: counted, not listed
    for (const mod of modules) {
      const file = relative(this.vitest?.config.root ?? process.cwd(), mod.moduleId);
      for (const test of mod.children.allTests()) {
        const result = test.result();
        if (result.state !== "skipped") continue;
        const reason = result.note ?? REASON.exec(test.fullName)?.[1];
        if (reason === undefined) {
          unexplained++;
          continue;
        }
        const files = groups.get(reason) ?? new Map<string, number>();
        files.set(file, (files.get(file) ?? 0) + 1);
        groups.set(reason, files);
      }
    }
    const total = [...groups.values()].reduce((s, f) => s + [...f.values()].reduce((a, b) => a + b, 0), 0);
    const other = unexplained ? [`  (and ${unexplained} skipped without a reason: it.skip/todo, or left out by a -t filter)`] : [];
    if (groups.size === 0) {
      if (unexplained)
        (this.vitest?.logger ?? console).log(`${unexplained} skipped without a reason (it.skip/todo, or left out by a -t filter)\n`);
      return;
    }
    const lines = [
      `Skipped ${total} test${total === 1 ? "" : "s"}, by reason (SCULPT_TEST_REQUIRE_ALL=1 turns a missing program or data set into a failure):`,
    ];
    for (const [reason, files] of groups) {
      lines.push(`  - ${reason}`);
      for (const [file, n] of files) lines.push(`      ${file}: ${n} test${n === 1 ? "" : "s"}`);
    }
    lines.push(...other);
    (this.vitest?.logger ?? console).log(lines.join("\n") + "\n");
  }
}
