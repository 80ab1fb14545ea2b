/**
 * `sculpt serve`'s server without a browser: the catalog of runs and sweeps under the root, the
 * JSON API, the allow-listed run files, a sweep ledger read-only, and every way a request might
 * reach outside the root (.., encoded dots, encoded slashes, backslashes, NUL, empty segments,
 * absolute-form targets, symlinks out of the root or the run folder), each refused.
 */
import Database from "better-sqlite3";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { parseNpy } from "../src/core/io/npy.js";
import { SculptError } from "../src/core/registry.js";
import { RunCatalog } from "../src/node/serve/catalog.js";
import { accessPolicy, startServer, type RunningServer } from "../src/node/serve/server.js";
import type { CatalogResponse, RunDetail, SweepDetail } from "../src/web/api-types.js";
import { ROOT } from "./helpers.js";
import { writeFakeRun } from "./report-fixture.js";

const SECRET = "top-secret-outside-the-root";
let tmp: string;
let root: string;
let staticDir: string;
let server: RunningServer;

interface Reply {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request: the path goes on the request line exactly as given (no client-side normalising). */
function raw(path: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        path,
        method: options.method ?? "GET",
        headers: { host: options.host ?? `127.0.0.1:${server.port}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const json = async <T>(path: string): Promise<T> => {
  const r = await raw(path);
  expect(r.status, `${path}: ${r.body.toString()}`).toBe(200);
  return JSON.parse(r.body.toString()) as T;
};

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-serve-"));
  root = join(tmp, "root");
  const outside = join(tmp, "outside");
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, "secret.txt"), SECRET);
  // A run folder outside the root, reachable only through a symlink.
  writeFakeRun(join(outside, "foreign-run"), { n: 20 });
  writeFileSync(join(outside, "foreign-run", "metrics.json"), JSON.stringify({ secret: SECRET }));

  writeFakeRun(join(root, "sweep-a", "run-1"), { seed: 0, n: 50 });
  writeFakeRun(join(root, "sweep-a", "run-2"), { seed: 1, n: 50, withDecoder: true });
  writeFileSync(join(root, "sweep-a", "run-2", "model", "decoder", "model.json"), '{"format":"layers-model"}');
  writeFileSync(join(root, "sweep-a", "run-2", "report.html"), "<!doctype html><p>report</p>");
  writeFileSync(join(root, "sweep-a", "run-2", "checkpoint.bin"), "weights and optimiser state");
  writeFileSync(join(root, "sweep-a", "run-2", "notes.txt"), "not a run file");
  writeFakeRun(join(root, "loose-run"), { n: 30, name: "named run" });
  // A run whose files link out of its folder (one out of the root, one into a sibling run).
  writeFakeRun(join(root, "sweep-a", "run-links"), { n: 20 });
  rmSync(join(root, "sweep-a", "run-links", "latents.npy"));
  symlinkSync(join(outside, "secret.txt"), join(root, "sweep-a", "run-links", "latents.npy"));
  rmSync(join(root, "sweep-a", "run-links", "recon.npy"));
  symlinkSync(join(root, "sweep-a", "run-1", "recon.npy"), join(root, "sweep-a", "run-links", "recon.npy"));
  symlinkSync(outside, join(root, "escape"));
  symlinkSync(join(outside, "foreign-run"), join(root, "foreign-link"));
  mkdirSync(join(root, ".hidden", "run-x"), { recursive: true });
  writeFileSync(join(root, ".hidden", "run-x", "config.json"), "{}");

  // A ledger sweep: runs under runs/, the ledger above them (the layout `sculpt sweep` writes).
  const ledgerSweep = join(root, "grid");
  writeFakeRun(join(ledgerSweep, "runs", "r0"), { n: 20, dim: 2, prior: "gaussian" });
  const db = new Database(join(ledgerSweep, "ledger.sqlite"));
  db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE runs (id TEXT PRIMARY KEY, ord INTEGER NOT NULL, coords TEXT NOT NULL, config TEXT NOT NULL, deps TEXT NOT NULL,
      state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, dir TEXT, worker TEXT, metrics TEXT, error TEXT,
      started_at REAL, finished_at REAL, train_seconds REAL, eval_seconds REAL);`);
  db.prepare("INSERT INTO meta VALUES ('sweep', ?)").run(JSON.stringify({ name: "tiny-grid", budget: "quick" }));
  const add = db.prepare("INSERT INTO runs VALUES (?, ?, ?, '{}', '[]', ?, ?, ?, NULL, ?, ?, ?, ?, NULL, NULL)");
  add.run(
    "r0",
    0,
    JSON.stringify({ model: "ae-mmd", latentDim: 2, seed: 0 }),
    "done",
    1,
    join(ledgerSweep, "runs", "r0"),
    '{"lps.gbdt":0.1}',
    null,
    1000,
    4000,
  );
  add.run(
    "r1",
    1,
    JSON.stringify({ model: "ae-mmd", latentDim: 2, seed: 1 }),
    "failed",
    2,
    join(outside, "foreign-run"),
    null,
    "diverged",
    1000,
    2000,
  );
  add.run("r2", 2, JSON.stringify({ model: "ae", latentDim: 2, seed: 0 }), "pending", 0, null, null, null, null, null);
  db.close();

  staticDir = join(tmp, "static");
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, "index.html"), "<!doctype html><title>sculpt</title>");
  writeFileSync(join(staticDir, "app.js"), "console.log('app')");
  writeFileSync(join(staticDir, "app.css"), "body{}");
  server = await startServer({ root, port: 0, staticDir });
});

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("catalog and API", () => {
  it("lists the runs and sweeps under the root, not those behind hidden folders or links out of it", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const cat = await json<CatalogResponse>("/api/catalog");
    expect(cat.root).toBe("root");
    expect(cat.runs.map((r) => r.id).sort()).toEqual(["grid/runs/r0", "loose-run", "sweep-a/run-1", "sweep-a/run-2", "sweep-a/run-links"]);
    expect(cat.sweeps).toEqual([
      // The root holds a run of its own, so it is a sweep too: of every run under it.
      { id: ".", runs: ["grid/runs/r0", "loose-run", "sweep-a/run-1", "sweep-a/run-2", "sweep-a/run-links"], ledger: false },
      { id: "grid", runs: ["grid/runs/r0"], ledger: true },
      { id: "sweep-a", runs: ["sweep-a/run-1", "sweep-a/run-2", "sweep-a/run-links"], ledger: false },
    ]);
    const run2 = cat.runs.find((r) => r.id === "sweep-a/run-2")!;
    expect(run2).toMatchObject({ name: "run-2", model: "ae-mmd", dataset: "xy", latentDim: 4, seed: 1, state: "done" });
    expect(run2.files).toEqual(expect.arrayContaining(["config.json", "latents.npy", "report.html", "model/decoder/model.json"]));
    expect(run2.files).not.toContain("checkpoint.bin");
    expect(run2.files).not.toContain("notes.txt");
    // metrics.json in `sculpt eval`'s layout: the values, flattened, numbers only.
    expect(run2.metrics["dci.disentanglement"]).toBeTypeOf("number");
    expect(Object.keys(run2.metrics)).not.toContain("lps.gbdt.perDim");
    expect(cat.runs.find((r) => r.id === "loose-run")!.name).toBe("named run");
    expect(JSON.stringify(cat)).not.toContain(tmp);
  });

  it("gives a run's config, history, metrics and skipped metrics", async () => {
    const run = await json<RunDetail>(`/api/run?id=${encodeURIComponent("sweep-a/run-1")}`);
    expect(run.config).toMatchObject({ dataset: "xy", latentDim: 4 });
    expect(run.history).toHaveLength(6);
    expect(run.history[0]).toHaveProperty("loss/total");
    expect(run.metrics).toHaveProperty("nmse.linear");
    expect(run.metricsSkipped).toEqual({ mig: "needs ground-truth factors" });
    expect(run.status).toMatchObject({ state: "done" });
  });

  it("gives a sweep with its runs and its ledger, run folders as ids under the root only", async () => {
    const sweep = await json<SweepDetail>("/api/sweep?id=grid");
    expect(sweep.runs.map((r) => r.id)).toEqual(["grid/runs/r0"]);
    const ledger = sweep.ledgerView!;
    expect(ledger).toMatchObject({ name: "tiny-grid", counts: { done: 1, failed: 1, pending: 1 } });
    expect(ledger.runs.map((r) => [r.id, r.state, r.run, r.seconds])).toEqual([
      ["r0", "done", "grid/runs/r0", 3],
      ["r1", "failed", undefined, 1],
      ["r2", "pending", undefined, undefined],
    ]);
    expect(ledger.runs[0].metrics).toEqual({ "lps.gbdt": 0.1 });
    expect(ledger.runs[1].error).toBe("diverged");
    expect(JSON.stringify(sweep)).not.toContain(tmp);
    const top = await json<SweepDetail>("/api/sweep?id=.");
    expect(top.runs).toHaveLength(5);
    expect(top.ledgerView).toBeUndefined();
  });

  it("answers unknown runs, sweeps and pages with 404 and a message", async () => {
    for (const path of [
      "/api/run?id=nope",
      "/api/run?id=sweep-a",
      `/api/run?id=${encodeURIComponent("../outside/foreign-run")}`,
      `/api/run?id=${encodeURIComponent(join(tmp, "outside", "foreign-run"))}`,
      "/api/run?id=foreign-link",
      "/api/run?id=.hidden%2Frun-x",
      "/api/sweep?id=sweep-a%2Frun-1",
      "/api/sweep?id=escape",
      "/api/run",
      "/nope",
    ]) {
      const r = await raw(path);
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.body.toString()).error, path).toBeTypeOf("string");
    }
  });
});

describe("files", () => {
  it("serves a run's allow-listed files byte for byte", async () => {
    const r = await raw("/files/sweep-a/run-1/latents.npy");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/octet-stream");
    expect(r.body.equals(readFileSync(join(root, "sweep-a", "run-1", "latents.npy")))).toBe(true);
    expect(parseNpy(new Uint8Array(r.body)).shape).toEqual([50, 4]);
    const cfg = await raw("/files/sweep-a/run-1/config.json");
    expect(JSON.parse(cfg.body.toString())).toMatchObject({ dataset: "xy" });
    const model = await raw("/files/sweep-a/run-2/model/decoder/model.json");
    expect(model.body.toString()).toBe('{"format":"layers-model"}');
    // Reports carry no scripts, and get a policy that would block any.
    const report = await raw("/files/sweep-a/run-2/report.html");
    expect(report.status).toBe(200);
    expect(report.headers["content-security-policy"]).toContain("default-src 'none'");
    const head = await raw("/files/sweep-a/run-1/config.json", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers["content-length"])).toBe(cfg.body.length);
  });

  it("serves the app's own files and nothing else from its folder", async () => {
    const index = await raw("/");
    expect(index.status).toBe(200);
    expect(index.headers["content-type"]).toContain("text/html");
    expect(index.headers["content-security-policy"]).toContain("script-src 'self'");
    expect((await raw("/app.js")).body.toString()).toBe("console.log('app')");
    expect((await raw("/app.css")).status).toBe(200);
    expect((await raw("/app.js.map")).status).toBe(404);
  });

  it("refuses every path that reaches outside the root or the run folder", async () => {
    const attacks: [string, number[]][] = [
      ["/files/../../outside/secret.txt", [403]],
      ["/files/sweep-a/run-1/../../../outside/secret.txt", [403]],
      ["/files/%2e%2e/%2e%2e/outside/secret.txt", [403]],
      ["/files/sweep-a/run-1/%2E%2E/%2E%2E/%2E%2E/outside/secret.txt", [403]],
      ["/files/sweep-a%2F..%2F..%2Foutside/secret.txt", [403]],
      ["/files/sweep-a/run-1/..%2F..%2F..%2Foutside%2Fsecret.txt", [403]],
      ["/files/sweep-a/run-1/..%5C..%5Csecret.txt", [403]],
      [`/files${join(tmp, "outside", "secret.txt")}`, [403, 404]],
      [`/files/${encodeURIComponent(join(tmp, "outside"))}/secret.txt`, [403]],
      ["/files//etc/passwd", [403]],
      ["//etc/passwd", [403]],
      ["/files/sweep-a/run-1/%00config.json", [403]],
      ["/files/sweep-a/run-1/config.json%00", [403]],
      ["/files/escape/secret.txt", [403, 404]],
      ["/files/escape/foreign-run/config.json", [404]],
      ["/files/foreign-link/config.json", [404]],
      ["/files/foreign-link/metrics.json", [404]],
      [`http://127.0.0.1/files/../outside/secret.txt`, [400]],
      ["/files/sweep-a/run-links/latents.npy", [403]],
      ["/files/sweep-a/run-links/recon.npy", [403]],
      ["/files/sweep-a/run-2/checkpoint.bin", [403]],
      ["/files/sweep-a/run-2/notes.txt", [403]],
      ["/files/sweep-a/run-2/model/decoder/../../notes.txt", [403]],
      ["/files/sweep-a/run-2/model/../config.json", [403]],
      ["/files/.hidden/run-x/config.json", [404]],
      ["/files/sweep-a/run-1/%ZZ", [400]],
    ];
    for (const [path, statuses] of attacks) {
      const r = await raw(path);
      expect(statuses, `${path} → ${r.status} ${r.body.toString()}`).toContain(r.status);
      expect(r.body.toString()).not.toContain(SECRET);
    }
  });

  it("answers only GET and HEAD, only for its own host names", async () => {
    const post = await raw("/api/catalog", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    expect((await raw("/api/catalog", { method: "DELETE" })).status).toBe(405);
    // DNS rebinding: a page on another site resolving its name to 127.0.0.1 is refused.
    expect((await raw("/api/catalog", { host: "attacker.example:80" })).status).toBe(403);
    expect((await raw("/api/catalog", { host: `localhost:${server.port}` })).status).toBe(200);
  });
});

describe("startup", () => {
  it("refuses a missing root, a missing bundle, a bad port and a port in use", async () => {
    await expect(startServer({ root: join(tmp, "nope"), staticDir })).rejects.toThrow(/root folder not found/);
    await expect(startServer({ root, staticDir: join(tmp, "no-bundle") })).rejects.toThrow(/dashboard bundle is missing/);
    for (const port of [-1, 70000, 1.5, NaN]) await expect(startServer({ root, port, staticDir })).rejects.toThrow(SculptError);
    await expect(startServer({ root, port: server.port, staticDir })).rejects.toThrow(/port \d+ is in use/);
  });

  it("serves a root that is itself one run folder", async () => {
    const cat = new RunCatalog(join(root, "sweep-a", "run-1"));
    expect(cat.scan().runs.map((r) => r.id)).toEqual(["run-1"]);
    expect(cat.runFile("run-1", "config.json")).toMatch(/config\.json$/);
    expect(cat.runFile("run-2", "config.json")).toBeNull();
    expect(cat.runFile("run-1", "notes.txt")).toBe("forbidden");
  });

  it("lists no prior for a model without one (a plain AE stores a placeholder), the fixed one for a VAE", () => {
    const dir = mkdtempSync(join(tmpdir(), "sculpt-catalog-prior-"));
    try {
      writeFakeRun(join(dir, "ae"), { n: 20, dim: 2, prior: "gaussian", model: "ae" });
      writeFakeRun(join(dir, "vae"), { n: 20, dim: 2, prior: "gaussian", model: "vae" });
      writeFakeRun(join(dir, "mmd"), { n: 20, dim: 2, prior: "uniform(-1,1)", model: "ae-mmd" });
      const runs = new RunCatalog(dir).scan().runs;
      expect(Object.fromEntries(runs.map((r) => [r.id, r.prior]))).toEqual({ ae: undefined, vae: "gaussian", mmd: "uniform(-1,1)" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sculpt serve", () => {
  /** The CLI in a child process (through tsx), its output and exit code. */
  function cli(
    args: string[],
    onLine?: (line: string, stop: () => void) => void,
  ): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "-e", "import('./src/cli/main.ts').then((m) => m.main(process.argv))", "sculpt", ...args],
        { cwd: ROOT, env: { ...process.env, SCULPT_WEB_DIR: staticDir } },
      );
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        onLine?.(out, () => child.kill("SIGINT"));
      });
      child.stderr.on("data", (c: Buffer) => (err += c.toString()));
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, out, err }));
    });
  }

  it("starts on a free port, answers, and stops cleanly on Ctrl-C", async () => {
    let catalog: CatalogResponse | undefined;
    let asked = false;
    const result = await cli(["serve", "--root", root, "--port", "0"], (out, stop) => {
      const url = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      if (!url || asked) return;
      asked = true;
      fetch(`${url}api/catalog`)
        .then((r) => r.json() as Promise<CatalogResponse>)
        .then((c) => (catalog = c))
        .finally(stop);
    });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/sculpt dashboard on http:\/\/127\.0\.0\.1:\d+\//);
    expect(catalog?.runs).toHaveLength(5);
  });

  it("exits with status 2 and the fix on a bad port or root", async () => {
    // In-process: the errors come before anything listens.
    const errors: string[] = [];
    const log = console.error;
    console.error = (...a: unknown[]) => errors.push(a.join(" "));
    try {
      for (const args of [
        ["--root", root, "--port", "http"],
        ["--root", join(tmp, "nope"), "--port", "0"],
      ]) {
        process.exitCode = 0;
        await main(["node", "sculpt", "serve", ...args]);
        expect(process.exitCode).toBe(2);
      }
    } finally {
      console.error = log;
      process.exitCode = 0;
    }
    expect(errors[0]).toContain("--port must be a whole number from 0 to 65535");
    expect(errors[1]).toContain("root folder not found");
    expect(errors.every((e) => e.includes("fix:"))).toBe(true);
  });
});

describe("the app's sources", () => {
  it("import only the browser-safe core and engine, each other and browser packages", () => {
    const dir = join(ROOT, "src", "web");
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(files).toContain("main.ts");
    const allowed = /^(vega|vega-lite|fflate|@tensorflow\/tfjs|@tensorflow\/tfjs-backend-(cpu|webgl|wasm|webgpu))$/;
    const bad: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^"';]*?from\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"/g)) {
        const spec = m[1] ?? m[2];
        const resolved = join(dir, f, "..", spec);
        const insideWebOrCore = spec.startsWith(".") && ["web", "core", "engine"].some((d) => resolved.startsWith(join(ROOT, "src", d)));
        if (!(spec.startsWith(".") ? insideWebOrCore : allowed.test(spec))) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("reads through links (every read goes through the guarded resolver)", () => {
  let leakRoot: string;
  let leaky: RunningServer;
  beforeAll(async () => {
    leakRoot = join(tmp, "leak-root");
    const outside = join(tmp, "leak-outside");
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, "secret.json"), JSON.stringify({ secret: SECRET, state: "done", latentDim: 99 }));
    writeFileSync(join(outside, "secret.txt"), `${SECRET} not json`);
    writeFileSync(join(outside, "secret.jsonl"), `${JSON.stringify({ epoch: 1, step: 1, secret: SECRET })}\n`);
    writeFakeRun(join(leakRoot, "r"), { n: 20 });
    for (const [name, target] of [
      ["config.json", "secret.json"],
      ["status.json", "secret.json"],
      ["environment.json", "secret.txt"],
      ["metrics.json", "secret.json"],
      ["history.jsonl", "secret.jsonl"],
    ]) {
      rmSync(join(leakRoot, "r", name), { force: true });
      symlinkSync(join(outside, target), join(leakRoot, "r", name));
    }
    // A sweep whose ledger links out of its folder.
    mkdirSync(join(leakRoot, "sw"));
    writeFakeRun(join(leakRoot, "sw", "r0"), { n: 20 });
    const db = new Database(join(outside, "ledger.sqlite"));
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    db.prepare("INSERT INTO meta VALUES ('sweep', ?)").run(JSON.stringify({ name: SECRET }));
    db.close();
    symlinkSync(join(outside, "ledger.sqlite"), join(leakRoot, "sw", "ledger.sqlite"));
    leaky = await startServer({ root: leakRoot, port: 0, staticDir });
  });
  afterAll(async () => {
    await leaky?.close();
  });

  const get = async (path: string) => (await fetch(`${leaky.url.slice(0, -1)}${path}`)).text();

  it("never shows the content of a file a run folder links to outside itself", async () => {
    const run = await get("/api/run?id=r");
    expect(run).not.toContain(SECRET);
    const detail = JSON.parse(run) as RunDetail;
    expect(detail.history).toEqual([]);
    expect(JSON.stringify(detail.config)).toMatch(/links out of its folder/);
    const catalog = await get("/api/catalog");
    expect(catalog).not.toContain(SECRET);
    expect(catalog).not.toContain('"latentDim":99');
    const sweep = await get("/api/sweep?id=sw");
    expect(sweep).not.toContain(SECRET);
  });
});

describe("who may ask (Host allow-list, token)", () => {
  let guarded: RunningServer;
  const TOKEN = "t0k3n-for-tests";
  beforeAll(async () => {
    guarded = await startServer({ root, port: 0, staticDir, allowHosts: ["dash.example.lan"], token: TOKEN });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  function ask(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: guarded.port, path, headers: { host: `127.0.0.1:${guarded.port}`, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  it("prints the token in its URL and asks for it as query, cookie or header", async () => {
    expect(guarded.url).toContain(`?token=${TOKEN}`);
    expect((await ask("/api/catalog")).status).toBe(401);
    expect((await ask("/api/catalog?token=wrong")).status).toBe(401);
    expect((await ask("/files/sweep-a/run-1/config.json")).status).toBe(401);
    expect((await ask(`/api/catalog?token=${TOKEN}`)).status).toBe(200);
    expect((await ask("/api/catalog", { authorization: `token ${TOKEN}` })).status).toBe(200);
    // The page opened with the token sets a cookie, so the app's own requests carry it.
    const page = await ask(`/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    const cookie = String(page.headers["set-cookie"]).split(";")[0];
    expect(cookie).toContain(TOKEN);
    expect(String(page.headers["set-cookie"])).toMatch(/HttpOnly/i);
    expect((await ask("/api/catalog", { cookie })).status).toBe(200);
  });

  it("accepts the allow-listed names and loopback, refuses any other Host even with the token", async () => {
    const auth = { authorization: `token ${TOKEN}` };
    expect((await ask("/api/catalog", { ...auth, host: "dash.example.lan:8080" })).status).toBe(200);
    expect((await ask("/api/catalog", { ...auth, host: `localhost:${guarded.port}` })).status).toBe(200);
    expect((await ask("/api/catalog", { ...auth, host: "attacker.example" })).status).toBe(403);
  });

  it("keeps the Host check on 0.0.0.0, wants a token and warns when listening beyond loopback", () => {
    const any = accessPolicy({ host: "0.0.0.0", allowHosts: ["box.lan"] });
    expect(any.allowedHosts.has("attacker.example")).toBe(false);
    expect(any.allowedHosts.has("box.lan")).toBe(true);
    expect(any.allowedHosts.has("localhost")).toBe(true);
    expect(any.token).toMatch(/^[0-9a-f]{32,}$/);
    expect(any.warning).toMatch(/no authentication/);
    expect(accessPolicy({ host: "0.0.0.0" }).token).not.toBe(any.token);
    const v6 = accessPolicy({ host: "::" });
    expect(v6.allowedHosts.has("attacker.example")).toBe(false);
    expect(v6.token).toBeDefined();
    const lan = accessPolicy({ host: "192.168.1.7" });
    expect(lan.allowedHosts.has("192.168.1.7")).toBe(true);
    expect(lan.token).toBeDefined();
    for (const host of ["127.0.0.1", "localhost", "::1"]) {
      const local = accessPolicy({ host });
      expect(local.token, host).toBeUndefined();
      expect(local.warning, host).toBeUndefined();
    }
    expect(() => accessPolicy({ host: "127.0.0.1", allowHosts: ["bad host/"] })).toThrow(SculptError);
  });
});
