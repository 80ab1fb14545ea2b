import { describe, expect, it } from "vitest";
import { softwareAdapter, softwareRenderer } from "./software.js";

describe("software WebGPU adapters and WebGL renderers", () => {
  it("names headless Chromium's SwiftShader adapter (isFallbackAdapter on its info) as software", () => {
    const swiftshader = { info: { vendor: "google", architecture: "swiftshader", device: "", description: "", isFallbackAdapter: true } };
    expect(softwareAdapter(swiftshader)).toBe("WebGPU adapter is software (google swiftshader)");
    expect(softwareAdapter({ isFallbackAdapter: true })).toBe("WebGPU adapter is software (a fallback adapter)");
    expect(softwareAdapter({ info: { vendor: "mesa", description: "llvmpipe (LLVM 15.0.6, 256 bits)" } })).toMatch(/llvmpipe/);
    expect(softwareAdapter({ info: { vendor: "intel", description: "CPU adapter" } })).toMatch(/software \(intel CPU adapter\)/);
  });

  it("passes hardware adapters and renderers", () => {
    expect(softwareAdapter({ info: { vendor: "nvidia", architecture: "ampere", description: "NVIDIA GeForce RTX 3060" } })).toBeNull();
    expect(softwareAdapter({ info: { vendor: "apple", architecture: "metal-3" } })).toBeNull();
    expect(softwareRenderer("ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)")).toBeNull();
    expect(softwareRenderer(null)).toBeNull();
  });

  it("names SwiftShader and llvmpipe WebGL renderers as software", () => {
    const angle = "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)";
    expect(softwareRenderer(angle)).toBe(`WebGL renderer is software (${angle})`);
    expect(softwareRenderer("llvmpipe (LLVM 15.0.6, 256 bits)")).toMatch(/software/);
  });
});
