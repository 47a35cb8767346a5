// Codec throughput, encode and decode, on 64 MiB of float32 (smooth values plus noise): the
// median of several runs, MB/s of decoded data, for each candidate backend available offline.
// Run with `pnpm bench` (after a build). Set ZARRKIT_BENCH_MIB for a smaller buffer,
// ZARRKIT_BENCH_ONLY=blosc (say) for the rows whose codec starts with that.
import { createRequire } from "node:module";
import { gunzipSync, gzipSync } from "node:zlib";
import { coreDataType, createRegistry } from "@zarrkit/core";
import Blosc from "numcodecs/blosc";
import GZip from "numcodecs/gzip";
import LZ4 from "numcodecs/lz4";
import Zlib from "numcodecs/zlib";
import Zstd from "numcodecs/zstd";
import codecsExtension, {
  BloscCodec,
  codecBackends,
  DeflateCodec,
  nodeDeflate,
  wasmBlosc,
  wasmZstd,
  ZstdCodec,
} from "../dist/index.js";

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

/** The same, decoding into one reused buffer (what the pipeline does with fixed-size chunks). */
async function zarrkitInto(name, configuration) {
  const codec = await registry.get("codec", name).fromConfig(configuration, { spec, registry });
  const target = new Uint8Array(data.length);
  return {
    encode: (b) => codec.encode(b),
    decode: async (b) => {
      await codec.decodeInto(b, target);
      return target;
    },
  };
}

// [codec, backend, role, factory]: "zarrkit" is the backend zarrkit uses, "numcodecs" the npm
// numcodecs default that the ratio columns compare it with, "alt" another candidate.
// Other backends on the npm registry that install offline on Node 20 (dev dependencies here).
const require = createRequire(import.meta.url);
const pako = require("pako");
const fzstd = require("fzstd");
const bokuweb = require("@bokuweb/zstd-wasm");
await bokuweb.init();

/** A codec on a backend other than the one this process chose. */
const on = (codec) => ({
  encode: (b) => codec.encode(b),
  decode: (b) => codec.decode(b, data.length),
});
const chosen = (backend) => backend.name;

const candidates = [
  ["gzip 5", chosen(codecBackends.deflate), "zarrkit", () => zarrkit("gzip", { level: 5 })],
  [
    "gzip 5",
    "node:zlib async",
    "alt",
    async () => on(new DeflateCodec("gzip", "gzip", 5, nodeDeflate)),
  ],
  [
    "gzip 5",
    "node:zlib sync",
    "alt",
    async () => ({ encode: (b) => gzipSync(b, { level: 5 }), decode: (b) => gunzipSync(b) }),
  ],
  ["gzip 5", "numcodecs (fflate)", "numcodecs", async () => GZip.fromConfig({ level: 5 })],
  [
    "gzip 5",
    "pako",
    "alt",
    async () => ({ encode: (b) => pako.gzip(b, { level: 5 }), decode: (b) => pako.ungzip(b) }),
  ],
  [
    "zlib 5",
    chosen(codecBackends.deflate),
    "zarrkit",
    () => zarrkit("numcodecs.zlib", { level: 5 }),
  ],
  [
    "zlib 5",
    "node:zlib async",
    "alt",
    async () => on(new DeflateCodec("numcodecs.zlib", "zlib", 5, nodeDeflate)),
  ],
  ["zlib 5", "numcodecs (fflate)", "numcodecs", async () => Zlib.fromConfig({ level: 5 })],
  [
    "zstd 3",
    chosen(codecBackends.zstd),
    "zarrkit",
    () => zarrkit("zstd", { level: 3, checksum: false }),
  ],
  ["zstd 3", "numcodecs WASM", "numcodecs", async () => Zstd.fromConfig({ level: 3 })],
  [
    "zstd 3",
    "@bokuweb/zstd-wasm",
    "alt",
    async () => ({ encode: (b) => bokuweb.compress(b, 3), decode: (b) => bokuweb.decompress(b) }),
  ],
  [
    "zstd 3",
    "fzstd (pure JS decoder; numcodecs encodes)",
    "alt",
    async () => {
      const zstd = Zstd.fromConfig({ level: 3 });
      return { encode: (b) => zstd.encode(b), decode: (b) => fzstd.decompress(b) };
    },
  ],
  [
    "zstd 3",
    "numcodecs WASM + checks (zarrkit without @zarrkit/native)",
    "alt",
    async () => {
      const codec = ZstdCodec.fromConfig("zstd", { level: 3, checksum: false }, wasmZstd);
      return { encode: (b) => codec.encode(b), decode: (b) => codec.decode(b, data.length) };
    },
  ],
  [
    "blosc lz4 5 shuffle",
    chosen(codecBackends.blosc),
    "zarrkit",
    () => zarrkit("blosc", { cname: "lz4", clevel: 5, shuffle: "shuffle", blocksize: 0 }),
  ],
  [
    "blosc lz4 5 shuffle",
    "c-blosc 1.21.3 WASM SIMD (zarrkit without @zarrkit/native)",
    "alt",
    async () =>
      on(
        BloscCodec.fromConfig(
          "blosc",
          { cname: "lz4", clevel: 5, shuffle: "shuffle", blocksize: 0 },
          4,
          wasmBlosc,
        ),
      ),
  ],
  [
    "blosc lz4 5 shuffle",
    `${codecBackends.blosc.name}, decodeInto (no copy of the result)`,
    "alt",
    () => zarrkitInto("blosc", { cname: "lz4", clevel: 5, shuffle: "shuffle", blocksize: 0 }),
  ],
  [
    "blosc lz4 5 shuffle",
    "numcodecs c-blosc WASM",
    "numcodecs",
    async () => Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }),
  ],
  [
    "blosc lz4 5 bitshuffle",
    chosen(codecBackends.blosc),
    "zarrkit",
    () => zarrkit("blosc", { cname: "lz4", clevel: 5, shuffle: "bitshuffle", blocksize: 0 }),
  ],
  [
    "blosc lz4 5 bitshuffle",
    "numcodecs c-blosc WASM",
    "numcodecs",
    async () => Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 2, blocksize: 0 }),
  ],
  [
    "blosc zstd 3 shuffle",
    chosen(codecBackends.blosc),
    "zarrkit",
    () => zarrkit("blosc", { cname: "zstd", clevel: 3, shuffle: "shuffle", blocksize: 0 }),
  ],
  [
    "blosc zstd 3 shuffle",
    "numcodecs c-blosc WASM",
    "numcodecs",
    async () => Blosc.fromConfig({ cname: "zstd", clevel: 3, shuffle: 1, blocksize: 0 }),
  ],
  [
    "lz4",
    "numcodecs WASM (zarrkit)",
    "zarrkit",
    () => zarrkit("numcodecs.lz4", { acceleration: 1 }),
  ],
  ["lz4", "numcodecs WASM", "numcodecs", async () => LZ4.fromConfig({ acceleration: 1 })],
  ["crc32c", "zarrkit JS", "zarrkit", () => zarrkit("crc32c", undefined)],
  ["shuffle", "zarrkit JS", "zarrkit", () => zarrkit("numcodecs.shuffle", { elementsize: 4 })],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (ms) => (data.length / 1e6 / (ms / 1000)).toFixed(0);

const rows = [];
const only = process.env.ZARRKIT_BENCH_ONLY;
for (const [codec, backend, role, make] of candidates) {
  if (only !== undefined && !codec.startsWith(only)) continue;
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
    if (Buffer.compare(Buffer.from(decoded), Buffer.from(data)) !== 0)
      throw new Error(`${codec} ${backend}: decoded bytes differ`);
    if (r > 0) {
      enc.push(te);
      dec.push(td);
    }
  }
  rows.push({ codec, backend, role, enc: median(enc), dec: median(dec), size: encoded.length });
}

// Ratios: the numcodecs default's time over this row's (above 1 = faster than numcodecs).
const vs = (row, key) => {
  const base = rows.find((r) => r.codec === row.codec && r.role === "numcodecs");
  return base === undefined || row.role === "numcodecs"
    ? ""
    : `${(base[key] / row[key]).toFixed(2)}x`;
};
console.log(
  "| codec | backend | encode MB/s | decode MB/s | compression | encode vs numcodecs | decode vs numcodecs |",
);
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const row of rows) {
  const name = row.role === "zarrkit" ? `**${row.backend}**` : row.backend;
  console.log(
    `| ${row.codec} | ${name} | ${mbps(row.enc)} | ${mbps(row.dec)} | ${(data.length / row.size).toFixed(2)} | ${vs(row, "enc")} | ${vs(row, "dec")} |`,
  );
}
