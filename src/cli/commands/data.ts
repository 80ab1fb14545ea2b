/**
 * `sculpt data list|fetch|info|preview|export`: the data sets and where their files are, downloads,
 * what a set holds, a grid of images, .npy exports.
 */
import type { Command } from "commander";
import {
  consoleProgress,
  dataStatus,
  datasetInfo,
  exportDataset,
  fetchableDatasets,
  fetchDataset,
  listDatasets,
  loadDataset,
  SculptError,
  writePreview,
  type DatasetOptions,
  type FetchResult,
  type Split,
} from "../../node/index.js";
import { dataOptions, ensureDataFiles, fetchLine, withDataOptions, withDownload, type DataFlags } from "../data-options.js";
import { intOption } from "../numbers.js";
import { printJson } from "../output.js";

interface OpenOptions extends DataFlags {
  split: string;
  json?: boolean;
}

function datasetOptions(opts: OpenOptions): Partial<DatasetOptions> {
  if (opts.split !== "train" && opts.split !== "test")
    throw new SculptError(`unknown split '${opts.split}'`, "use --split train or --split test");
  return { split: opts.split as Split, ...dataOptions(opts) };
}

/** The options every subcommand that opens a set shares. */
function withOpenOptions(cmd: Command): Command {
  return withDownload(withDataOptions(cmd.option("--split <split>", "train|test", "train"), ["root"])).option("--json", "print JSON");
}

export function dataCommand(program: Command): void {
  const data = program.command("data").description("data sets: list, describe, preview, export");

  data
    .command("list")
    .description("every data set, with its image shape, and for downloadable ones whether its files are present and where")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const sets = listDatasets().map((s) => {
        const st = fetchableDatasets().includes(s.name) ? dataStatus(s.name) : undefined;
        return { ...s, ...(st ? { present: st.present, folder: st.folder } : {}) };
      });
      if (opts.json) return printJson(sets);
      for (const s of sets) {
        console.log(`${s.name.padEnd(14)} ${s.shape ? s.shape.join("×").padEnd(9) : "(files)  "} ${s.description}`);
        if (s.folder)
          console.log(
            `${"".padEnd(25)}${s.present ? "present in" : "not fetched:"} ${s.folder}${s.present ? "" : ` (sculpt data fetch ${s.name})`}`,
          );
      }
    });

  data
    .command("fetch <names...>")
    .description(`download sets, verify their published checksums and unpack them (${fetchableDatasets().join(", ")})`)
    .option("--root <dir>", "folder for the set's files (one set only); default: $SCULPT_DATA/<set>, else the user cache")
    .option("--json", "print JSON")
    .action(async (names: string[], opts: { root?: string; json?: boolean }) => {
      if (opts.root !== undefined && names.length > 1)
        throw new SculptError("--root names one set's folder", "fetch one set at a time with --root");
      const results: FetchResult[] = [];
      for (const name of names) {
        const r = await fetchDataset(name, { root: opts.root, progress: consoleProgress() });
        results.push(r);
        if (!opts.json) console.log(fetchLine(r));
      }
      if (opts.json) printJson(results);
    });

  withDataOptions(withOpenOptions(data.command("info <name>").description("size, shape, factors and split rule of a set")), [
    "limit",
  ]).action(async (name: string, opts: OpenOptions) => {
    await ensureDataFiles(name, opts);
    const info = datasetInfo(name, await loadDataset(name, datasetOptions(opts)));
    if (opts.json) return printJson(info);
    console.log(`${info.name}: ${info.size} images of ${info.shape.join("×")} — ${info.description}`);
    console.log(`split: ${info.splitRule}`);
    if (info.factors) console.log(`factors: ${info.factors.names.map((n, k) => `${n} (${info.factors!.sizes[k]})`).join(", ")}`);
    console.log(`source: ${info.source}`);
  });

  withOpenOptions(data.command("preview <name>").description("an 8×8 grid of images as a PNG"))
    .requiredOption("--out <file>", "output .png")
    .option("--seed <s>", "seed of the image draw", "0")
    .option("--rows <n>", "rows of the grid", "8")
    .option("--cols <n>", "columns of the grid", "8")
    .option("--scale <k>", "enlarge each pixel k times (default: images below 64 px are enlarged)")
    .action(async (name: string, opts: OpenOptions & { out: string; seed: string; rows: string; cols: string; scale?: string }) => {
      await ensureDataFiles(name, opts);
      const d = await loadDataset(name, datasetOptions(opts));
      const out = writePreview(opts.out, d, {
        seed: intOption(opts.seed, "seed"),
        rows: intOption(opts.rows, "rows"),
        cols: intOption(opts.cols, "cols"),
        scale: opts.scale === undefined ? undefined : intOption(opts.scale, "scale"),
      });
      if (opts.json) printJson({ dataset: name, ...out });
      else console.log(`wrote ${out.images} images of ${name} to ${out.out} (${out.width}×${out.height})`);
    });

  withDataOptions(withOpenOptions(data.command("export <name>").description("write images.npy, factors.npy, values.npy and info.json")), [
    "limit",
  ])
    .requiredOption("--out <dir>", "output folder")
    .action(async (name: string, opts: OpenOptions & { out: string }) => {
      await ensureDataFiles(name, opts);
      const d = await loadDataset(name, datasetOptions(opts));
      const out = exportDataset(d, opts.out, { info: { dataset: name, split: opts.split } });
      if (opts.json) printJson({ dataset: name, ...out });
      else console.log(`wrote ${out.images} images of ${name} to ${out.files.join(", ")}`);
    });
}
