/**
 * Drawing the figure builders' vega-lite specs into the page (SVG through vega's View), and the
 * RGBA image grids onto a canvas. Each container keeps at most one live View: a redraw finalises
 * the previous one, so the playground can redraw on every keystroke without piling up listeners.
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { RgbaImage } from "../core/figures/index.js";

const views = new WeakMap<Element, View>();

/** Render `spec` into `el` (replacing what was there). */
export async function drawSpec(el: HTMLElement, spec: TopLevelSpec): Promise<void> {
  views.get(el)?.finalize();
  const compiled = compile(spec).spec;
  const view = new View(parse(compiled), { renderer: "svg", container: el, hover: true });
  views.set(el, view);
  await view.runAsync();
}

export function clearFigure(el: HTMLElement): void {
  views.get(el)?.finalize();
  views.delete(el);
  el.replaceChildren();
}

/** An image grid as a canvas, drawn at `scale` pixels per image pixel. */
export function imageCanvas(image: RgbaImage, scale = 2): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.style.width = `${image.width * scale}px`;
  canvas.style.imageRendering = "pixelated";
  const ctx = canvas.getContext("2d");
  if (ctx) ctx.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return canvas;
}
