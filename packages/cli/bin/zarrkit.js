#!/usr/bin/env node
// Committed shim: pnpm links bins before the first build, so the bin cannot point into dist/.
import module from "node:module";

// Node 22.1+ keeps compiled code between runs (in the OS temp dir, or NODE_COMPILE_CACHE): a
// command's start-up then skips most compilation. Node 20 has no such cache.
module.enableCompileCache?.();
const { main } = await import("../dist/main.js");

process.exitCode = await main(process.argv.slice(2));
