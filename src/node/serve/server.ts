/**
 * The `sculpt serve` HTTP server (node:http, GET and HEAD only): the dashboard's static bundle, a
 * small JSON API over the catalog of runs and sweeps under the root, and the allow-listed files of
 * each run folder. Paths are taken from the raw request line and checked segment by segment, so
 * `..`, encoded dots, empty segments and absolute paths are refused before any file is touched;
 * every read goes through one resolver (catalog.ts fileInside) that refuses links out of the run
 * or sweep folder. The Host header must be on an allow-list on every bind address (no
 * DNS-rebinding reads), and beyond loopback a token (as Jupyter's) is required.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import { hostname as machineName, networkInterfaces } from "node:os";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SculptError } from "../../core/registry.js";
import { parseHistory, RUN_FILES } from "../run-format.js";
import { parseMetricsFile } from "../report/run-folder.js";
import { fileInside, LEDGER_FILE, readFileInside, readFileObject, RunCatalog, safeSegment } from "./catalog.js";
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
  /** Host names (or addresses) the Host header may carry besides loopback and the bind address. */
  allowHosts?: string[];
  /** Token every request must carry; generated when listening beyond loopback and not given. */
  token?: string;
}

export interface RunningServer {
  /** The address to open, with `?token=` when a token is required. */
  url: string;
  port: number;
  host: string;
  /** The token requests must carry, when one is required. */
  token?: string;
  /** Set when listening beyond loopback: say it, there is no authentication but the token. */
  warning?: string;
  close(): Promise<void>;
}

export interface AccessPolicy {
  /** Lower-case host names the Host header may carry (IPv6 in brackets), without port. */
  allowedHosts: Set<string>;
  token?: string;
  warning?: string;
}

const TOKEN_COOKIE = "sculpt_token";
const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];
const isLoopback = (host: string) => host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
const bracket = (host: string) => (host.includes(":") ? `[${host}]` : host);

/**
 * Who may ask: the Host names accepted (loopback names, the bind address, and for a wildcard bind
 * the machine's name and interface addresses, plus `allowHosts`), and beyond loopback a token and
 * a warning. The Host check stays on for every address: a page on any site could otherwise point
 * its own name at this machine (DNS rebinding) and read the runs.
 */
export function accessPolicy(options: { host: string; allowHosts?: string[]; token?: string }): AccessPolicy {
  const allowedHosts = new Set(LOOPBACK_NAMES);
  const { host } = options;
  if (host === "0.0.0.0" || host === "::") {
    allowedHosts.add(machineName().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) allowedHosts.add(bracket(a.address.toLowerCase()));
  } else allowedHosts.add(bracket(host.toLowerCase()));
  for (const name of options.allowHosts ?? []) {
    const clean = name.trim().toLowerCase();
    if (!/^(\[[0-9a-f:.]+\]|[0-9a-z.:-]+)$/.test(clean) || (clean.includes(":") && !clean.startsWith("[") && isIP(clean) !== 6)) {
      throw new SculptError(
        `--allow-host '${name}' is not a host name`,
        "pass a name or address without scheme, port or path, e.g. --allow-host box.lan",
      );
    }
    allowedHosts.add(isIP(clean) === 6 ? `[${clean}]` : clean);
  }
  if (options.token !== undefined && !/^[\w.~-]{8,}$/.test(options.token)) {
    throw new SculptError(
      "the token must be at least 8 letters, digits or - _ . ~",
      "pass e.g. --token $(openssl rand -hex 24), or leave it out to have one made",
    );
  }
  if (isLoopback(host)) return { allowedHosts, token: options.token };
  return {
    allowedHosts,
    token: options.token ?? randomBytes(24).toString("hex"),
    warning:
      `listening on ${host}, beyond this machine: the dashboard has no authentication besides the token in its URL, ` +
      "and it serves every run under the root to whoever holds it; use --host 127.0.0.1 (and an SSH tunnel) unless that is intended",
  };
}

/** Whether a request carries the token, as ?token=, the cookie, or an `Authorization: token T` header. */
function tokenOf(req: IncomingMessage, query: string): string | undefined {
  const fromQuery = new URLSearchParams(query).get("token");
  if (fromQuery) return fromQuery;
  const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (auth) return auth[1];
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, v] = part.trim().split("=");
    if (k === TOKEN_COOKIE && v) return v;
  }
  return undefined;
}

function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
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
  // The Train view's worker and the wasm backend's binaries (scripts/build-web.mjs).
  "/train-worker.js": "train-worker.js",
  "/tfjs-backend-wasm.wasm": "tfjs-backend-wasm.wasm",
  "/tfjs-backend-wasm-simd.wasm": "tfjs-backend-wasm-simd.wasm",
  "/tfjs-backend-wasm-threaded-simd.wasm": "tfjs-backend-wasm-threaded-simd.wasm",
};

/** The files the dashboard cannot start without (the Train view's worker and wasm files are optional). */
const REQUIRED_STATIC = ["index.html", "app.js", "app.css"];

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".npy": "application/octet-stream",
  ".bin": "application/octet-stream",
  ".wasm": "application/wasm",
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
  for (const f of REQUIRED_STATIC) {
    if (!existsSync(join(staticDir, f))) {
      throw new SculptError(`the dashboard bundle is missing (${join(staticDir, f)})`, "run `npm run build`, which bundles src/web");
    }
  }
  const host = options.host ?? "127.0.0.1";
  const policy = accessPolicy({ host, allowHosts: options.allowHosts, token: options.token });
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

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      throw new HttpError(405, `${req.method} is not allowed`);
    }
    const hostname = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    if (!policy.allowedHosts.has(hostname)) {
      throw new HttpError(403, `unexpected Host '${hostname}'; start sculpt serve with --allow-host ${hostname || "NAME"} to accept it`);
    }
    const [raw, query = ""] = (req.url ?? "").split("#")[0].split(/\?(.*)/s);
    if (policy.token !== undefined) {
      const given = tokenOf(req, query);
      if (!sameToken(given, policy.token)) throw new HttpError(401, "this dashboard needs its token: open the URL sculpt serve printed");
      // The page opened with ?token= keeps it in a cookie, so the app's own requests carry it.
      if (new URLSearchParams(query).has("token")) {
        res.setHeader("Set-Cookie", `${TOKEN_COOKIE}=${policy.token}; Path=/; HttpOnly; SameSite=Strict`);
      }
    }
    if (!raw.startsWith("/")) throw new HttpError(400, "the request path must start with /");
    if (Object.hasOwn(STATIC_FILES, raw)) {
      const file = join(staticDir, STATIC_FILES[raw]);
      if (!existsSync(file)) throw new HttpError(404, `${raw} is not in this dashboard bundle; run \`npm run build\``);
      return sendFile(req, res, file, APP_CSP);
    }
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
    let historyText: string | undefined;
    let linkedOut = 0;
    try {
      historyText = readFileInside(dir, RUN_FILES.history);
    } catch {
      linkedOut = 1;
    }
    const { history, bad } = parseHistory(historyText ?? "");
    const badHistoryLines = bad + linkedOut;
    const read = (f: string) => {
      try {
        return readFileObject(dir, f);
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
    const ledgerPath = fileInside(dir, LEDGER_FILE);
    const ledgerView =
      ledgerPath === "forbidden"
        ? { counts: {}, runs: [], problem: `${LEDGER_FILE} links out of its folder; it is not read` }
        : ledgerPath
          ? readLedger(ledgerPath, dir, catalog.root)
          : undefined;
    return { ...sweep, runs: runs.filter((r) => sweep.runs.includes(r.id)), ...(ledgerView ? { ledgerView } : {}) };
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
      const url = `http://${bracket(host)}:${bound}/${policy.token !== undefined ? `?token=${policy.token}` : ""}`;
      resolvePromise({ url, port: bound, host, token: policy.token, warning: policy.warning, close: () => closeServer(server) });
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
