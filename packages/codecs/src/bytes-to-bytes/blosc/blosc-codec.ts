import {
  type BytesToBytesCodec,
  type CodecExtension,
  CorruptChunkError,
  InvalidMetadataError,
  type JsonObject,
  UnsupportedFeatureError,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";
import { byteLength, type Runs } from "../byte-runs.js";
import { decodeIntoByCopy, decodeSelectedByCopy } from "../decode-into-by-copy.js";
import type { BloscBackend } from "./blosc-backend.js";
import { type BloscHeader, type CBloscCompressOptions, readBloscHeader } from "./cblosc.js";

export type BloscShuffle = "noshuffle" | "shuffle" | "bitshuffle";
const CNAMES = ["lz4", "lz4hc", "blosclz", "zstd", "snappy", "zlib"] as const;
export type BloscCname = (typeof CNAMES)[number];
const SHUFFLE_CODES: Record<BloscShuffle, 0 | 1 | 2> = { noshuffle: 0, shuffle: 1, bitshuffle: 2 };
const SHUFFLE_NUMBERS: Record<number, BloscShuffle> = {
  0: "noshuffle",
  1: "shuffle",
  2: "bitshuffle",
};
/** The snappy format code in a frame's flags (bits 5-7). */
const SNAPPY_FORMAT = 2;
/** c-blosc's BLOSC_MAX_TYPESIZE: larger elements are shuffled as single bytes. */
const MAX_TYPESIZE = 255;
/** numcodecs' WebAssembly c-blosc, loaded only to read a snappy frame. */
let numcodecsBlosc: Promise<typeof import("numcodecs/blosc")["default"]> | undefined;

/**
 * The v3 `blosc` codec, on c-blosc 1.21.3 (a BloscBackend: native through @zarrkit/native in
 * Node when installed, else built into WebAssembly with SIMD by this package, cblosc.ts): both ways, every compressor but snappy (blosclz,
 * lz4, lz4hc, zlib, zstd), every shuffle, with the configured typesize and blocksize, one
 * thread. The frames are c-blosc's own, so numcodecs and every other c-blosc reader read them.
 * Decoding checks the frame's declared size against the stored bytes and the chunk's size
 * before anything is allocated, and can decode straight into the caller's buffer (`decodeInto`).
 * Snappy is not built in: writing it is refused (UnsupportedFeatureError); frames compressed
 * with it are read through numcodecs' WebAssembly c-blosc, loaded for them only.
 */
export class BloscCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name: string;
  readonly cname: BloscCname;
  readonly clevel: number;
  readonly shuffle: BloscShuffle;
  readonly typesize: number;
  readonly blocksize: number;
  readonly #backend: BloscBackend;
  /** Offered only where the backend decodes off the calling thread (native c-blosc). */
  readonly decodeIntoRuns?: (bytes: Uint8Array, runs: Runs) => Promise<void>;
  readonly decodeIntoStrided?: (bytes: Uint8Array, runs: Runs) => Promise<void>;
  readonly decodeSelectedInto?: BytesToBytesCodec["decodeSelectedInto"];
  readonly decodeFileSelectedInto?: BytesToBytesCodec["decodeFileSelectedInto"];
  readonly decodeFileSelectedManyInto?: BytesToBytesCodec["decodeFileSelectedManyInto"];
  readonly encodeRuns?: (runs: Runs) => Promise<Uint8Array>;
  readonly encodeStrided?: (runs: Runs) => Promise<Uint8Array>;
  readonly encodeStridedMany?: BytesToBytesCodec["encodeStridedMany"];

  constructor(
    name: string,
    fields: {
      cname: BloscCname;
      clevel: number;
      shuffle: BloscShuffle;
      typesize: number;
      blocksize: number;
    },
    backend: BloscBackend,
  ) {
    this.name = name;
    this.cname = fields.cname;
    this.clevel = fields.clevel;
    this.shuffle = fields.shuffle;
    this.typesize = fields.typesize;
    this.blocksize = fields.blocksize;
    this.#backend = backend;
    const { decompressIntoRuns, compressRuns } = backend;
    if (decompressIntoRuns !== undefined) {
      this.decodeIntoRuns = async (bytes, runs) => {
        const size = byteLength(runs);
        if (isSnappy(this.#exactHeader(bytes, size))) return decodeIntoByCopy(this, bytes, runs);
        try {
          await decompressIntoRuns.call(backend, bytes, runs);
        } catch (err) {
          throw this.#corrupt(err);
        }
      };
      this.decodeIntoStrided = this.decodeIntoRuns;
    }
    const { decompressSelected } = backend;
    if (decompressSelected !== undefined) {
      this.decodeSelectedInto = async (bytes, size, from, to) => {
        if (isSnappy(this.#exactHeader(bytes, size)))
          return decodeSelectedByCopy(this, bytes, size, from, to);
        try {
          await decompressSelected.call(backend, bytes, size, from, to);
        } catch (err) {
          throw this.#corrupt(err);
        }
      };
    }
    const { decompressFileSelected } = backend;
    if (decompressFileSelected !== undefined)
      this.decodeFileSelectedInto = (file, size, from, to) =>
        decompressFileSelected.call(backend, file, size, from, to, (err) => this.#corrupt(err));
    const { decompressFileSelectedMany } = backend;
    if (decompressFileSelectedMany !== undefined)
      this.decodeFileSelectedManyInto = (paths, size, from, to, slices) =>
        decompressFileSelectedMany.call(backend, paths, size, from, to, slices, (err) =>
          this.#corrupt(err),
        );
    if (compressRuns !== undefined) {
      this.encodeRuns = async (runs) => compressRuns.call(backend, runs, this.#compressOptions());
      this.encodeStrided = this.encodeRuns;
    }
    const { compressMany } = backend;
    if (compressMany !== undefined)
      this.encodeStridedMany = (runs, offsets) =>
        compressMany.call(backend, runs, offsets, this.#compressOptions());
  }

  /**
   * `itemSize` is the element size the codec sees (the spec fills typesize in from it). The
   * backend is prepared here (the WebAssembly module compiles while the first chunk is read).
   */
  static fromConfig(
    name: string,
    configuration: JsonObject | undefined,
    itemSize: number,
    backend: BloscBackend,
  ): BloscCodec {
    const fail = (why: string): never => {
      throw new InvalidMetadataError(`codec "${name}": ${why}`);
    };
    const c = configuration ?? {};
    onlyFields(name, c, ["cname", "clevel", "shuffle", "typesize", "blocksize"]);
    const cname = c.cname ?? "lz4";
    if (typeof cname !== "string" || !CNAMES.includes(cname as BloscCname))
      fail(`configuration.cname must be one of ${CNAMES.join(", ")}, got ${JSON.stringify(cname)}`);
    const clevel = c.clevel ?? 5;
    if (typeof clevel !== "number" || !Number.isInteger(clevel) || clevel < 0 || clevel > 9)
      fail(`configuration.clevel must be an integer 0..9, got ${JSON.stringify(clevel)}`);
    const shuffle = c.shuffle ?? (itemSize > 1 ? "shuffle" : "noshuffle");
    // Variable-length data (itemSize 0) is a plain byte stream to blosc.
    if (shuffle !== "noshuffle" && shuffle !== "shuffle" && shuffle !== "bitshuffle") {
      fail(
        `configuration.shuffle must be "noshuffle", "shuffle" or "bitshuffle", got ${JSON.stringify(shuffle)}`,
      );
    }
    const typesize = c.typesize ?? Math.max(1, itemSize);
    // Any element size is valid: c-blosc shuffles elements of more than 255 bytes as bytes
    // (zarr-python writes `<U100` arrays with the element size, 400, as their typesize).
    if (typeof typesize !== "number" || !Number.isInteger(typesize) || typesize < 1)
      fail(`configuration.typesize must be a positive integer, got ${JSON.stringify(typesize)}`);
    const blocksize = c.blocksize ?? 0;
    if (typeof blocksize !== "number" || !Number.isInteger(blocksize) || blocksize < 0)
      fail(
        `configuration.blocksize must be a non-negative integer, got ${JSON.stringify(blocksize)}`,
      );
    backend.prepare();
    return new BloscCodec(
      name,
      {
        cname: cname as BloscCname,
        clevel: clevel as number,
        shuffle: shuffle as BloscShuffle,
        typesize: typesize as number,
        blocksize: blocksize as number,
      },
      backend,
    );
  }

  toConfig() {
    return {
      name: this.name,
      configuration: {
        cname: this.cname,
        clevel: this.clevel,
        shuffle: this.shuffle,
        typesize: this.typesize,
        blocksize: this.blocksize,
      },
    };
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    return this.#backend.compress(bytes, this.#compressOptions());
  }

  #compressOptions(): CBloscCompressOptions {
    if (this.cname === "snappy") {
      throw new UnsupportedFeatureError(
        `codec "${this.name}": writing cname snappy is not supported (zarrkit's c-blosc is built without snappy; reading works); use lz4, lz4hc, blosclz, zstd or zlib`,
      );
    }
    return {
      cname: this.cname,
      clevel: this.clevel,
      shuffle: SHUFFLE_CODES[this.shuffle],
      typesize: this.typesize > MAX_TYPESIZE ? 1 : this.typesize,
      blocksize: this.blocksize,
    };
  }

  async decode(bytes: Uint8Array, decodedSize: number | undefined): Promise<Uint8Array> {
    const header = this.#header(bytes, decodedSize);
    // Loading a module is outside the try: a module that cannot load is no corrupt chunk.
    if (isSnappy(header)) {
      const snappy = await snappyDecoder();
      try {
        return await snappy.decode(bytes);
      } catch (err) {
        throw this.#corrupt(err);
      }
    }
    const out = new Uint8Array(header.nbytes);
    try {
      await this.#backend.decompressInto(bytes, out);
    } catch (err) {
      throw this.#corrupt(err);
    }
    return out;
  }

  /** A byte range of the content, decoding only the blocks that hold it (c-blosc's getitem). */
  async decodeRange(
    bytes: Uint8Array,
    offset: number,
    length: number,
    decodedSize: number | undefined,
  ): Promise<Uint8Array> {
    const header = this.#header(bytes, decodedSize);
    if (offset + length > header.nbytes) {
      throw new CorruptChunkError(
        `codec "${this.name}": bytes ${offset}..${offset + length} lie past the frame's ${header.nbytes}`,
      );
    }
    if (isSnappy(header))
      return (await this.decode(bytes, decodedSize)).slice(offset, offset + length);
    try {
      return await this.#backend.decompressRange(bytes, offset, length);
    } catch (err) {
      throw this.#corrupt(err);
    }
  }

  /** Decodes straight into `target` (no copy of the result), which must be the frame's size. */
  async decodeInto(bytes: Uint8Array, target: Uint8Array): Promise<void> {
    const header = this.#exactHeader(bytes, target.length);
    if (isSnappy(header)) return decodeIntoByCopy(this, bytes, target);
    try {
      await this.#backend.decompressInto(bytes, target);
    } catch (err) {
      throw this.#corrupt(err);
    }
  }

  /** A frame's header, which must declare exactly `size` bytes. */
  #exactHeader(bytes: Uint8Array, size: number): BloscHeader {
    const header = this.#header(bytes, size);
    if (header.nbytes !== size) {
      throw new CorruptChunkError(
        `codec "${this.name}": the frame declares ${header.nbytes} bytes, the chunk holds ${size}`,
      );
    }
    return header;
  }

  /** The frame's header, checked against the stored size and the chunk's size. */
  #header(bytes: Uint8Array, decodedSize: number | undefined): BloscHeader {
    const header = readBloscHeader(bytes);
    if (header === undefined)
      throw new CorruptChunkError(
        `codec "${this.name}": ${bytes.length} bytes cannot hold a blosc header`,
      );
    if (header.nbytes < 0 || (decodedSize !== undefined && header.nbytes > decodedSize)) {
      throw new CorruptChunkError(
        `codec "${this.name}": the frame declares ${header.nbytes} bytes, the chunk holds ${decodedSize}`,
      );
    }
    if (header.cbytes !== bytes.length)
      throw new CorruptChunkError(
        `codec "${this.name}": the frame says ${header.cbytes} bytes, ${bytes.length} are stored`,
      );
    return header;
  }

  #corrupt(err: unknown): CorruptChunkError {
    if (err instanceof CorruptChunkError) return err;
    return new CorruptChunkError(
      `codec "${this.name}": cannot decompress (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
}

/** A frame whose blocks are snappy-compressed (not one stored as is). */
const isSnappy = (header: BloscHeader): boolean =>
  (header.flags & 0x02) === 0 && header.flags >> 5 === SNAPPY_FORMAT;

async function snappyDecoder() {
  numcodecsBlosc ??= import("numcodecs/blosc").then((m) => m.default);
  return (await numcodecsBlosc).fromConfig({});
}

/** `blosc` on the given backend (c-blosc brings its own zlib, lz4 and zstd). */
export const createBloscCodecExtension = (backend: BloscBackend): CodecExtension => ({
  kind: "codec",
  name: "blosc",
  aliases: ["numcodecs.blosc"],
  codecKind: "bytes_to_bytes",
  fromConfig: (configuration, { spec }) =>
    BloscCodec.fromConfig("blosc", configuration, spec.dataType.itemSize, backend),
  fromV2: ({ id: _id, shuffle, ...rest }) => ({
    name: "blosc",
    configuration: {
      ...rest,
      ...(typeof shuffle === "number" && SHUFFLE_NUMBERS[shuffle]
        ? { shuffle: SHUFFLE_NUMBERS[shuffle] }
        : {}),
    },
  }),
  toV2: (configuration) => {
    const codec = BloscCodec.fromConfig("blosc", configuration, 1, backend);
    return {
      id: "blosc",
      cname: codec.cname,
      clevel: codec.clevel,
      shuffle: SHUFFLE_CODES[codec.shuffle],
      blocksize: codec.blocksize,
    };
  },
  samples: [
    { cname: "lz4", clevel: 5, shuffle: "shuffle", blocksize: 0 },
    { cname: "zstd", clevel: 3, shuffle: "noshuffle", blocksize: 0 },
    { cname: "zlib", clevel: 1, shuffle: "shuffle", blocksize: 0 },
    { cname: "lz4hc", clevel: 9, shuffle: "bitshuffle", blocksize: 0 },
    { cname: "blosclz", clevel: 5, shuffle: "shuffle", blocksize: 0 },
  ],
  dataTypes: "all",
});
