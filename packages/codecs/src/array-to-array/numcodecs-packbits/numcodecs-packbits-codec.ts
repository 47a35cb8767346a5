import {
  type ArrayToArrayCodec,
  type ChunkSpec,
  type CodecExtension,
  CorruptChunkError,
  coreDataType,
  elementCount,
  InvalidMetadataError,
  type JsonObject,
  type NDArray,
  ndarray,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";
import { contiguousElements } from "../numeric/numeric-cast.js";

const NAME = "numcodecs.packbits";
const uint8 = coreDataType("uint8")!;

/**
 * numcodecs' PackBits filter for bool arrays: a byte holding the number of padding bits at
 * the end, then the elements (flat, C order) eight to a byte, the first in the most
 * significant bit (NumPy's packbits). Not zarr-extensions' `packbits` (an array->bytes codec
 * that packs from the least significant bit).
 */
export class NumcodecsPackBitsCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly name = NAME;

  static fromConfig(
    configuration: JsonObject | undefined,
    spec: ChunkSpec,
  ): NumcodecsPackBitsCodec {
    onlyFields(NAME, configuration, []);
    if (spec.dataType.name !== "bool")
      throw new InvalidMetadataError(
        `codec "${NAME}" packs bool arrays; this one holds ${spec.dataType.name}`,
      );
    return new NumcodecsPackBitsCodec();
  }

  toConfig() {
    return { name: NAME };
  }

  encodedSpec(spec: ChunkSpec): ChunkSpec {
    return {
      shape: [1 + Math.ceil(elementCount(spec.shape) / 8)],
      dataType: uint8,
      fillValue: new Uint8Array(1),
    };
  }

  encode(chunk: NDArray): NDArray {
    const values = contiguousElements(chunk);
    const n = values.length;
    const packed = new Uint8Array(1 + Math.ceil(n / 8));
    packed[0] = (8 - (n % 8)) % 8;
    for (let i = 0; i < n; i++) if (values[i]) packed[1 + (i >> 3)]! |= 0x80 >> (i & 7);
    return ndarray(uint8, [packed.length], packed);
  }

  decode(chunk: NDArray, spec: ChunkSpec): NDArray {
    const packed = contiguousElements(chunk);
    const n = elementCount(spec.shape);
    const padding = packed[0] ?? -1;
    if (packed.length < 1 || (packed.length - 1) * 8 - Number(padding) !== n || padding > 7)
      throw new CorruptChunkError(
        `codec "${NAME}": ${packed.length} bytes with ${padding} padding bits do not hold ${n} elements`,
      );
    const out = ndarray(spec.dataType, spec.shape);
    const values = out.data;
    if (!(values instanceof Uint8Array)) throw new CorruptChunkError(`codec "${NAME}": not bool`);
    for (let i = 0; i < n; i++) values[i] = (Number(packed[1 + (i >> 3)]) >> (7 - (i & 7))) & 1;
    return out;
  }
}

export const numcodecsPackBitsCodecExtension: CodecExtension = {
  kind: "codec",
  name: NAME,
  codecKind: "array_to_array",
  fromConfig: (configuration, { spec }) => NumcodecsPackBitsCodec.fromConfig(configuration, spec),
  fromV2: () => ({ name: NAME }),
  samples: [undefined],
  dataTypes: ["bool"],
};
