import type { BytesToBytesCodec, CodecExtension, JsonObject } from "@zarrkit/core";
import { integerField, onlyFields } from "../../config-fields.js";

/**
 * numcodecs' `shuffle`: byte j of every element together, over the whole buffer (bytes after
 * the last whole element stay where they are).
 */
export class ShuffleCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name = "numcodecs.shuffle";
  readonly elementsize: number;

  constructor(elementsize: number) {
    this.elementsize = elementsize;
  }

  static fromConfig(configuration: JsonObject | undefined, itemSize: number): ShuffleCodec {
    const c = onlyFields("numcodecs.shuffle", configuration, ["elementsize"]);
    return new ShuffleCodec(
      integerField("numcodecs.shuffle", c, "elementsize", 1, 1 << 20, itemSize),
    );
  }

  toConfig() {
    return { name: this.name, configuration: { elementsize: this.elementsize } };
  }

  encodedSize(decodedSize: number): number {
    return decodedSize;
  }

  encode(bytes: Uint8Array): Uint8Array {
    const size = this.elementsize;
    const n = Math.floor(bytes.length / size);
    const out = new Uint8Array(bytes.length);
    for (let j = 0; j < size; j++) {
      const base = j * n;
      for (let i = 0, s = j; i < n; i++, s += size) out[base + i] = bytes[s]!;
    }
    out.set(bytes.subarray(n * size), n * size);
    return out;
  }

  decode(bytes: Uint8Array): Uint8Array {
    const size = this.elementsize;
    const n = Math.floor(bytes.length / size);
    const out = new Uint8Array(bytes.length);
    for (let j = 0; j < size; j++) {
      const base = j * n;
      for (let i = 0, d = j; i < n; i++, d += size) out[d] = bytes[base + i]!;
    }
    out.set(bytes.subarray(n * size), n * size);
    return out;
  }
}

export const shuffleCodecExtension: CodecExtension = {
  kind: "codec",
  name: "numcodecs.shuffle",
  aliases: ["shuffle"],
  codecKind: "bytes_to_bytes",
  fromConfig: (configuration, { spec }) =>
    ShuffleCodec.fromConfig(configuration, Math.max(1, spec.dataType.itemSize)),
  fromV2: ({ id: _id, ...configuration }) => ShuffleCodec.fromConfig(configuration, 4).toConfig(),
  samples: [undefined, { elementsize: 2 }],
  dataTypes: "all",
};
