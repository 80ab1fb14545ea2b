import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "runs/", "native/build/", "**/*.js", "!eslint.config.js"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The core must stay browser-safe: no Node built-ins (STYLE §1).
    files: ["src/core/**/*.ts", "src/engine/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "path", "os", "child_process", "../node/*", "../../node/*", "../../../node/*"],
              message: "src/core and src/engine must stay browser-safe",
            },
          ],
        },
      ],
    },
  },
  {
    // The CLI parses arguments and calls the public API: only sculpt/node's entry point (src/node/index.ts).
    files: ["src/cli/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../core/*", "../../core/*", "../node/*", "!../node/index.js", "../../node/*", "!../../node/index.js"],
              message: "the CLI imports only the public API (src/node/index.ts)",
            },
          ],
        },
      ],
    },
  },
);
