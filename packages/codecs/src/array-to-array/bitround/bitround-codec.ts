import {
  type ArrayToArrayCodec,
  type ChunkSpec,
  type CodecExtension,
  InvalidMetadataError,
  type JsonObject,
  type NDArray,
  ndarray,
  stridedCopy,
  typedArrayOf,
} from "@zarrkit/core";
import { integerField, onlyFields } from "../../config-fields.js";

/**
 * numcodecs' `bitround`: keeps `keepbits` mantissa bits of float32/float64 values, rounding the
 * rest half to even, so that a later compressor sees runs of zero bits. Lossy; decoding is the
 * identity.
 */
export class BitRoundCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly name = "numcodecs.bitround";
  readonly keepbits: number;

  constructor(keepbits: number) {
    this.keepbits = keepbits;
  }

  static fromConfig(configuration: JsonObject | undefined, spec: ChunkSpec): BitRoundCodec {
    const c = onlyFields("numcodecs.bitround", configuration, ["keepbits"]);
    const { name } = spec.dataType;
    if (name !== "float32" && name !== "float64") {
      throw new InvalidMetadataError(
        `codec "numcodecs.bitround": works on float32 and float64 data, not ${name}`,
      );
    }
    return new BitRoundCodec(
      integerField("numcodecs.bitround", c, "keepbits", 0, name === "float32" ? 23 : 52),
    );
  }

  toConfig() {
    return { name: this.name, configuration: { keepbits: this.keepbits } };
  }

  encodedSpec(spec: ChunkSpec): ChunkSpec {
    return spec;
  }

  encode(chunk: NDArray, spec: ChunkSpec): NDArray {
    const out = ndarray(spec.dataType, chunk.shape);
    stridedCopy(out, chunk, chunk.shape, 1);
    const data = typedArrayOf(out.data);
    if (spec.dataType.name === "float32") {
      const drop = 23 - this.keepbits;
      if (drop === 0) return out;
      const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
      const mask = (0xffffffff << drop) >>> 0;
      const half = (1 << (drop - 1)) - 1;
      for (let i = 0; i < bits.length; i++) {
        const b = bits[i]!;
        bits[i] = ((b + ((b >>> drop) & 1) + half) & mask) >>> 0;
      }
    } else {
      const drop = BigInt(52 - this.keepbits);
      if (drop === 0n) return out;
      const bits = new BigUint64Array(data.buffer, data.byteOffset, data.length);
      const mask = (0xffffffffffffffffn >> drop) << drop;
      const half = (1n << (drop - 1n)) - 1n;
      for (let i = 0; i < bits.length; i++) {
        const b = bits[i]!;
        bits[i] = BigInt.asUintN(64, b + ((b >> drop) & 1n) + half) & mask;
      }
    }
    return out;
  }

  decode(chunk: NDArray): NDArray {
    return chunk;
  }

  encodedTarget<T>(target: T): T {
    return target;
  }
}

export const bitroundCodecExtension: CodecExtension = {
  kind: "codec",
  name: "numcodecs.bitround",
  aliases: ["bitround"],
  codecKind: "array_to_array",
  fromConfig: (configuration, { spec }) => BitRoundCodec.fromConfig(configuration, spec),
  samples: [{ keepbits: 10 }],
  dataTypes: ["float32", "float64"],
};
