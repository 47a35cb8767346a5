// An example third-party zarrkit extension, written against @zarrkit/core's public API only.
// Its default export is one Extension bundle: a codec, a store and a chunk-key encoding.
import { assertValidKey, childrenOf, InvalidMetadataError } from "@zarrkit/core";

/**
 * `example.xor`: a bytes->bytes codec that XORs every byte with a key (0-255). It is its own
 * inverse, so decoding is the same operation.
 * @type {import("@zarrkit/core").CodecExtension}
 */
export const xorCodec = {
  kind: "codec",
  name: "example.xor",
  codecKind: "bytes_to_bytes",
  fromConfig(configuration) {
    const key = configuration?.key;
    const extra = Object.keys(configuration ?? {}).filter((k) => k !== "key");
    if (extra.length > 0)
      throw new InvalidMetadataError(
        `codec "example.xor": unknown configuration field(s) ${extra.join(", ")}`,
      );
    if (typeof key !== "number" || !Number.isInteger(key) || key < 0 || key > 255)
      throw new InvalidMetadataError(
        `codec "example.xor": configuration.key must be an integer 0..255, got ${JSON.stringify(key ?? null)}`,
      );
    const xor = (bytes) => {
      const out = new Uint8Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] ^ key;
      return out;
    };
    return {
      kind: "bytes_to_bytes",
      name: "example.xor",
      toConfig: () => ({ name: "example.xor", configuration: { key } }),
      encode: xor,
      decode: xor,
      encodedSize: (decodedSize) => decodedSize,
    };
  },
  samples: [{ key: 90 }, { key: 255 }],
  dataTypes: "all",
};

/**
 * `example.flat`: chunk keys "k" + coordinates joined by "_" ("k0_12_3"; "k" for 0-d), all in
 * one directory level.
 * @type {import("@zarrkit/core").ChunkKeyEncodingExtension}
 */
export const flatKeys = {
  kind: "chunk-key-encoding",
  name: "example.flat",
  fromConfig(configuration) {
    if (configuration !== undefined && Object.keys(configuration).length > 0)
      throw new InvalidMetadataError('chunk_key_encoding "example.flat" takes no configuration');
    return {
      name: "example.flat",
      encode: (coords) => `k${coords.join("_")}`,
      decode(key, rank) {
        if (!key.startsWith("k")) return undefined;
        const parts = key === "k" ? [] : key.slice(1).split("_");
        if (parts.length !== rank || parts.some((p) => !/^(0|[1-9][0-9]*)$/.test(p)))
          return undefined;
        return parts.map(Number);
      },
      toConfig: () => ({ name: "example.flat" }),
    };
  },
  samples: [undefined],
};

/**
 * `example-memory`: a store over a Map shared by name, for `example-memory://name` locations.
 * @implements {import("@zarrkit/core").WritableStore}
 */
export class ExampleMemoryStore {
  capabilities = { readable: true, writable: true, listable: true, ranges: true };
  /** @param {Map<string, Uint8Array>} map */
  constructor(map = new Map()) {
    this.map = map;
  }
  async get(key, options = {}) {
    assertValidKey(key);
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    const range = options.range;
    if (range === undefined) return value.slice();
    if ("suffix" in range) return value.slice(Math.max(0, value.length - range.suffix));
    if (range.offset + range.length > value.length)
      throw new RangeError(`range past the end of ${key}`);
    return value.slice(range.offset, range.offset + range.length);
  }
  async set(key, value) {
    assertValidKey(key);
    this.map.set(key, value.slice());
  }
  async delete(key) {
    assertValidKey(key);
    this.map.delete(key);
  }
  async *list(prefix) {
    for (const key of [...this.map.keys()].sort()) if (key.startsWith(prefix)) yield key;
  }
  async listDir(prefix) {
    return childrenOf(this.map.keys(), prefix);
  }
}

const named = new Map();

/** @type {import("@zarrkit/core").StoreExtension} */
export const exampleMemoryStore = {
  kind: "store",
  name: "example-memory",
  schemes: ["example-memory"],
  open(url) {
    const name = url.slice("example-memory://".length);
    if (!named.has(name)) named.set(name, new Map());
    return new ExampleMemoryStore(named.get(name));
  },
  async testInstance() {
    return { store: new ExampleMemoryStore(), teardown: async () => {} };
  },
};

/** @type {import("@zarrkit/core").Extension} */
const extension = {
  name: "zarrkit-extension-example",
  module: import.meta.url,
  codecs: [xorCodec],
  chunkKeyEncodings: [flatKeys],
  stores: [exampleMemoryStore],
};

export default extension;
