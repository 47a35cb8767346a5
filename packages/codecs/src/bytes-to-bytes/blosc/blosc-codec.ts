import {
  type BytesToBytesCodec,
  type CodecExtension,
  CorruptChunkError,
  InvalidMetadataError,
  type JsonObject,
  UnsupportedFeatureError,
} from "@zarrkit/core";
import Blosc from "numcodecs/blosc";
import LZ4 from "numcodecs/lz4";
import Zstd from "numcodecs/zstd";
import { onlyFields } from "../../config-fields.js";
import type { DeflateBackend } from "../gzip/deflate-backend.js";
import { bitshuffle, shuffle as byteShuffle } from "./shuffle.js";

export type BloscShuffle = "noshuffle" | "shuffle" | "bitshuffle";
const CNAMES = ["lz4", "lz4hc", "blosclz", "zstd", "snappy", "zlib"] as const;
export type BloscCname = (typeof CNAMES)[number];
/** Compressor format codes in the blosc header (flags bits 5-7). */
const FORMAT: Partial<Record<BloscCname, number>> = { lz4: 1, lz4hc: 1, zlib: 3, zstd: 4 };
const SHUFFLE_CODES: Record<BloscShuffle, number> = { noshuffle: 0, shuffle: 1, bitshuffle: 2 };
const SHUFFLE_NUMBERS: Record<number, BloscShuffle> = {
  0: "noshuffle",
  1: "shuffle",
  2: "bitshuffle",
};

/**
 * The v3 `blosc` codec. Decoding reads any blosc1 frame (numcodecs' WebAssembly c-blosc: every
 * compressor and shuffle). Encoding writes blosc1 frames itself, so the recorded `typesize` and
 * `shuffle` are the ones actually applied (numcodecs' encoder fixes typesize at 4): byte or bit
 * shuffle per block, blocks not split, each block compressed with lz4, zstd or zlib. lz4hc
 * frames are LZ4 blocks like lz4's and are written with LZ4's fast matcher (any reader decodes
 * them; the ratio is lz4's). Encoding blosclz or snappy is refused rather than done differently.
 * With typesize 4 (float32, int32, ...) numcodecs' c-blosc encoder is exact, so it is used.
 */
export class BloscCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name: string;
  readonly cname: BloscCname;
  readonly clevel: number;
  readonly shuffle: BloscShuffle;
  readonly typesize: number;
  readonly blocksize: number;
  readonly #decoder = Blosc.fromConfig({});
  #cblosc: ReturnType<typeof Blosc.fromConfig> | undefined;
  /** DEFLATE for the zlib compressor of our own encoder. */
  readonly #deflate: DeflateBackend;

  constructor(
    name: string,
    fields: {
      cname: BloscCname;
      clevel: number;
      shuffle: BloscShuffle;
      typesize: number;
      blocksize: number;
    },
    deflate: DeflateBackend,
  ) {
    this.name = name;
    this.#deflate = deflate;
    this.cname = fields.cname;
    this.clevel = fields.clevel;
    this.shuffle = fields.shuffle;
    this.typesize = fields.typesize;
    this.blocksize = fields.blocksize;
  }

  /** `itemSize` is the element size the codec sees (the spec fills typesize in from it). */
  static fromConfig(
    name: string,
    configuration: JsonObject | undefined,
    itemSize: number,
    deflate: DeflateBackend,
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
    if (
      typeof typesize !== "number" ||
      !Number.isInteger(typesize) ||
      typesize < 1 ||
      typesize > 255
    )
      fail(`configuration.typesize must be an integer 1..255, got ${JSON.stringify(typesize)}`);
    const blocksize = c.blocksize ?? 0;
    if (typeof blocksize !== "number" || !Number.isInteger(blocksize) || blocksize < 0)
      fail(
        `configuration.blocksize must be a non-negative integer, got ${JSON.stringify(blocksize)}`,
      );
    return new BloscCodec(
      name,
      {
        cname: cname as BloscCname,
        clevel: clevel as number,
        shuffle: shuffle as BloscShuffle,
        typesize: typesize as number,
        blocksize: blocksize as number,
      },
      deflate,
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
    // numcodecs' c-blosc encoder fixes typesize at 4; when that is the typesize asked for, it is
    // exact and faster (and has the real blosclz and lz4hc compressors).
    if (this.typesize === 4 && this.cname !== "snappy") {
      this.#cblosc ??= Blosc.fromConfig({
        cname: this.cname,
        clevel: this.clevel,
        shuffle: SHUFFLE_CODES[this.shuffle],
        blocksize: this.blocksize,
      });
      return this.#cblosc.encode(bytes);
    }
    const format = FORMAT[this.cname];
    if (format === undefined) {
      throw new UnsupportedFeatureError(
        `codec "${this.name}": writing cname ${this.cname} is not supported (reading is); use lz4, lz4hc, zstd or zlib`,
      );
    }
    const typesize = this.typesize;
    const nbytes = bytes.length;
    // About 256 KiB blocks (a multiple of typesize), or the whole buffer when smaller.
    const wanted = this.blocksize > 0 ? this.blocksize : 1 << 18;
    const blocksize = Math.max(typesize, Math.min(nbytes, wanted - (wanted % typesize))) || 1;
    const nblocks = nbytes === 0 ? 0 : Math.ceil(nbytes / blocksize);
    const doShuffle = this.shuffle === "shuffle" && typesize > 1;
    const doBitshuffle = this.shuffle === "bitshuffle";
    const scratch = new Uint8Array(blocksize);
    const blocks: Uint8Array[] = [];
    for (let b = 0; b < nblocks; b++) {
      const block = bytes.subarray(b * blocksize, Math.min(nbytes, (b + 1) * blocksize));
      let input = block;
      if (doShuffle || doBitshuffle) {
        (doShuffle ? byteShuffle : bitshuffle)(block, typesize, scratch);
        input = scratch.subarray(0, block.length);
      }
      let packed = await this.#compress(input);
      // A stream that does not shrink is stored as is (its size then equals the block's).
      if (packed.length >= block.length) packed = input.slice();
      const out = new Uint8Array(4 + packed.length);
      new DataView(out.buffer).setInt32(0, packed.length, true);
      out.set(packed, 4);
      blocks.push(out);
    }
    const headerSize = 16 + 4 * nblocks;
    const cbytes = headerSize + blocks.reduce((n, b) => n + b.length, 0);
    // Data that does not compress is written "memcpyed": header then the raw bytes.
    const memcpyed = cbytes >= 16 + nbytes;
    const out = new Uint8Array(memcpyed ? 16 + nbytes : cbytes);
    const view = new DataView(out.buffer);
    out[0] = 2; // blosc1 format version
    out[1] = 1; // compressor format version
    out[2] =
      (doShuffle ? 0x01 : 0) |
      (memcpyed ? 0x02 : 0) |
      (doBitshuffle ? 0x04 : 0) |
      0x10 /* blocks not split */ |
      (format << 5);
    out[3] = typesize;
    view.setInt32(4, nbytes, true);
    view.setInt32(8, blocksize, true);
    view.setInt32(12, out.length, true);
    if (memcpyed) {
      out.set(bytes, 16);
      return out;
    }
    let at = headerSize;
    blocks.forEach((block, b) => {
      view.setInt32(16 + 4 * b, at, true);
      out.set(block, at);
      at += block.length;
    });
    return out;
  }

  async #compress(input: Uint8Array): Promise<Uint8Array> {
    switch (this.cname) {
      case "zlib":
        if (this.#deflate === undefined)
          throw new UnsupportedFeatureError(
            `codec "${this.name}": no DEFLATE backend for cname zlib`,
          );
        return this.#deflate.encode("zlib", input, this.clevel);
      case "zstd":
        // clevel 0..9 spread over zstd levels -1..22.
        return Zstd.fromConfig({ level: this.clevel < 9 ? this.clevel * 2 - 1 : 22 }).encode(input);
      default: {
        // numcodecs' LZ4 prefixes the block with its uncompressed size; blosc wants the bare block.
        const framed = await LZ4.fromConfig({ acceleration: 1 }).encode(input);
        return framed.subarray(4);
      }
    }
  }

  async decode(bytes: Uint8Array, decodedSize: number | undefined): Promise<Uint8Array> {
    if (bytes.length < 16)
      throw new CorruptChunkError(
        `codec "${this.name}": ${bytes.length} bytes cannot hold a blosc header`,
      );
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const nbytes = view.getInt32(4, true);
    const cbytes = view.getInt32(12, true);
    if (nbytes < 0 || (decodedSize !== undefined && nbytes > decodedSize)) {
      throw new CorruptChunkError(
        `codec "${this.name}": the frame declares ${nbytes} bytes, the chunk holds ${decodedSize}`,
      );
    }
    if (cbytes !== bytes.length)
      throw new CorruptChunkError(
        `codec "${this.name}": the frame says ${cbytes} bytes, ${bytes.length} are stored`,
      );
    try {
      return await this.#decoder.decode(bytes);
    } catch (err) {
      throw new CorruptChunkError(
        `codec "${this.name}": cannot decompress (${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
  }
}

/** `blosc`, whose own encoder takes DEFLATE (cname zlib) from `deflate`. */
export const bloscCodecExtension = (deflate: DeflateBackend): CodecExtension => ({
  kind: "codec",
  name: "blosc",
  aliases: ["numcodecs.blosc"],
  codecKind: "bytes_to_bytes",
  fromConfig: (configuration, { spec }) =>
    BloscCodec.fromConfig("blosc", configuration, spec.dataType.itemSize, deflate),
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
    const codec = BloscCodec.fromConfig("blosc", configuration, 1, deflate);
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
  ],
  dataTypes: "all",
});
