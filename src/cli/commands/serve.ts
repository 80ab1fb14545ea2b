/** `sculpt serve [--port P] [--root DIR] [--host H] [--allow-host NAME]... [--token T]`: the browser dashboard over the runs and sweeps under a folder. */
import type { Command } from "commander";
import { startServer } from "../../node/index.js";

const collect = (value: string, previous: string[]) => [...previous, ...value.split(",").filter(Boolean)];

export function serveCommand(program: Command): void {
  program
    .command("serve")
    .description("serve the browser dashboard: runs, sweeps, comparisons and a prior playground")
    .option("--root <dir>", "folder holding run folders and sweeps (or one run folder)", ".")
    .option("--port <n>", "port (0 picks a free one)", "8080")
    .option(
      "--host <address>",
      "listen address (loopback by default; any other needs the token printed in the URL, and 0.0.0.0 exposes the files to the network)",
      "127.0.0.1",
    )
    .option(
      "--allow-host <name>",
      "a host name browsers may reach the dashboard by (repeatable; loopback and the listen address are always allowed)",
      collect,
      [],
    )
    .option(
      "--token <token>",
      "the token requests must carry (made up when listening beyond loopback; also required on loopback when given)",
    )
    .action(async (opts: { root: string; port: string; host: string; allowHost: string[]; token?: string }) => {
      const server = await startServer({
        root: opts.root,
        port: Number(opts.port),
        host: opts.host,
        allowHosts: opts.allowHost,
        token: opts.token,
      });
      if (server.warning) console.error(`warning: ${server.warning}`);
      console.log(`sculpt dashboard on ${server.url} (root ${opts.root}); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
