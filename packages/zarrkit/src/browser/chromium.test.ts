import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHttpServer, type TestHttpServer } from "@zarrkit/stores/testing";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArray, FileSystemStore, type NamedConfigJson } from "../index.js";

// A real headless Chromium reads a sharded array over HTTP from the loopback server, through a
// browser bundle of core, codecs, sharding and FetchStore (built for the "browser" condition,
// with no Node module in it), and makes the same requests as Node does.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) {
  const reason = `peer missing: no Chromium at ${CHROMIUM}`;
  if (process.env.ZARRKIT_REQUIRE_PEERS === "1")
    throw new Error(`${reason}; ZARRKIT_REQUIRE_PEERS=1 makes this a failure`);
  console.warn(`\n*** SKIPPING: ${reason} ***\n`);
}

const ENTRY = `
export { createArray, createContext, createRegistry, coreExtension, MemoryStore, openArray, WebWorkerPool } from "@zarrkit/core";
export { default as codecs } from "@zarrkit/codecs";
export { default as sharding } from "@zarrkit/sharding";
export { FetchStore } from "@zarrkit/stores";
`;

// The codec worker a page would bundle for WebWorkerPool.
const WORKER_ENTRY = `
import { serveCodecWorker } from "@zarrkit/core";
import codecs from "@zarrkit/codecs";
import sharding from "@zarrkit/sharding";
serveCodecWorker(self, [codecs, sharding]);
`;

const le = { name: "bytes", configuration: { endian: "little" } };
const be = { name: "bytes", configuration: { endian: "big" } };
const transpose = { name: "transpose", configuration: { order: [1, 0] } };
const PLAIN: [
  string,
  string,
  NamedConfigJson[],
  Float64Array | BigInt64Array | Uint8Array | Float32Array | Int16Array | Uint32Array | string[],
][] = [
  [
    "f64",
    "float64",
    [transpose, be, { name: "crc32c" }],
    Float64Array.from({ length: 12 }, (_, i) => i / 4 - 1),
  ],
  [
    "i64",
    "int64",
    [le, { name: "zstd", configuration: { level: 5, checksum: false } }],
    BigInt64Array.from({ length: 12 }, (_, i) => BigInt(i) * 10n ** 15n),
  ],
  [
    "u8",
    "uint8",
    [
      le,
      { name: "numcodecs.lz4", configuration: { acceleration: 1 } },
      { name: "numcodecs.adler32" },
    ],
    Uint8Array.from({ length: 12 }, (_, i) => 250 - i),
  ],
  [
    "f32",
    "float32",
    [transpose, le, { name: "numcodecs.shuffle", configuration: { elementsize: 4 } }],
    Float32Array.from({ length: 12 }, (_, i) => -i * 1.5),
  ],
  // DEFLATE in the browser comes from Compression Streams; blosc decodes through c-blosc WASM.
  [
    "gz",
    "int16",
    [be, { name: "gzip", configuration: { level: 6 } }],
    Int16Array.from({ length: 12 }, (_, i) => i * 1000 - 5000),
  ],
  [
    "zl",
    "uint32",
    [le, { name: "numcodecs.zlib", configuration: { level: 1 } }],
    Uint32Array.from({ length: 12 }, (_, i) => 4294967295 - i),
  ],
  [
    "bl",
    "float64",
    [
      le,
      {
        name: "blosc",
        configuration: { cname: "zlib", clevel: 5, shuffle: "bitshuffle", blocksize: 0 },
      },
    ],
    Float64Array.from({ length: 12 }, (_, i) => Math.sqrt(i)),
  ],
  [
    "str",
    "string",
    [{ name: "vlen-utf8" }, { name: "gzip", configuration: { level: 1 } }],
    ["", "ünï", "日本", "🧊", "a", "b", "c", "d", "e", "f", "g", "h"],
  ],
];

let root: string;
let server: TestHttpServer;
let browser: Browser;
let nodeModules: string[];

/** An ES module bundle of `entry` for browsers (the packages' "browser" entries). */
function browserBundle(entry: string) {
  return build({
    stdin: {
      contents: entry,
      resolveDir: join(dirname(fileURLToPath(import.meta.url)), ".."),
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    write: false,
    metafile: true,
  });
}

describe.skipIf(!available)("headless Chromium", () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "zarrkit-chromium-"));
    const bundle = await browserBundle(ENTRY);
    const workerBundle = await browserBundle(WORKER_ENTRY);
    // Both bundles must be free of Node modules.
    nodeModules = [bundle, workerBundle].flatMap((b) =>
      Object.keys(b.metafile.inputs).filter(
        (input) => input.startsWith("node:") || /\/node:/.test(input),
      ),
    );
    await mkdir(join(root, "app"));
    await writeFile(join(root, "app", "zarrkit.js"), bundle.outputFiles[0]!.contents);
    await writeFile(join(root, "app", "codec-worker.js"), workerBundle.outputFiles[0]!.contents);
    await writeFile(join(root, "app", "index.html"), "<!doctype html><title>zarrkit</title>");
    const bytes = { name: "bytes", configuration: { endian: "little" } };
    const array = await createArray(new FileSystemStore(join(root, "data")), "", {
      shape: [32, 32],
      chunkShape: [32, 32],
      dataType: "int32",
      codecs: [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [8, 8],
            codecs: [bytes, { name: "zstd", configuration: { level: 1, checksum: false } }],
            index_codecs: [bytes, { name: "crc32c" }],
            index_location: "end",
          },
        },
      ],
    });
    await array.set(
      null,
      Int32Array.from({ length: 1024 }, (_, i) => i),
    );
    // More data types and chains for the browser to read.
    for (const [name, dataType, codecs, values] of PLAIN) {
      const plain = await createArray(new FileSystemStore(join(root, name)), "", {
        shape: [3, 4],
        chunkShape: [2, 3],
        dataType,
        codecs,
      });
      await plain.set(null, values);
    }
    server = await startHttpServer(root);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("the browser bundles (page and codec worker) contain no Node-only module", () => {
    expect(nodeModules).toEqual([]);
  });

  it("reads a window of a sharded array with one index and one chunk request", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}app/index.html`);
    const before = server.requests.length;
    // The page script is a string: vitest would rewrite a function's dynamic import().
    const result: unknown = await page.evaluate(`(async () => {
      const z = await import("${server.url}app/zarrkit.js");
      const context = z.createContext({ registry: z.createRegistry(z.coreExtension, z.codecs, z.sharding) });
      const array = await z.openArray(new z.FetchStore("${server.url}data/"), "", { context });
      return Array.from((await array.get("9, 10:12")).data);
    })()`);
    expect(result).toEqual([298, 299]);
    const gets = server.requests
      .slice(before)
      .filter((r) => r.method === "GET" && r.path.startsWith("/data/"));
    // zarr.json, then the shard's index (a suffix range) and one inner chunk (a range).
    expect(
      gets.map((r) => [
        r.path,
        r.range?.startsWith("bytes=-") ? "suffix" : r.range === undefined ? "whole" : "range",
      ]),
    ).toEqual([
      ["/data/zarr.json", "whole"],
      ["/data/c/0/0", "suffix"],
      ["/data/c/0/0", "range"],
    ]);
    await page.close();
  });

  it("reads several data types through several codec chains", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}app/index.html`);
    for (const [name, , , values] of PLAIN) {
      const result: unknown = await page.evaluate(`(async () => {
        const z = await import("${server.url}app/zarrkit.js");
        const context = z.createContext({ registry: z.createRegistry(z.coreExtension, z.codecs, z.sharding) });
        const array = await z.openArray(new z.FetchStore("${server.url}${name}/"), "", { context });
        return Array.from((await array.get()).data, (v) => String(v));
      })()`);
      expect(result, name).toEqual(
        Array.from<number | bigint | string, string>(values, (v) => String(v)),
      );
    }
    await page.close();
  });

  it("decodes and encodes on Web Workers (WebWorkerPool), off the page's thread", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}app/index.html`);
    const result: unknown = await page.evaluate(`(async () => {
      const z = await import("${server.url}app/zarrkit.js");
      const pool = new z.WebWorkerPool(
        () => new Worker("${server.url}app/codec-worker.js", { type: "module" }),
        { threads: 2, minBytes: 0 },
      );
      await pool.ready();
      const context = z.createContext({
        registry: z.createRegistry(z.coreExtension, z.codecs, z.sharding),
        codecRunner: pool,
      });
      const le = { name: "bytes", configuration: { endian: "little" } };
      const chains = [
        [le, { name: "gzip", configuration: { level: 5 } }],
        [le, { name: "zstd", configuration: { level: 3, checksum: true } }, { name: "crc32c" }],
        [le, { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", blocksize: 0 } }],
        [{ name: "sharding_indexed", configuration: { chunk_shape: [8, 8], codecs: [le, { name: "zstd", configuration: { level: 1, checksum: false } }], index_codecs: [le, { name: "crc32c" }] } }],
      ];
      const out = [];
      for (const codecs of chains) {
        const store = new z.MemoryStore();
        const a = await z.createArray(store, "", { shape: [50, 40], chunkShape: [16, 16], dataType: "float64", codecs, context });
        const values = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i / 10) * 100);
        const before = pool.jobs;
        await a.set(null, values);
        const back = await (await z.openArray(store, "", { context })).get();
        out.push([back.data.every((v, i) => v === values[i]), pool.jobs > before]);
      }
      // A chunk the workers cannot decode fails as zarrkit's CorruptChunk, naming the chunk.
      const store = new z.MemoryStore();
      const a = await z.createArray(store, "", { shape: [16], chunkShape: [16], dataType: "float64", codecs: chains[0], context });
      await a.set(null, 1.5);
      store.map.set("c/0", Uint8Array.of(31, 139, 8, 0, 1, 2, 3));
      const error = await a.get().catch((e) => e);
      out.push([error.code, String(error).includes("c/0")]);
      pool.close();
      return out;
    })()`);
    expect(result).toEqual([
      [true, true],
      [true, true],
      [true, true],
      [true, true],
      ["CorruptChunk", true],
    ]);
    await page.close();
  });

  it("writes and reads back gzip, zlib and blosc (zlib, lz4) in the browser", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}app/index.html`);
    const result: unknown = await page.evaluate(`(async () => {
      const z = await import("${server.url}app/zarrkit.js");
      const context = z.createContext({ registry: z.createRegistry(z.coreExtension, z.codecs, z.sharding) });
      const le = { name: "bytes", configuration: { endian: "little" } };
      const chains = [
        [le, { name: "gzip", configuration: { level: 5 } }],
        [le, { name: "numcodecs.zlib", configuration: { level: 5 } }],
        [le, { name: "blosc", configuration: { cname: "zlib", clevel: 5, shuffle: "shuffle", blocksize: 0 } }],
        [le, { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "bitshuffle", blocksize: 0 } }],
      ];
      const out = [];
      for (const codecs of chains) {
        const store = new z.MemoryStore();
        const a = await z.createArray(store, "", { shape: [50, 40], chunkShape: [16, 16], dataType: "float64", codecs, context });
        const values = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i / 10) * 100);
        await a.set(null, values);
        const back = await (await z.openArray(store, "", { context })).get();
        out.push(back.data.every((v, i) => v === values[i]) && store.map.size > 1);
      }
      return out;
    })()`);
    expect(result).toEqual([true, true, true, true]);
    await page.close();
  });
});
