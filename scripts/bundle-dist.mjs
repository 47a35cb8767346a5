// Bundles a package's entry points in place, after tsc: each `dist/*.js` its package.json
// exports name (plus the files given as arguments, `from[=to]` relative to dist/) becomes one
// module, with code shared between entries in `dist/bundle-chunk-*.js`. Dependencies stay imports.
// Entries and chunks all sit in dist/ itself, so a `new URL("../x/", import.meta.url)` in a
// module of src/ (not of a subfolder) means the same place bundled or not.
// Node 20 spends most of an import resolving, reading and linking modules one by one: zarrkit's
// ~130 took 80 ms to import, as bundles 40 ms. The declarations stay as tsc wrote them.
//   node ../../scripts/bundle-dist.mjs [workers/codec-worker.js=codec-worker.js ...]
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));

/** Every "./dist/....js" string in the exports map. */
function exported(value, into) {
  if (typeof value === "string") {
    if (value.startsWith("./dist/") && value.endsWith(".js")) into.add(value.slice(7));
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) exported(v, into);
  }
  return into;
}

const entries = new Map([...exported(pkg.exports, new Set())].map((file) => [file, file]));
for (const arg of process.argv.slice(2)) {
  const [from, to = from] = arg.split("=");
  entries.set(from, to);
}

const { metafile } = await build({
  entryPoints: [...entries].map(([from, to]) => ({
    in: `dist/${from}`,
    out: to.replace(/\.js$/, ""),
  })),
  outdir: "dist",
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "es2022",
  packages: "external",
  sourcemap: true,
  chunkNames: "bundle-chunk-[hash]",
  // No keepNames: it wraps every function and class in a call that redefines its `name` at
  // import (~170 KiB of garbage for core and codecs, one more young-generation collection in a
  // short process). Nothing depends on those names: errors name themselves by their `code`.
  keepNames: false,
  logLevel: "warning",
  metafile: true,
});

// The modules now inside the bundles go (their types stay): nothing imports them any more.
// So do chunks of earlier builds (named by content, they would stay behind).
const outputs = new Set(Object.keys(metafile.outputs));
for (const entry of readdirSync("dist", { recursive: true, withFileTypes: true })) {
  const path = join(entry.parentPath, entry.name);
  if (entry.isFile() && /\.js(\.map)?$/.test(entry.name) && !outputs.has(path)) rmSync(path);
}
