#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` via the prepare script).
import("../dist/cli/main.js")
  .then((m) => m.main(process.argv))
  .catch((err) => {
    console.error(err?.message ?? err);
    process.exit(1);
  });
