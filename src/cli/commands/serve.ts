/** `sculpt serve [--port P] [--root DIR] [--host H]`: the browser dashboard over the runs and sweeps under a folder. */
import type { Command } from "commander";
import { startServer } from "../../node/serve/server.js";

export function serveCommand(program: Command): void {
  program
    .command("serve")
    .description("serve the browser dashboard: runs, sweeps, comparisons and a prior playground")
    .option("--root <dir>", "folder holding run folders and sweeps (or one run folder)", ".")
    .option("--port <n>", "port (0 picks a free one)", "8080")
    .option("--host <address>", "listen address (loopback by default; 0.0.0.0 exposes the files to the network)", "127.0.0.1")
    .action(async (opts: { root: string; port: string; host: string }) => {
      const server = await startServer({ root: opts.root, port: Number(opts.port), host: opts.host });
      console.log(`sculpt dashboard on ${server.url} (root ${opts.root}); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
