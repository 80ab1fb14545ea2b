/**
 * NumPy `.npy` (format 1.0/2.0/3.0) parsing and writing on bytes, so it runs in the browser too;
 * src/node/npy-file.ts adds the files. Supported: float32, float64, int64, int32, uint8, C order,
 * little-endian. Anything else gets an error that names the header field and the fix.
 */
import { SculptError } from "../registry.js";

export type NpyDtype = "float32" | "float64" | "int64" | "int32" | "uint8";

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** int64 arrays are returned as Float64Array (exact up to 2^53). */
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

const DESCR: Record<string, NpyDtype> = {
  "<f4": "float32",
  "<f8": "float64",
  "<i8": "int64",
  "<i4": "int32",
  "|u1": "uint8",
  "<u1": "uint8",
};
const WRITE_DESCR: Record<NpyDtype, string> = {
  float32: "<f4",
  float64: "<f8",
  int64: "<i8",
  int32: "<i4",
  uint8: "|u1",
};
const ITEMSIZE: Record<NpyDtype, number> = { float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1 };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** What a .npy header says: the array's type and shape, and where its data starts and ends. */
export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Byte offset of the data. */
  start: number;
  /** Bytes of data the shape needs. */
  need: number;
}

/** Bytes that always hold a .npy file's header length field (magic, version, length). */
export const NPY_PREAMBLE = 12;
/** Longest header accepted (numpy writes well under 1 KiB): a longer one is not a real header. */
export const MAX_NPY_HEADER = 65536;

/**
 * Parse the header at the start of `bytes` (which needs to hold only the header). Refuses a shape
 * that is not a list of whole numbers ≥ 0, or whose data could not be held in memory.
 */
export function parseNpyHeader(bytes: Uint8Array, name = "array"): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SculptError(
      `${name} is not a .npy file (missing \\x93NUMPY magic)`,
      "save it with numpy.save or `sculpt ... --out FILE.npy`",
    );
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if ((major === 2 || major === 3) && bytes.length >= 12) {
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else {
    throw new SculptError(`${name}: unsupported .npy format version ${major}`, "re-save with numpy.save");
  }
  if (headerLen > MAX_NPY_HEADER) {
    throw new SculptError(
      `${name}: .npy header of ${headerLen} bytes (at most ${MAX_NPY_HEADER})`,
      "the file is corrupt; re-save it with numpy.save",
    );
  }
  if (bytes.length < offset + headerLen) {
    throw new SculptError(`${name}: .npy header cut short`, "the file is truncated or corrupt; re-create it");
  }
  const header = new TextDecoder("latin1").decode(bytes.subarray(offset, offset + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new SculptError(`${name}: malformed .npy header '${header.trim()}'`, "re-save with numpy.save");
  }
  const dtype = DESCR[descr];
  if (!dtype) {
    throw new SculptError(
      `${name}: unsupported dtype '${descr}'`,
      "convert to float32, float64, int64, int32 or uint8 (little-endian), e.g. a.astype('float32')",
    );
  }
  if (fortran === "True") {
    throw new SculptError(`${name}: Fortran-ordered arrays are not supported`, "save np.ascontiguousarray(a)");
  }
  const parts = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const shape = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) {
    throw new SculptError(
      `${name}: the .npy shape (${shapeText}) is not a list of whole numbers ≥ 0`,
      "the header is corrupt; re-save with numpy.save",
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * ITEMSIZE[dtype];
  if (need > MAX_NPY_BYTES) {
    throw new SculptError(
      `${name}: shape [${shape}] needs ${need.toExponential(2)} bytes, more than can be held (at most ${MAX_NPY_BYTES} bytes)`,
      "split the array into smaller files",
    );
  }
  return { dtype, shape, start: offset + headerLen, need };
}

/** The largest array data read (the longest typed array V8 allocates is about 2^32 bytes). */
export const MAX_NPY_BYTES = 2 ** 32;

export function parseNpy(bytes: Uint8Array, name = "array"): NpyArray {
  const { dtype, shape, start, need } = parseNpyHeader(bytes, name);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start < need) {
    throw new SculptError(
      `${name}: truncated .npy data (${bytes.length - start} bytes, shape [${shape}] needs ${need})`,
      "the file was cut short; re-create it",
    );
  }
  // Copy (aligned, detached from the source). Not bytes.slice: on a Node Buffer that is a view into a shared pool.
  const raw = new Uint8Array(need);
  raw.set(bytes.subarray(start, start + need));
  let data: NpyArray["data"];
  switch (dtype) {
    case "float32":
      data = new Float32Array(raw.buffer, 0, count);
      break;
    case "float64":
      data = new Float64Array(raw.buffer, 0, count);
      break;
    case "int32":
      data = new Int32Array(raw.buffer, 0, count);
      break;
    case "uint8":
      data = raw;
      break;
    case "int64": {
      const big = new BigInt64Array(raw.buffer, 0, count);
      data = Float64Array.from(big, (v) => Number(v));
      break;
    }
  }
  return { dtype, shape, data };
}

export function serializeNpy(arr: NpyArray): Uint8Array {
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (arr.data.length !== count) {
    throw new SculptError(`npy data has ${arr.data.length} values but shape [${arr.shape}] needs ${count}`);
  }
  const shapeText = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(", ")})`;
  let header = `{'descr': '${WRITE_DESCR[arr.dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad so that data starts on a 64-byte boundary (numpy's rule), ending with '\n'.
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + count * ITEMSIZE[arr.dtype]);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = out.subarray(10 + header.length);
  if (arr.dtype === "int64") {
    const big = new BigInt64Array(body.buffer, body.byteOffset, count);
    for (let i = 0; i < count; i++) big[i] = BigInt(Math.round(arr.data[i]));
  } else {
    const Ctor = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array }[arr.dtype];
    new Ctor(body.buffer, body.byteOffset, count).set(arr.data as ArrayLike<number>);
  }
  return out;
}
