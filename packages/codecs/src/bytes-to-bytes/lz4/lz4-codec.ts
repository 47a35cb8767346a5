import {
  type BytesToBytesCodec,
  type CodecExtension,
  CorruptChunkError,
  type JsonObject,
} from "@zarrkit/core";
import { integerField, onlyFields } from "../../config-fields.js";

type Lz4Backend = ReturnType<typeof import("numcodecs/lz4")["default"]["fromConfig"]>;
/** numcodecs' WebAssembly LZ4, loaded on first use: importing it costs start-up time. */
let numcodecsLz4: Promise<typeof import("numcodecs/lz4")["default"]> | undefined;

/** numcodecs' `lz4`: a 4-byte little-endian decoded size, then one LZ4 block. */
export class Lz4Codec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name = "numcodecs.lz4";
  readonly acceleration: number;
  #backend: Promise<Lz4Backend> | undefined;

  constructor(acceleration: number) {
    this.acceleration = acceleration;
  }

  #lz4(): Promise<Lz4Backend> {
    numcodecsLz4 ??= import("numcodecs/lz4").then((m) => m.default);
    this.#backend ??= numcodecsLz4.then((LZ4) =>
      LZ4.fromConfig({ acceleration: this.acceleration }),
    );
    return this.#backend;
  }

  static fromConfig(configuration: JsonObject | undefined): Lz4Codec {
    const c = onlyFields("numcodecs.lz4", configuration, ["acceleration"]);
    return new Lz4Codec(integerField("numcodecs.lz4", c, "acceleration", 1, 65537, 1));
  }

  toConfig() {
    return { name: this.name, configuration: { acceleration: this.acceleration } };
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    return (await this.#lz4()).encode(bytes);
  }

  async decode(bytes: Uint8Array, decodedSize: number | undefined): Promise<Uint8Array> {
    if (bytes.length < 4)
      throw new CorruptChunkError(
        `codec "${this.name}": ${bytes.length} bytes cannot hold the size header`,
      );
    const declared = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
    if (decodedSize !== undefined && declared > decodedSize) {
      throw new CorruptChunkError(
        `codec "${this.name}": the block declares ${declared} bytes, the chunk holds ${decodedSize}`,
      );
    }
    try {
      return await (await this.#lz4()).decode(bytes);
    } catch (err) {
      throw new CorruptChunkError(
        `codec "${this.name}": cannot decompress (${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
  }
}

export const lz4CodecExtension: CodecExtension = {
  kind: "codec",
  name: "numcodecs.lz4",
  aliases: ["lz4"],
  codecKind: "bytes_to_bytes",
  fromConfig: (configuration) => Lz4Codec.fromConfig(configuration),
  fromV2: ({ id: _id, ...configuration }) => Lz4Codec.fromConfig(configuration).toConfig(),
  samples: [{ acceleration: 1 }, { acceleration: 8 }],
  dataTypes: "all",
};
