import {
  type BytesToBytesCodec,
  type CodecExtension,
  CorruptChunkError,
  InvalidMetadataError,
  type JsonObject,
} from "@zarrkit/core";
import Zstd from "numcodecs/zstd";
import xxhash from "xxhash-wasm";
import { onlyFields } from "../../config-fields.js";
import { zstdFrameContentSize } from "./zstd-frame.js";

type Backend = ReturnType<typeof Zstd.fromConfig>;

let hasher: ReturnType<typeof xxhash> | undefined;

/**
 * Appends the frame checksum (the low 32 bits of XXH64 of the content, seed 0) to a frame
 * written without one, and sets its Content_Checksum_flag (frame header descriptor bit 2).
 */
async function withChecksum(frame: Uint8Array, content: Uint8Array): Promise<Uint8Array> {
  hasher ??= xxhash();
  const digest = (await hasher).h64Raw(content, 0n);
  const out = new Uint8Array(frame.length + 4);
  out.set(frame);
  out[4]! |= 0x04;
  new DataView(out.buffer).setUint32(frame.length, Number(digest & 0xffffffffn), true);
  return out;
}

/**
 * The v3 `zstd` codec, on numcodecs' WebAssembly build of libzstd (the baseline backend; see
 * the package README). Decoding verifies a frame's checksum when the frame carries one; encoding
 * with `checksum: true` appends it (XXH64 from xxhash-wasm).
 */
export class ZstdCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name: string;
  readonly level: number;
  readonly checksum: boolean;
  readonly #backend: Backend;

  constructor(name: string, level: number, checksum: boolean) {
    this.name = name;
    this.level = level;
    this.checksum = checksum;
    this.#backend = Zstd.fromConfig({ level });
  }

  static fromConfig(name: string, configuration: JsonObject | undefined): ZstdCodec {
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
    return new ZstdCodec(name, level, checksum);
  }

  toConfig() {
    return { name: this.name, configuration: { level: this.level, checksum: this.checksum } };
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    const frame = await this.#backend.encode(bytes);
    // numcodecs' build writes no checksum; add it ourselves, as libzstd would.
    return this.checksum ? withChecksum(frame, bytes) : frame;
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
      out = await this.#backend.decode(bytes);
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

export const zstdCodecExtension: CodecExtension = {
  kind: "codec",
  name: "zstd",
  aliases: ["numcodecs.zstd"],
  codecKind: "bytes_to_bytes",
  fromConfig: (configuration) => ZstdCodec.fromConfig("zstd", configuration),
  fromV2: ({ id: _id, ...configuration }) => ({
    name: "zstd",
    configuration: ZstdCodec.fromConfig("zstd", configuration).toConfig().configuration,
  }),
  toV2: (configuration): JsonObject => {
    const codec = ZstdCodec.fromConfig("zstd", configuration);
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
};
