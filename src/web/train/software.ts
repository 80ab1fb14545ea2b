/**
 * Is a WebGPU adapter or a WebGL renderer a software one (SwiftShader, llvmpipe, a "CPU" device)?
 * Auto backend choice skips those: headless Chromium's SwiftShader WebGPU hangs the training loop
 * at step 0 and its SwiftShader WebGL is several times slower than wasm. Plain functions over the
 * strings the browser reports, so Node tests check them.
 */

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render driver|\bcpu\b/i;

/** What a WebGPU adapter says of itself (GPUAdapter.info; isFallbackAdapter moved there from the adapter). */
export interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

/** "vendor architecture device description", the words the adapter gives (empty ones left out). */
export function adapterName(adapter: AdapterLike): string {
  const i = adapter.info ?? {};
  return [i.vendor, i.architecture, i.device, i.description].filter((s) => s && s.trim()).join(" ");
}

/** Why this adapter is software, or null for a hardware one. */
export function softwareAdapter(adapter: AdapterLike): string | null {
  const name = adapterName(adapter);
  if (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter || SOFTWARE.test(name)) {
    return `WebGPU adapter is software (${name || "a fallback adapter"})`;
  }
  return null;
}

/** Why this WebGL renderer (WEBGL_debug_renderer_info's UNMASKED_RENDERER_WEBGL) is software, or null. */
export function softwareRenderer(renderer: string | null | undefined): string | null {
  return renderer && SOFTWARE.test(renderer) ? `WebGL renderer is software (${renderer})` : null;
}
