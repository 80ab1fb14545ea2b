/**
 * The `sculpt serve` HTTP server (node:http, GET and HEAD only): the dashboard's static bundle, a
 * small JSON API over the catalog of runs and sweeps under the root, and the allow-listed files of
 * each run folder. Paths are taken from the raw request line and checked segment by segment, so
 * `..`, encoded dots, empty segments and absolute paths are refused before any file is touched;
 * the Host header must name the address the server listens on (no DNS-rebinding reads).
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SculptError } from "../../core/registry.js";
import { RUN_FILES } from "../run-format.js";
import { parseMetricsFile } from "../report/run-folder.js";
import { LEDGER_FILE, readObject, RunCatalog, safeSegment } from "./catalog.js";
import { readLedger } from "./ledger.js";

export interface ServeOptions {
  /** Folder holding run folders and sweeps (or one run folder). */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  /** Listen address; loopback unless asked otherwise. */
  host?: string;
  /** Where index.html, app.js and app.css are (default: the package's dist/web/static). */
  staticDir?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

/** The bundle `npm run build` writes (scripts/build-web.mjs), or $SCULPT_WEB_DIR when set. */
export function defaultStaticDir(): string {
  if (process.env.SCULPT_WEB_DIR) return process.env.SCULPT_WEB_DIR;
  // This file is src/node/serve/ or dist/node/serve/: the package root is three levels up.
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "dist", "web", "static");
}

const STATIC_FILES: Record<string, string> = {
  "/": "index.html",
  "/index.html": "index.html",
  "/app.js": "app.js",
  "/app.css": "app.css",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".npy": "application/octet-stream",
  ".bin": "application/octet-stream",
};

// The app loads only its own script and style; vega compiles its expressions with Function.
const APP_CSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";
// Run reports are self-contained HTML without scripts: give them none.
const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Start the dashboard server; resolves once it listens.
 * @example
 * const server = await startServer({ root: "runs", port: 0 });
 * console.log(server.url); // http://127.0.0.1:41234/
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SculptError(
      `--port must be a whole number from 0 to 65535 (got ${options.port})`,
      "pass e.g. --port 8080, or 0 for a free port",
    );
  }
  const catalog = new RunCatalog(options.root);
  const staticDir = options.staticDir ?? defaultStaticDir();
  for (const f of new Set(Object.values(STATIC_FILES))) {
    if (!existsSync(join(staticDir, f))) {
      throw new SculptError(`the dashboard bundle is missing (${join(staticDir, f)})`, "run `npm run build`, which bundles src/web");
    }
  }
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError || err instanceof SculptError ? err.message : "internal error";
      if (status === 500) console.error(err);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.destroy();
    }
  });

  const allowedHosts = new Set(["127.0.0.1", "localhost", "[::1]", host.includes(":") ? `[${host}]` : host]);
  const anyHost = host === "0.0.0.0" || host === "::";

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      throw new HttpError(405, `${req.method} is not allowed`);
    }
    const hostname = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    if (!anyHost && !allowedHosts.has(hostname)) throw new HttpError(403, `unexpected Host '${hostname}'`);
    const [raw, query = ""] = (req.url ?? "").split("#")[0].split(/\?(.*)/s);
    if (!raw.startsWith("/")) throw new HttpError(400, "the request path must start with /");
    if (Object.hasOwn(STATIC_FILES, raw)) return sendFile(req, res, join(staticDir, STATIC_FILES[raw]), APP_CSP);
    const segments = raw.slice(1).split("/").map(decodeSegment);
    const [head, kind, ...rest] = segments;
    if (head === "api" && kind === "catalog" && rest.length === 0) {
      return sendJson(res, 200, { root: catalog.root.split(/[\\/]/).pop(), ...catalog.scan() });
    }
    const id = new URLSearchParams(query).get("id");
    if (head === "api" && kind === "run" && rest.length === 0 && id) return sendJson(res, 200, runDetail(id));
    if (head === "api" && kind === "sweep" && rest.length === 0 && id) return sendJson(res, 200, sweepDetail(id));
    if (head === "files" && kind !== undefined) return sendRunFile(req, res, [kind, ...rest]);
    throw new HttpError(404, `no such page: ${raw}`);
  }

  function runDetail(id: string) {
    const dir = catalog.runDir(id);
    if (!dir) throw new HttpError(404, `no run '${id}' under the root`);
    const history: Record<string, unknown>[] = [];
    let badHistoryLines = 0;
    const historyPath = join(dir, RUN_FILES.history);
    if (existsSync(historyPath)) {
      for (const line of readFileSync(historyPath, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          history.push(JSON.parse(line));
        } catch {
          badHistoryLines++;
        }
      }
    }
    const read = (f: string) => {
      try {
        return readObject(join(dir, f));
      } catch (err) {
        return { error: (err as Error).message };
      }
    };
    const metrics = read(RUN_FILES.metrics);
    const parsed = metrics && !("error" in metrics) ? parseMetricsFile(metrics) : undefined;
    return {
      summary: catalog.summary(id, dir),
      config: read(RUN_FILES.config),
      environment: read(RUN_FILES.environment),
      status: read(RUN_FILES.status),
      history,
      badHistoryLines,
      metrics: parsed ? parsed.values : (metrics as { error: string } | undefined),
      metricsSkipped: parsed?.skipped ?? {},
    };
  }

  function sweepDetail(id: string) {
    const dir = catalog.sweepDir(id);
    if (!dir) throw new HttpError(404, `no sweep '${id}' under the root`);
    const { runs, sweeps } = catalog.scan();
    const sweep = sweeps.find((s) => s.id === id);
    if (!sweep) throw new HttpError(404, `'${id}' holds no runs`);
    const ledgerPath = join(dir, LEDGER_FILE);
    return {
      ...sweep,
      runs: runs.filter((r) => sweep.runs.includes(r.id)),
      ...(existsSync(ledgerPath) ? { ledgerView: readLedger(ledgerPath, dir, catalog.root) } : {}),
    };
  }

  function sendRunFile(req: IncomingMessage, res: ServerResponse, segments: string[]): void {
    // The file is the last segment, or model/<part>/<file>; the run id is what comes before.
    const split = segments.length > 3 && segments[segments.length - 3] === "model" ? segments.length - 3 : segments.length - 1;
    const id = segments.slice(0, split).join("/");
    const name = segments.slice(split).join("/");
    if (!id) throw new HttpError(404, "no run named in the path");
    const path = catalog.runFile(id, name);
    if (path === "forbidden") throw new HttpError(403, `'${name}' is not a file the server gives out`);
    if (!path) throw new HttpError(404, `run '${id}' has no file '${name}'`);
    sendFile(req, res, path, name === "report.html" ? REPORT_CSP : undefined);
  }

  return new Promise((resolvePromise, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(
        err.code === "EADDRINUSE" ? new SculptError(`port ${port} is in use`, "choose another --port, or --port 0 for a free one") : err,
      );
    });
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      const shown = host.includes(":") ? `[${host}]` : host;
      resolvePromise({ url: `http://${shown}:${bound}/`, port: bound, host, close: () => closeServer(server) });
    });
  });
}

function decodeSegment(s: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    throw new HttpError(400, "malformed percent-encoding in the path");
  }
  if (!safeSegment(decoded)) throw new HttpError(403, "the path may not hold empty, '.' or '..' segments, slashes or NUL");
  return decoded;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "Content-Type": TYPES[".json"],
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(body);
}

function sendFile(req: IncomingMessage, res: ServerResponse, path: string, csp?: string): void {
  const size = statSync(path).size;
  res.writeHead(200, {
    "Content-Type": TYPES[extname(path)] ?? "application/octet-stream",
    "Content-Length": size,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    ...(csp ? { "Content-Security-Policy": csp } : {}),
  });
  if (req.method === "HEAD") return void res.end();
  createReadStream(path)
    .on("error", () => res.destroy())
    .pipe(res);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.close((err) => (err ? reject(err) : resolvePromise()));
    server.closeAllConnections();
  });
}
