# Builds sculpt's optional native kernels (native/*.cc, see addon.cc) against the system oneDNN.
# scripts/build-native.mjs runs this only when the oneDNN headers are installed.
{
  "targets": [
    {
      "target_name": "sculpt_native",
      "sources": ["addon.cc", "common.cc", "conv.cc", "data_gradient.cc", "matmul.cc", "elementwise.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-O3", "-fopenmp", "-std=c++17", "-fno-math-errno", "-fno-trapping-math", "-Wno-psabi"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
