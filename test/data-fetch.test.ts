/**
 * `sculpt data fetch` against a local HTTP server on 127.0.0.1 serving small generated files (tiny
 * valid MNIST IDX files, a CIFAR-10 tar.gz, a zip): a complete download, a resumed one, a
 * connection dropped mid-file, a process killed mid-file and rerun, a wrong checksum, a 404, an
 * unreachable host, and a second fetch that downloads nothing. The checksums come from the
 * served files themselves through the download-list override (SCULPT_DATA_SOURCES or the
 * `download` option); verification itself is the same as for the real lists.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { create as tarCreate } from "tar";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import type { DataDownload, RemoteFile } from "../src/core/data/types.js";
import { SculptError } from "../src/core/registry.js";
import { fetchDataset, type FetchProgress } from "../src/node/data/fetch.js";
import { loadDataset } from "../src/node/data/index.js";
import { spawnCli, waitFor } from "./sweep-helpers.js";

/** How the server answers a path: normally, or dropping the connection partway on the first request, or stalling. */
type Mode = "ok" | "drop-once" | "stall";
const files = new Map<string, { body: Buffer; mode: Mode; served: number }>();
const requests: { path: string; range?: string }[] = [];
let server: Server;
let base: string;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-fetch-"));
  server = createServer((req, res) => {
    const path = req.url ?? "";
    requests.push({ path, range: req.headers.range });
    const f = files.get(path);
    if (!f) return void res.writeHead(404).end("not found");
    f.served++;
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
    if (start >= f.body.length) return void res.writeHead(416, { "Content-Range": `bytes */${f.body.length}` }).end();
    const body = f.body.subarray(start);
    res.writeHead(start ? 206 : 200, {
      "Content-Length": body.length,
      ...(start ? { "Content-Range": `bytes ${start}-${f.body.length - 1}/${f.body.length}` } : {}),
    });
    if (f.mode === "drop-once" && f.served === 1) {
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
    } else if (f.mode === "stall") {
      res.write(body.subarray(0, 64 * 1024)); // then nothing until the client goes away
    } else res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Serve `body` at /<path> and describe it as a download entry with its real checksums. */
function serve(path: string, body: Buffer, mode: Mode = "ok", extra: Partial<RemoteFile> = {}): RemoteFile {
  files.set(`/${path}`, { body, mode, served: 0 });
  return { file: path.split("/").pop()!, urls: [`${base}/${path}`], md5: md5(body), sha256: sha256(body), ...extra };
}

/**
 * Tiny valid MNIST, gzipped IDX: n images of 28×28 (image k filled with 10·k, or `pixels`) and
 * labels k mod 10; `level` 0 keeps the images file as large as its pixels.
 */
function idxFiles(n: number, pixels?: Buffer, level = 6): { images: Buffer; labels: Buffer } {
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(2051, 0);
  [n, 28, 28].forEach((v, k) => images.writeUInt32BE(v, 4 + 4 * k));
  for (let k = 0; k < n; k++) images.fill(k * 10, 16 + k * 784, 16 + (k + 1) * 784);
  pixels?.copy(images, 16);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(2049, 0);
  labels.writeUInt32BE(n, 4);
  for (let k = 0; k < n; k++) labels[8 + k] = k % 10;
  return { images: gzipSync(images, { level }), labels: gzipSync(labels) };
}

/** The four MNIST files for `tag` on the server, as a download list. */
function mnistDownload(tag: string, modes: Partial<Record<string, Mode>> = {}): DataDownload {
  const train = idxFiles(12);
  const test = idxFiles(7);
  const bodies: Record<string, Buffer> = {
    "train-images-idx3-ubyte.gz": train.images,
    "train-labels-idx1-ubyte.gz": train.labels,
    "t10k-images-idx3-ubyte.gz": test.images,
    "t10k-labels-idx1-ubyte.gz": test.labels,
  };
  const list = Object.entries(bodies).map(([name, body]) => serve(`${tag}/${name}`, body, modes[name] ?? "ok"));
  return { files: list, present: Object.keys(bodies) };
}

/** A random file of `size` bytes. */
const noise = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 2654435761 + seed * 97) >>> 24));

function recorder(): FetchProgress & { lines: string[]; bytes: number } {
  const r = {
    lines: [] as string[],
    bytes: 0,
    start: (file: string, url: string, from: number) => void r.lines.push(`start ${file} from ${from}`),
    advance: (b: number) => void (r.bytes += b),
    end: () => {},
    note: (line: string) => void r.lines.push(line),
  };
  return r;
}

describe("sculpt data fetch", () => {
  it("downloads, verifies and places every file; a second fetch downloads nothing; data list shows where", async () => {
    const root = join(tmp, "complete", "mnist");
    const download = mnistDownload("complete");
    const progress = recorder();
    const first = await fetchDataset("mnist", { root, download, progress });
    expect(first).toMatchObject({ folder: root, alreadyPresent: false, downloaded: download.present });
    expect(first.bytes).toBe(download.files.reduce((s, f) => s + files.get(new URL(f.urls[0]).pathname)!.body.length, 0));
    expect(readdirSync(root).sort()).toEqual([...download.present].sort()); // no .part left behind
    const test = await loadDataset("mnist", { split: "test", root });
    expect(test.size).toBe(7);
    expect(test.factors!.classes([3])[0]).toBe(3);

    const before = requests.length;
    const again = await fetchDataset("mnist", { root, download });
    expect(again).toMatchObject({ alreadyPresent: true, downloaded: [], bytes: 0 });
    expect(requests.length).toBe(before);

    vi.stubEnv("SCULPT_DATA", join(tmp, "complete"));
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      await buildProgram().parseAsync(["node", "sculpt", "data", "list", "--json"]);
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
    const sets = JSON.parse(out.join("")) as { name: string; present?: boolean; folder?: string }[];
    expect(sets.find((s) => s.name === "mnist")).toMatchObject({ present: true, folder: root });
    expect(sets.find((s) => s.name === "cifar10")).toMatchObject({ present: false, folder: join(tmp, "complete", "cifar10") });
    expect(sets.find((s) => s.name === "xy")!.folder).toBeUndefined();
  });

  it("resumes a partial download with an HTTP Range request", async () => {
    const root = join(tmp, "resume");
    mkdirSync(root);
    const body = noise(300_000, 1);
    const entry = serve("resume/blob.bin", body);
    writeFileSync(join(root, "blob.bin.part"), body.subarray(0, 120_000)); // left by a killed run
    const progress = recorder();
    const r = await fetchDataset("mnist", { root, download: { files: [entry], present: ["blob.bin"] }, progress });
    expect(r.bytes).toBe(180_000);
    expect(requests.filter((q) => q.path === "/resume/blob.bin").map((q) => q.range)).toEqual(["bytes=120000-"]);
    expect(progress.lines).toContain("start blob.bin from 120000");
    expect(md5(readFileSync(join(root, "blob.bin")))).toBe(entry.md5);
    expect(existsSync(join(root, "blob.bin.part"))).toBe(false);
  });

  it("resumes after the connection drops mid-file, and the result verifies", async () => {
    const root = join(tmp, "drop");
    const download = mnistDownload("drop", { "train-images-idx3-ubyte.gz": "drop-once" });
    const progress = recorder();
    await fetchDataset("mnist", { root, download, progress });
    const tries = requests.filter((q) => q.path === "/drop/train-images-idx3-ubyte.gz");
    expect(tries.length).toBe(2);
    expect(tries[1].range).toMatch(/^bytes=\d+-$/);
    expect(progress.lines.some((l) => /^train-images-idx3-ubyte\.gz: .*; resuming from byte \d+$/.test(l))).toBe(true);
    expect((await loadDataset("mnist", { root })).size).toBe(12);
  });

  it("a wrong checksum deletes the download and names the file and both sums", async () => {
    const root = join(tmp, "bad-sum");
    const body = noise(50_000, 2);
    const entry = serve("bad/blob.bin", body, "ok", { md5: "0".repeat(32), sha256: undefined });
    const err = await fetchDataset("mnist", { root, download: { files: [entry], present: ["blob.bin"] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SculptError);
    expect((err as SculptError).problem).toBe(
      `blob.bin: checksum mismatch: expected md5 ${"0".repeat(32)}, got ${md5(body)}; the download was deleted`,
    );
    expect(readdirSync(root)).toEqual([]);
  });

  it("a 404 and an unreachable host name the URL and how to place the file by hand", async () => {
    const root = join(tmp, "missing");
    const gone: RemoteFile = { file: "gone.bin", urls: [`${base}/nowhere/gone.bin`], md5: "0".repeat(32) };
    const err = await fetchDataset("mnist", { root, download: { files: [gone], present: ["gone.bin"] } }).catch((e: unknown) => e);
    expect((err as SculptError).problem).toBe(`could not download gone.bin (${base}/nowhere/gone.bin: HTTP 404 Not Found)`);
    expect((err as SculptError).fix).toContain(`download ${base}/nowhere/gone.bin by hand and put it at ${join(root, "gone.bin")}`);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const offline: RemoteFile = { file: "x.bin", urls: [`http://127.0.0.1:${port}/x.bin`, `${base}/nowhere/x.bin`], md5: "0".repeat(32) };
    const err2 = await fetchDataset("mnist", { root, download: { files: [offline], present: ["x.bin"] } }).catch((e: unknown) => e);
    expect((err2 as SculptError).problem).toBe(
      `could not download x.bin (http://127.0.0.1:${port}/x.bin: ECONNREFUSED; ${base}/nowhere/x.bin: HTTP 404 Not Found)`,
    );
    expect(existsSync(join(root, "x.bin"))).toBe(false);
  });

  it("unpacks a verified tar.gz into the layout the loader reads, then deletes the archive", async () => {
    const src = join(tmp, "cifar-src");
    mkdirSync(join(src, "cifar-10-batches-bin"), { recursive: true });
    for (const [name, n] of [
      ["data_batch_1.bin", 4],
      ["data_batch_2.bin", 4],
      ["data_batch_3.bin", 4],
      ["data_batch_4.bin", 4],
      ["data_batch_5.bin", 4],
      ["test_batch.bin", 3],
    ] as const) {
      const records = Buffer.alloc(n * 3073);
      for (let r = 0; r < n; r++) records[r * 3073] = r;
      writeFileSync(join(src, "cifar-10-batches-bin", name), records);
    }
    const archive = join(tmp, "cifar.tar.gz");
    await tarCreate({ gzip: true, file: archive, cwd: src }, ["cifar-10-batches-bin"]);
    const entry = serve("cifar/cifar-10-binary.tar.gz", readFileSync(archive), "ok", { extract: "tar.gz" });
    const root = join(tmp, "cifar");
    const present = ["data_batch_1.bin", "test_batch.bin"].map((f) => `cifar-10-batches-bin/${f}`);
    await fetchDataset("cifar10", { root, download: { files: [entry], present } });
    expect(readdirSync(root)).toEqual(["cifar-10-batches-bin"]);
    expect((await loadDataset("cifar10", { root })).size).toBe(20);
    expect((await loadDataset("cifar10", { root, split: "test" })).factors!.classes([2])[0]).toBe(2);
  });

  it("unpacks a zip, refusing entries that would land outside the folder", async () => {
    const zip = Buffer.from(
      zipSync({ "tiny-imagenet-200/wnids.txt": Buffer.from("n01\n"), "tiny-imagenet-200/val/val_annotations.txt": Buffer.from("") }),
    );
    const root = join(tmp, "zip");
    await fetchDataset("tiny-imagenet", {
      root,
      download: { files: [serve("zip/t.zip", zip, "ok", { extract: "zip" })], present: ["tiny-imagenet-200/wnids.txt"] },
    });
    expect(readFileSync(join(root, "tiny-imagenet-200", "wnids.txt"), "utf8")).toBe("n01\n");
    expect(readdirSync(root)).toEqual(["tiny-imagenet-200"]);

    const evil = Buffer.from(zipSync({ "../escaped.txt": Buffer.from("x") }));
    const root2 = join(tmp, "zip-evil");
    const err = await fetchDataset("tiny-imagenet", {
      root: root2,
      download: { files: [serve("zip/evil.zip", evil, "ok", { extract: "zip" })], present: ["escaped.txt"] },
    }).catch((e: unknown) => e);
    expect((err as SculptError).problem).toMatch(/entry '\.\.\/escaped\.txt' would land outside the data folder/);
    expect(existsSync(join(tmp, "escaped.txt"))).toBe(false);
  });

  it("sculpt data fetch mnist --root DIR gives files sculpt data info reads; a killed fetch reruns to completion", async () => {
    const sources = join(tmp, "sources.json");
    const download = mnistDownload("cli", { "train-images-idx3-ubyte.gz": "stall" });
    // The stalled file needs more than the 64 KB the server sends before stalling.
    const big = idxFiles(200, noise(200 * 784, 3), 0);
    download.files[0] = serve("cli/train-images-idx3-ubyte.gz", big.images, "stall");
    download.files[1] = serve("cli/train-labels-idx1-ubyte.gz", big.labels);
    writeFileSync(sources, JSON.stringify({ mnist: download }));
    const root = join(tmp, "cli");

    const child = spawnCli(["data", "fetch", "mnist", "--root", root], { SCULPT_DATA_SOURCES: sources });
    const part = join(root, "train-images-idx3-ubyte.gz.part");
    await waitFor("a partial download", () => existsSync(part) && statSync(part).size >= 64 * 1024, 60_000, 50);
    child.child.kill("SIGKILL");
    await child.exited;
    expect(child.output()).toContain(`train-images-idx3-ubyte.gz: downloading ${base}/cli/train-images-idx3-ubyte.gz`);
    expect(existsSync(join(root, "train-images-idx3-ubyte.gz"))).toBe(false); // no half file in place

    files.get("/cli/train-images-idx3-ubyte.gz")!.mode = "ok";
    vi.stubEnv("SCULPT_DATA_SOURCES", sources);
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      await buildProgram().parseAsync(["node", "sculpt", "data", "fetch", "mnist", "--root", root]);
      expect(out.at(-1)).toMatch(new RegExp(`^mnist: downloaded train-images-idx3-ubyte.gz, .* checksums verified, ready in ${root}$`));
      expect(requests.filter((q) => q.path === "/cli/train-images-idx3-ubyte.gz").at(-1)!.range).toBe(`bytes=${64 * 1024}-`);
      out.length = 0;
      await buildProgram().parseAsync(["node", "sculpt", "data", "info", "mnist", "--root", root, "--json"]);
    } finally {
      log.mockRestore();
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
    expect(JSON.parse(out.join(""))).toMatchObject({ name: "mnist", size: 200, shape: [28, 28, 1] });
  });

  it("sculpt train with missing files names the folder and the fetch, and writes nothing; with --download it fetches, then trains", async () => {
    const sources = join(tmp, "train-sources.json");
    writeFileSync(sources, JSON.stringify({ mnist: mnistDownload("train") }));
    const root = join(tmp, "train-data");
    const out = join(tmp, "train-run");
    const args = ["train", "--dataset", "mnist", "--model", "ae-mmd", "--epochs", "1", "--batch", "4", "--root", root, "--out", out];

    const missing = spawnCli(args, { SCULPT_DATA_SOURCES: sources });
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toContain(`error: mnist: missing ${join(root, "train-images-idx3-ubyte")}[.gz]`);
    expect(missing.output()).toContain(
      `fix: run \`sculpt data fetch mnist --root ${root}\` first (or add --download to sculpt train, sweep, eval or data info/preview/export)`,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(root)).toBe(false);

    const fetched = spawnCli([...args, "--download"], { SCULPT_DATA_SOURCES: sources });
    expect(await fetched.exited, fetched.output()).toBe(0);
    expect(fetched.output()).toContain(`mnist: downloaded train-images-idx3-ubyte.gz, `);
    expect(fetched.output()).toContain(`done in `);
    expect(readdirSync(root).sort()).toEqual([
      "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz",
      "train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz",
    ]);
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8"))).toMatchObject({ dataset: "mnist", datasetOptions: { root } });

    // The run moved to a machine without the files: eval --download fetches them into the run's root.
    rmSync(root, { recursive: true });
    const evaluated = spawnCli(["eval", "--run", out, "--only", "nmse", "--download", "--json"], { SCULPT_DATA_SOURCES: sources });
    expect(await evaluated.exited, evaluated.output()).toBe(0);
    expect(evaluated.output()).toMatch(/^mnist: downloaded .*t10k-images-idx3-ubyte\.gz.*checksums verified, ready in /m);
    expect(existsSync(join(root, "t10k-images-idx3-ubyte.gz"))).toBe(true);
  }, 300_000); // three CLI processes, one of them training
});
