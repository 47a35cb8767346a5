// Codec throughput, encode and decode, on 64 MiB of float32 (smooth values plus noise): the
// median of several runs, MB/s of decoded data, for each candidate backend available offline.
// Run with `pnpm bench` (after a build). Set ZARRKIT_BENCH_MIB for a smaller buffer.
import { gunzipSync, gzipSync } from "node:zlib";
import { coreDataType, createRegistry } from "@zarrkit/core";
import GZip from "numcodecs/gzip";
import codecsExtension from "../dist/index.js";

const mib = Number(process.env.ZARRKIT_BENCH_MIB ?? 64);
const runs = Number(process.env.ZARRKIT_BENCH_RUNS ?? 5);
const values = new Float32Array((mib << 20) / 4);
let seed = 1;
for (let i = 0; i < values.length; i++) {
  seed = (seed * 1103515245 + 12345) >>> 0;
  values[i] = Math.sin(i / 4000) * 50 + Math.cos(i / 97) * 3 + (seed / 2 ** 32 - 0.5) * 0.01;
}
const data = new Uint8Array(values.buffer);
const registry = createRegistry(codecsExtension);
const spec = {
  shape: [values.length],
  dataType: coreDataType("float32"),
  fillValue: new Uint8Array(4),
};

async function zarrkit(name, configuration) {
  const codec = await registry.get("codec", name).fromConfig(configuration, { spec, registry });
  return { encode: (b) => codec.encode(b), decode: (b) => codec.decode(b, data.length) };
}

const candidates = [
  ["gzip 5", "node:zlib (zarrkit)", () => zarrkit("gzip", { level: 5 })],
  [
    "gzip 5",
    "node:zlib sync",
    async () => ({ encode: (b) => gzipSync(b, { level: 5 }), decode: (b) => gunzipSync(b) }),
  ],
  ["gzip 5", "numcodecs (fflate)", async () => GZip.fromConfig({ level: 5 })],
  ["zstd 3", "numcodecs WASM (zarrkit)", () => zarrkit("zstd", { level: 3, checksum: false })],
  [
    "blosc lz4 5 shuffle",
    "zarrkit encoder + c-blosc WASM decoder",
    () => zarrkit("blosc", { cname: "lz4", clevel: 5, shuffle: "shuffle", blocksize: 0 }),
  ],
  [
    "blosc zstd 3 shuffle",
    "zarrkit encoder + c-blosc WASM decoder",
    () => zarrkit("blosc", { cname: "zstd", clevel: 3, shuffle: "shuffle", blocksize: 0 }),
  ],
  ["lz4", "numcodecs WASM (zarrkit)", () => zarrkit("numcodecs.lz4", { acceleration: 1 })],
  ["crc32c", "zarrkit JS", () => zarrkit("crc32c", undefined)],
  ["shuffle", "zarrkit JS", () => zarrkit("numcodecs.shuffle", { elementsize: 4 })],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (ms) => (data.length / 1e6 / (ms / 1000)).toFixed(0);

console.log(`| codec | backend | encode MB/s | decode MB/s | ratio |`);
console.log(`|---|---|---:|---:|---:|`);
for (const [codec, backend, make] of candidates) {
  const c = await make();
  const enc = [];
  const dec = [];
  let encoded;
  for (let r = 0; r < runs + 1; r++) {
    let t = performance.now();
    encoded = await c.encode(data);
    const te = performance.now() - t;
    t = performance.now();
    const decoded = await c.decode(encoded);
    const td = performance.now() - t;
    if (decoded.length !== data.length) throw new Error(`${codec} ${backend}: wrong decoded size`);
    if (r > 0) {
      enc.push(te);
      dec.push(td);
    }
  }
  console.log(
    `| ${codec} | ${backend} | ${mbps(median(enc))} | ${mbps(median(dec))} | ${(data.length / encoded.length).toFixed(2)} |`,
  );
}
