/**
 * The app's side of the JSON API (see api-types.ts): typed fetches that turn a failed request into
 * an Error carrying the server's message, and latents.npy fetched and parsed in the browser, kept
 * per run so switching views does not download it again.
 */
import { parseNpy } from "../core/io/npy.js";
import { matrix, type Matrix } from "../core/matrix.js";
import { apiUrl, fileUrl, type CatalogResponse, type RunDetail, type SweepDetail } from "./api-types.js";

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(body.error ?? `${url}: HTTP ${res.status}`);
  }
  return (await res.json()) as T;
}

export const getCatalog = () => getJson<CatalogResponse>("/api/catalog");

/**
 * The catalog, or null where no sculpt server answers: the static build on a plain web server
 * (a 404, or a page instead of JSON), where only the Train view and the playground work.
 */
export async function getCatalogIfServed(): Promise<CatalogResponse | null> {
  let res: Response;
  try {
    res = await fetch("/api/catalog");
  } catch {
    return null;
  }
  if (res.status === 404 || !(res.headers.get("content-type") ?? "").includes("json")) return null;
  if (!res.ok) return getCatalog(); // the server's own error message
  return (await res.json()) as CatalogResponse;
}
export const getRun = (id: string) => getJson<RunDetail>(apiUrl("run", id));
export const getSweep = (id: string) => getJson<SweepDetail>(apiUrl("sweep", id));

export async function getNpy(id: string, name: string) {
  const res = await fetch(fileUrl(id, name));
  if (!res.ok) throw new Error(`${name} of run ${id}: HTTP ${res.status}`);
  return parseNpy(new Uint8Array(await res.arrayBuffer()), name);
}

const latentCache = new Map<string, Promise<Matrix>>();

/** The run's codes (latents.npy, [N, d]) as a matrix. */
export function getLatents(id: string): Promise<Matrix> {
  let p = latentCache.get(id);
  if (!p) {
    p = getNpy(id, "latents.npy").then((a) => {
      if (a.shape.length !== 2) throw new Error(`latents.npy of run ${id} has shape [${a.shape}], expected [N, d]`);
      return matrix(
        a.shape[0],
        a.shape[1],
        a.data instanceof Float32Array || a.data instanceof Float64Array ? a.data : Float64Array.from(a.data),
      );
    });
    p.catch(() => latentCache.delete(id));
    latentCache.set(id, p);
  }
  return p;
}
