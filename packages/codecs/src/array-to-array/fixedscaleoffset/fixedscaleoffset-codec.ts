import {
  type ArrayToArrayCodec,
  type ChunkSpec,
  type CodecExtension,
  type DataType,
  InvalidMetadataError,
  type JsonObject,
  type NDArray,
  ndarray,
  type TypedArray,
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
} from "../numeric/numeric-cast.js";

const NAME = "numcodecs.fixedscaleoffset";

/**
 * numcodecs' `fixedscaleoffset`: stores round((x - offset) * scale) as `astype` and decodes
 * y / scale + offset back to `dtype`. The arithmetic follows NumPy's: float32 data is computed in
 * float32, everything else in float64; rounding is half to even, casts truncate toward zero.
 */
export class FixedScaleOffsetCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly name = NAME;

  constructor(
    readonly offset: number,
    readonly scale: number,
    readonly types: FilterTypes,
  ) {}

  get dtype(): DataType {
    return this.types.dtype;
  }
  get astype(): DataType {
    return this.types.astype;
  }

  static fromConfig(configuration: JsonObject | undefined, spec: ChunkSpec): FixedScaleOffsetCodec {
    const c = onlyFields(NAME, configuration, ["offset", "scale", "dtype", "astype"]);
    const number = (field: "offset" | "scale"): number => {
      const v = c[field];
      if (typeof v !== "number" || !Number.isFinite(v) || (field === "scale" && v === 0))
        throw new InvalidMetadataError(
          `codec "${NAME}": configuration.${field} must be a finite${field === "scale" ? ", non-zero" : ""} number, got ${JSON.stringify(v ?? null)}`,
        );
      return v;
    };
    return new FixedScaleOffsetCodec(number("offset"), number("scale"), filterTypes(NAME, c, spec));
  }

  toConfig() {
    return {
      name: NAME,
      configuration: {
        offset: this.offset,
        scale: this.scale,
        ...filterTypesConfig(this.types),
      },
    };
  }

  encodedSpec(spec: ChunkSpec): ChunkSpec {
    return astypeSpec(spec, this.astype);
  }

  encode(chunk: NDArray): NDArray {
    const x = asNumbers(contiguousElements(chunk));
    const f32 = this.dtype.name === "float32";
    const round = f32 ? Math.fround : (v: number) => v;
    const { offset, scale } = this;
    const scaled = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++)
      scaled[i] = roundHalfEven(round(round(x[i]! - offset) * scale));
    const out = ndarray(this.astype, chunk.shape);
    castInto(scaled, typedArrayOf(out.data));
    return out;
  }

  decode(chunk: NDArray, spec: ChunkSpec): NDArray {
    const y = asNumbers(contiguousElements(chunk));
    const round = this.astype.name === "float32" ? Math.fround : (v: number) => v;
    const { offset, scale } = this;
    const values = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) values[i] = round(round(y[i]! / scale) + offset);
    const out = ndarray(this.dtype, spec.shape);
    castInto(values, typedArrayOf(out.data));
    return out;
  }
}

function asNumbers(data: TypedArray): Float64Array {
  const out = new Float64Array(data.length);
  castInto(data, out);
  return out;
}

/** NumPy's `around`: halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const fixedScaleOffsetCodecExtension: CodecExtension = {
  kind: "codec",
  name: NAME,
  aliases: ["fixedscaleoffset"],
  codecKind: "array_to_array",
  fromConfig: (configuration, { spec }) => FixedScaleOffsetCodec.fromConfig(configuration, spec),
  fromV2: ({ id: _id, ...configuration }) => ({ name: NAME, configuration }),
  samples: [{ offset: 1000, scale: 10, astype: "<i4" }],
  dataTypes: ["float32", "float64"],
};
