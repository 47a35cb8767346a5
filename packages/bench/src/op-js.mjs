// One timed zarrkit or zarrita.js operation in its own process: prints {"ms", "hash", "rssMiB",
// "baseMiB"} (peak resident memory, and the resident memory just before the timed operation).
//   node op-js.mjs zarrkit|zarrita VARIANT read|window|write DATA_DIR OUT_DIR
//   node op-js.mjs zarrkit|zarrita - import   (the import alone, first thing in the process)
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [impl, variant, op, data, out] = process.argv.slice(2);
if (op === "import") {
  const start = performance.now();
  if (impl === "zarrkit") await import("zarrkit");
  else await Promise.all([import("zarrita"), import("@zarrita/storage/fs")]);
  console.log(JSON.stringify({ ms: performance.now() - start, hash: null }));
  process.exit(0);
}
let baseMiB = 0;
const spec = JSON.parse(readFileSync(new URL("./datasets.json", import.meta.url), "utf8"));
const v = spec.variants[variant];
const [[w0, w1], [v0, v1]] = spec.window;
const hash = (typed) =>
  createHash("sha256")
    .update(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength))
    .digest("hex");
// The values to write, read once per page as well: readFileSync has the kernel fill them, and on
// these VMs a page's first access from JavaScript's side then costs a host fault (~6 us; the
// kernel's own copy does not count), which numpy's fromfile, copying through a buffer of its
// own, has already paid for tensorstore's values. Values an application computed are touched.
const source = () => {
  const bytes = readFileSync(join(data, "source.f32"));
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 4096) sum += bytes[i];
  if (Number.isNaN(sum)) throw new Error("unreachable");
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

async function zarrkit() {
  const z = await import("zarrkit");
  if (op === "write") {
    const values = source();
    const start = performance.now();
    const array = await z.createArray(new z.FileSystemStore(out), "", {
      shape: spec.shape,
      chunkShape: v.chunks,
      dataType: "float32",
      codecs: v.codecs,
      overwrite: true,
    });
    await array.set(null, values);
    return { ms: performance.now() - start, hash: null };
  }
  baseMiB = process.memoryUsage().rss / 1048576;
  const start = performance.now();
  const array = await z.openArray(new z.FileSystemStore(join(data, variant), { readOnly: true }));
  const result = await array.get(op === "window" ? `${w0}:${w1}, ${v0}:${v1}` : null);
  const ms = performance.now() - start;
  return { ms, hash: hash(result.data) };
}

async function zarrita() {
  const zarr = await import("zarrita");
  const { default: FileSystemStore } = await import("@zarrita/storage/fs");
  if (op === "write") {
    // zarrita.js cannot write shards and has no gzip encoder.
    if (variant === "D" || variant === "E") return { ms: null, hash: null, unsupported: true };
    const values = source();
    const start = performance.now();
    const store = new FileSystemStore(out);
    const array = await zarr.create(zarr.root(store), {
      shape: spec.shape,
      chunkShape: v.chunks,
      dtype: "float32",
      fillValue: 0,
      codecs: v.codecs,
    });
    await zarr.set(array, null, { data: values, shape: spec.shape, stride: [spec.shape[1], 1] });
    return { ms: performance.now() - start, hash: null };
  }
  const start = performance.now();
  const array = await zarr.open(zarr.root(new FileSystemStore(join(data, variant))), {
    kind: "array",
  });
  const result = await zarr.get(
    array,
    op === "window" ? [zarr.slice(w0, w1), zarr.slice(v0, v1)] : null,
  );
  const ms = performance.now() - start;
  return { ms, hash: hash(result.data) };
}

const result = await (impl === "zarrkit" ? zarrkit() : zarrita());
console.log(JSON.stringify({ ...result, rssMiB: process.resourceUsage().maxRSS / 1024, baseMiB }));
