/**
 * What a data set is: images in [0, 1] served by index, plus ground-truth factors where they exist.
 * Storage stays compact (uint8 or rendered on demand); `images` converts only the rows asked for,
 * so dSprites' 737,280 images never need to be materialised as float32.
 */
export interface FactorInfo {
  names: string[];
  /** Number of classes per factor. */
  sizes: number[];
  /** Class indices for the given rows, row-major [n, numFactors]. */
  classes(indices: ArrayLike<number>): Int32Array;
  /** Factor values (e.g. pixel positions, colours) for the given rows, [n, numFactors]. */
  values?(indices: ArrayLike<number>): Float32Array;
  /** Names of the classes of some factors, e.g. `{ shape: ["square", "ellipse", "heart"] }`. */
  classNames?: Readonly<Record<string, readonly string[]>>;
}

export interface Dataset {
  readonly name: string;
  /** Image shape [height, width, channels]. */
  readonly shape: readonly [number, number, number];
  /** Number of images in this split. */
  readonly size: number;
  /** Images at `indices` as float32 in [0, 1], [n, H, W, C] row-major; written into `out` when given. */
  images(indices: ArrayLike<number>, out?: Float32Array): Float32Array;
  /** Ground-truth factors (synthetic sets) or class labels (real sets, one factor "label"). */
  readonly factors?: FactorInfo;
  /** How the split was chosen, for the docs and the run folder. */
  readonly splitRule: string;
}

export type Split = "train" | "test";

export interface DatasetOptions {
  split: Split;
  /** Folder of the data files (real sets); defaults per set. */
  root?: string;
  /** Keep only the first n images of the split (quick runs and tests). */
  limit?: number;
  /** Generator or loader specific options. */
  [option: string]: unknown;
}

export interface DatasetEntry {
  description: string;
  /**
   * Image shape known without loading (architecture choice, `sculpt arch`); null where only the
   * files can tell (a folder of images, a .npy).
   */
  shape: readonly [number, number, number] | null;
  /** Where the data come from (files, URL, package), for the docs and error messages. */
  source?: string;
  /** The files `sculpt data fetch` downloads for a file-backed set (declared beside its loader). */
  download?: DataDownload;
  create(options: DatasetOptions): Dataset | Promise<Dataset>;
}

/** One file to download: where from, its published checksum, and whether to unpack it. */
export interface RemoteFile {
  /** Name in the set's folder. */
  file: string;
  /** URLs tried in order: the official location first, then mirrors (torchvision's, tfds's). */
  urls: string[];
  /** Published checksum, hex: at least one of the two. */
  md5?: string;
  sha256?: string;
  /** Unpack into the set's folder once verified (the archive is then deleted). */
  extract?: "tar.gz" | "zip";
}

/** What `sculpt data fetch` gets for a set and how it tells the set is there. */
export interface DataDownload {
  files: RemoteFile[];
  /** Paths, relative to the set's folder, that exist once the set is fetched (and unpacked). */
  present: string[];
  /** Folders where a system package puts these files, tried after the cache (e.g. Debian's). */
  fallbacks?: string[];
}
