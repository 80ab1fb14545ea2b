/**
 * Rendering figures in Node: vega-lite spec → SVG string through vega's headless View (no canvas,
 * no browser), and RGBA image grids → PNG data: URIs through pngjs. SVG element ids are prefixed
 * per figure because inline SVGs share one id namespace in an HTML page.
 */
import { PNG } from "pngjs";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { RgbaImage } from "../../core/figures/index.js";
import { SculptError } from "../../core/registry.js";

export interface RenderOptions {
  /** Prefix for the SVG's element ids, unique within the page. */
  idPrefix?: string;
  /** Receives vega-lite/vega warnings (ignored by default). */
  onWarning?: (message: string) => void;
}

export async function renderSvg(spec: TopLevelSpec, options: RenderOptions = {}): Promise<string> {
  const warn = (...args: unknown[]) => options.onWarning?.(args.map(String).join(" "));
  const logger = {
    level: (_?: number) => logger,
    warn: (...a: unknown[]) => (warn(...a), logger),
    info: () => logger,
    debug: () => logger,
    error: (...a: unknown[]) => (warn(...a), logger),
  };
  let view: vega.View | undefined;
  try {
    const compiled = compile(spec, { logger: logger as never }).spec;
    view = new vega.View(vega.parse(compiled), { renderer: "none", logger: logger as never });
    const svg = await view.toSVG();
    return options.idPrefix ? prefixIds(svg, options.idPrefix) : svg;
  } catch (err) {
    throw new SculptError(`could not render a figure: ${(err as Error).message}`, "this is a bug in the figure's spec; please report it");
  } finally {
    view?.finalize();
  }
}

/** Rename every id="x" to id="prefix-x" and its references (url(#x), href="#x"). */
export function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}

export function pngDataUri(image: RgbaImage): string {
  return `data:image/png;base64,${encodePng(image).toString("base64")}`;
}
