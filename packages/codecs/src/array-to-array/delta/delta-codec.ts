import {
  type ArrayToArrayCodec,
  type ChunkSpec,
  type CodecExtension,
  type DataType,
  type JsonObject,
  type NDArray,
  ndarray,
  typedArrayOf,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";
import {
  astypeSpec,
  castInto,
  contiguousElements,
  type FilterTypes,
  filterTypes,
  filterTypesConfig,
  isBigArray,
} from "../numeric/numeric-cast.js";

const NAME = "numcodecs.delta";

/**
 * numcodecs' `delta`: the first element, then each element minus the one before it (in the
 * array's type, so integers wrap), cast to `astype`. Decoding is the running sum. The chunk is
 * taken flat in C order, as numcodecs takes a chunk's buffer.
 */
export class DeltaCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly name = NAME;
  constructor(readonly types: FilterTypes) {}

  get dtype(): DataType {
    return this.types.dtype;
  }
  get astype(): DataType {
    return this.types.astype;
  }

  static fromConfig(configuration: JsonObject | undefined, spec: ChunkSpec): DeltaCodec {
    return new DeltaCodec(
      filterTypes(NAME, onlyFields(NAME, configuration, ["dtype", "astype"]), spec),
    );
  }

  toConfig() {
    return { name: NAME, configuration: filterTypesConfig(this.types) };
  }

  encodedSpec(spec: ChunkSpec): ChunkSpec {
    return astypeSpec(spec, this.astype);
  }

  encode(chunk: NDArray): NDArray {
    const x = contiguousElements(chunk);
    const diff = typedArrayOf(this.dtype.allocate(x.length));
    if (isBigArray(x) && isBigArray(diff)) {
      for (let i = x.length - 1; i > 0; i--) diff[i] = x[i]! - x[i - 1]!;
      if (x.length > 0) diff[0] = x[0]!;
    } else if (!isBigArray(x) && !isBigArray(diff)) {
      for (let i = x.length - 1; i > 0; i--) diff[i] = x[i]! - x[i - 1]!;
      if (x.length > 0) diff[0] = x[0]!;
    }
    const out = ndarray(this.astype, chunk.shape);
    castInto(diff, typedArrayOf(out.data));
    return out;
  }

  decode(chunk: NDArray, spec: ChunkSpec): NDArray {
    const out = ndarray(this.dtype, spec.shape);
    const sum = typedArrayOf(out.data);
    castInto(contiguousElements(chunk), sum);
    if (isBigArray(sum)) for (let i = 1; i < sum.length; i++) sum[i] = sum[i]! + sum[i - 1]!;
    else for (let i = 1; i < sum.length; i++) sum[i] = sum[i]! + sum[i - 1]!;
    return out;
  }
}

export const deltaCodecExtension: CodecExtension = {
  kind: "codec",
  name: NAME,
  aliases: ["delta"],
  codecKind: "array_to_array",
  fromConfig: (configuration, { spec }) => DeltaCodec.fromConfig(configuration, spec),
  fromV2: ({ id: _id, ...configuration }) => ({ name: NAME, configuration }),
  samples: [undefined],
  dataTypes: [
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
  ],
};
