import {
  type BytesToBytesCodec,
  type CodecExtension,
  CorruptChunkError,
  InvalidMetadataError,
  type JsonObject,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";
import { byteLength, type Runs } from "../byte-runs.js";
import { decodeIntoByCopy, decodeSelectedByCopy } from "../decode-into-by-copy.js";
import type { ZstdBackend } from "./zstd-backend.js";
import { zstdFrameContentSize } from "./zstd-frame.js";

/**
 * The v3 `zstd` codec on a ZstdBackend (native libzstd in Node when installed, else numcodecs'
 * WebAssembly build; see the package README). Decoding verifies a frame's checksum when the
 * frame carries one, and never produces more than the chunk holds.
 */
export class ZstdCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name: string;
  readonly level: number;
  readonly checksum: boolean;
  readonly #backend: ZstdBackend;
  /** Offered only where the backend decodes off the calling thread (native libzstd). */
  readonly decodeIntoRuns?: (bytes: Uint8Array, runs: Runs) => Promise<void>;
  readonly decodeIntoStrided?: (bytes: Uint8Array, runs: Runs) => Promise<void>;
  readonly decodeSelectedInto?: BytesToBytesCodec["decodeSelectedInto"];
  readonly decodeFileSelectedInto?: BytesToBytesCodec["decodeFileSelectedInto"];
  readonly decodeFileSelectedManyInto?: BytesToBytesCodec["decodeFileSelectedManyInto"];
  readonly encodeRuns?: (runs: Runs) => Promise<Uint8Array>;
  readonly encodeStrided?: (runs: Runs) => Promise<Uint8Array>;
  readonly encodeStridedMany?: BytesToBytesCodec["encodeStridedMany"];

  constructor(name: string, level: number, checksum: boolean, backend: ZstdBackend) {
    this.name = name;
    this.level = level;
    this.checksum = checksum;
    this.#backend = backend;
    const { decodeIntoRuns, encodeRuns } = backend;
    if (decodeIntoRuns !== undefined) {
      this.decodeIntoRuns = async (bytes, runs) => {
        const size = byteLength(runs);
        if (this.#declared(bytes, size) === undefined) return decodeIntoByCopy(this, bytes, runs);
        await this.#wrap(decodeIntoRuns.call(backend, bytes, runs));
      };
      this.decodeIntoStrided = this.decodeIntoRuns;
    }
    const { decodeSelected } = backend;
    if (decodeSelected !== undefined) {
      this.decodeSelectedInto = async (bytes, size, from, to) => {
        // A frame that does not declare its size is decoded whole, the bounded way.
        if (this.#declared(bytes, size) === undefined)
          return decodeSelectedByCopy(this, bytes, size, from, to);
        await this.#wrap(decodeSelected.call(backend, bytes, size, from, to));
      };
    }
    const { decodeFileSelected } = backend;
    if (decodeFileSelected !== undefined)
      this.decodeFileSelectedInto = (file, size, from, to) =>
        decodeFileSelected.call(backend, file, size, from, to, (err) => this.#corrupt(err));
    const { decodeFileSelectedMany } = backend;
    if (decodeFileSelectedMany !== undefined)
      this.decodeFileSelectedManyInto = (paths, size, from, to, slices) =>
        decodeFileSelectedMany.call(backend, paths, size, from, to, slices, (err) =>
          this.#corrupt(err),
        );
    if (encodeRuns !== undefined) {
      this.encodeRuns = (runs) => encodeRuns.call(backend, runs, level, checksum);
      this.encodeStrided = this.encodeRuns;
    }
    const { encodeMany } = backend;
    if (encodeMany !== undefined)
      this.encodeStridedMany = (runs, offsets) =>
        encodeMany.call(backend, runs, offsets, level, checksum);
  }

  /** The frame's declared size, checked against the chunk's `size` (undefined: not declared). */
  #declared(bytes: Uint8Array, size: number): number | undefined {
    const declared = zstdFrameContentSize(bytes);
    if (declared !== undefined && declared !== size) {
      throw new CorruptChunkError(
        `codec "${this.name}": the frame declares ${declared} bytes, the chunk holds ${size}`,
      );
    }
    return declared;
  }

  /** Backend failures as CorruptChunkError naming this codec. */
  async #wrap(decoding: Promise<void>): Promise<void> {
    try {
      await decoding;
    } catch (err) {
      throw this.#corrupt(err);
    }
  }

  #corrupt(err: unknown): CorruptChunkError {
    return new CorruptChunkError(
      `codec "${this.name}": cannot decompress (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }

  static fromConfig(
    name: string,
    configuration: JsonObject | undefined,
    backend: ZstdBackend,
  ): ZstdCodec {
    onlyFields(name, configuration, ["level", "checksum"]);
    const level = configuration?.level ?? 0;
    // libzstd accepts negative levels (fast modes) down to -131072, and up to 22.
    if (typeof level !== "number" || !Number.isInteger(level) || level < -131072 || level > 22) {
      throw new InvalidMetadataError(
        `codec "${name}": configuration.level must be an integer -131072..22, got ${JSON.stringify(level)}`,
      );
    }
    const checksum = configuration?.checksum ?? false;
    if (typeof checksum !== "boolean") {
      throw new InvalidMetadataError(
        `codec "${name}": configuration.checksum must be a boolean, got ${JSON.stringify(checksum)}`,
      );
    }
    return new ZstdCodec(name, level, checksum, backend);
  }

  toConfig() {
    return { name: this.name, configuration: { level: this.level, checksum: this.checksum } };
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    return this.#backend.encode(bytes, this.level, this.checksum);
  }

  /** Straight into `target` when the backend can (native libzstd), else decoded and copied. */
  async decodeInto(bytes: Uint8Array, target: Uint8Array): Promise<void> {
    const declared = this.#declared(bytes, target.length);
    const into = this.#backend.decodeInto;
    if (into === undefined || declared === undefined) return decodeIntoByCopy(this, bytes, target);
    await this.#wrap(into.call(this.#backend, bytes, target));
  }

  async decode(bytes: Uint8Array, decodedSize: number | undefined): Promise<Uint8Array> {
    const declared = zstdFrameContentSize(bytes);
    if (decodedSize !== undefined && declared !== undefined && declared > decodedSize) {
      throw new CorruptChunkError(
        `codec "${this.name}": the frame declares ${declared} bytes, the chunk holds ${decodedSize}`,
      );
    }
    let out: Uint8Array;
    try {
      out = await this.#backend.decode(bytes, declared);
    } catch (err) {
      throw new CorruptChunkError(
        `codec "${this.name}": cannot decompress (${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
    if (decodedSize !== undefined && out.length > decodedSize) {
      throw new CorruptChunkError(
        `codec "${this.name}": decompressed to ${out.length} bytes, the chunk holds ${decodedSize}`,
      );
    }
    return out;
  }
}

/** `zstd` on the given backend. */
export const zstdCodecExtension = (backend: ZstdBackend): CodecExtension => ({
  kind: "codec",
  name: "zstd",
  aliases: ["numcodecs.zstd"],
  codecKind: "bytes_to_bytes",
  fromConfig: (configuration) => ZstdCodec.fromConfig("zstd", configuration, backend),
  fromV2: ({ id: _id, ...configuration }) => ({
    name: "zstd",
    configuration: ZstdCodec.fromConfig("zstd", configuration, backend).toConfig().configuration,
  }),
  toV2: (configuration): JsonObject => {
    const codec = ZstdCodec.fromConfig("zstd", configuration, backend);
    // zarr-python 2's numcodecs (0.11) has no checksum option; say so rather than drop it.
    return codec.checksum
      ? { id: "zstd", level: codec.level, checksum: true }
      : { id: "zstd", level: codec.level };
  },
  samples: [
    { level: 3, checksum: false },
    { level: -5, checksum: false },
    { level: 19, checksum: false },
    { level: 3, checksum: true },
  ],
  dataTypes: "all",
});
