#!/usr/bin/env node
// Committed shim: pnpm links bins before the first build, so the bin cannot point into dist/.
import { main } from "../dist/main.js";

process.exitCode = await main(process.argv.slice(2));
