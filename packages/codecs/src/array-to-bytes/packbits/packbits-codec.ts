import {
  type ArrayToBytesCodec,
  type ChunkSpec,
  type CodecExtension,
  CorruptChunkError,
  type DataType,
  elementCount,
  InvalidMetadataError,
  isCContiguous,
  type JsonObject,
  type NDArray,
  ndarray,
  stridedCopy,
  typedArrayOf,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";

export type PaddingEncoding = "none" | "first_byte" | "last_byte";
const PADDING_ENCODINGS: readonly PaddingEncoding[] = ["none", "first_byte", "last_byte"];

function isPaddingEncoding(value: unknown): value is PaddingEncoding {
  return PADDING_ENCODINGS.some((p) => p === value);
}

/**
 * The data types packbits takes (zarr-extensions lists bool, the 2-, 4- and 6-bit types and
 * the wider numbers; the other float8 formats and float16 pack the same way).
 */
export const PACKBITS_DATA_TYPES: readonly string[] = [
  "bool",
  "int2",
  "uint2",
  "int4",
  "uint4",
  "float4_e2m1fn",
  "float6_e2m3fn",
  "float6_e3m2fn",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float8_e3m4",
  "float8_e4m3",
  "float8_e4m3fn",
  "float8_e4m3fnuz",
  "float8_e4m3b11fnuz",
  "float8_e5m2",
  "float8_e5m2fnuz",
  "float8_e8m0fnu",
  "bfloat16",
  "float16",
  "float32",
  "float64",
  "complex64",
  "complex128",
  "complex_float16",
  "complex_float32",
  "complex_float64",
  "complex_bfloat16",
  "complex_float8_e3m4",
  "complex_float8_e4m3",
  "complex_float8_e4m3fnuz",
  "complex_float8_e4m3b11fnuz",
  "complex_float8_e5m2",
  "complex_float8_e5m2fnuz",
  "complex_float8_e8m0fnu",
  "complex_float6_e2m3fn",
  "complex_float6_e3m2fn",
  "complex_float4_e2m1fn",
];

/** Bits of one component (a complex number has two) of a data type: N in the codec's README. */
function componentBits(dataType: DataType): number {
  if (dataType.kind === "bool") return 1;
  return dataType.valueBits ?? dataType.laneSize * 8;
}

/**
 * zarr-extensions' `packbits` (array -> bytes): bits `first_bit..last_bit` of each component,
 * packed in C order from the least significant bit of the first byte, zero-padded to a byte,
 * with the number of padding bits as a first or last byte if asked (numcodecs' PackBits states
 * it first too, but packs from the most significant bit). Decoding sign-extends signed integers
 * from `last_bit` and zero-extends the rest.
 */
export class PackBitsCodec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";
  readonly name = "packbits";
  readonly padding: PaddingEncoding;
  readonly firstBit: number;
  readonly lastBit: number;
  /** Whether `first_bit`/`last_bit` were given (written back as given). */
  readonly #explicit: { first: boolean; last: boolean };

  constructor(
    padding: PaddingEncoding,
    firstBit: number,
    lastBit: number,
    explicit: { first: boolean; last: boolean },
  ) {
    this.padding = padding;
    this.firstBit = firstBit;
    this.lastBit = lastBit;
    this.#explicit = explicit;
  }

  static fromConfig(configuration: JsonObject | undefined, spec: ChunkSpec): PackBitsCodec {
    const c = onlyFields("packbits", configuration, ["padding_encoding", "first_bit", "last_bit"]);
    const { dataType } = spec;
    if (!PACKBITS_DATA_TYPES.includes(dataType.name))
      throw new InvalidMetadataError(
        `codec "packbits" cannot serialise the data type ${dataType.name}`,
      );
    const padding = c.padding_encoding ?? "none";
    if (!isPaddingEncoding(padding))
      throw new InvalidMetadataError(
        `codec "packbits": configuration.padding_encoding must be one of ${PADDING_ENCODINGS.join(", ")}, got ${JSON.stringify(padding)}`,
      );
    const n = componentBits(dataType);
    const bit = (field: string, fallback: number) => {
      const value = c[field] ?? fallback;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= n)
        throw new InvalidMetadataError(
          `codec "packbits": configuration.${field} must be a bit index 0..${n - 1} of ${dataType.name}, got ${JSON.stringify(value)}`,
        );
      return value;
    };
    const first = bit("first_bit", 0);
    const last = bit("last_bit", n - 1);
    if (last < first)
      throw new InvalidMetadataError(
        `codec "packbits": configuration.last_bit (${last}) is less than first_bit (${first})`,
      );
    return new PackBitsCodec(padding, first, last, {
      first: c.first_bit !== undefined && c.first_bit !== null,
      last: c.last_bit !== undefined && c.last_bit !== null,
    });
  }

  toConfig() {
    const configuration: JsonObject = {};
    if (this.padding !== "none") configuration.padding_encoding = this.padding;
    if (this.#explicit.first) configuration.first_bit = this.firstBit;
    if (this.#explicit.last) configuration.last_bit = this.lastBit;
    return Object.keys(configuration).length === 0
      ? { name: "packbits" }
      : { name: "packbits", configuration };
  }

  /** Bits per component as stored. */
  get #width(): number {
    return this.lastBit - this.firstBit + 1;
  }

  /** The packed bytes of a chunk, and the zero bits that pad them to a byte. */
  #packing(spec: ChunkSpec): { packed: number; paddingBits: number } {
    const bits = elementCount(spec.shape) * spec.dataType.lanes * this.#width;
    const packed = Math.ceil(bits / 8);
    return { packed, paddingBits: packed * 8 - bits };
  }

  encodedSize(spec: ChunkSpec): number {
    return this.#packing(spec).packed + (this.padding === "none" ? 0 : 1);
  }

  encode(chunk: NDArray, spec: ChunkSpec): Uint8Array {
    const { dataType } = spec;
    let data = chunk.data;
    if (!isCContiguous(chunk)) {
      const copy = ndarray(dataType, chunk.shape);
      stridedCopy(copy, chunk, chunk.shape, dataType.lanes);
      data = copy.data;
    }
    const elements = typedArrayOf(data);
    const source = new Uint8Array(elements.buffer, elements.byteOffset, elements.byteLength);
    const { packed, paddingBits } = this.#packing(spec);
    const out = new Uint8Array(this.encodedSize(spec));
    const start = this.padding === "first_byte" ? 1 : 0;
    pack(
      source,
      dataType.laneSize,
      this.firstBit,
      this.#width,
      out.subarray(start, start + packed),
    );
    if (this.padding === "first_byte") out[0] = paddingBits;
    if (this.padding === "last_byte") out[packed] = paddingBits;
    return out;
  }

  decode(bytes: Uint8Array, spec: ChunkSpec): NDArray {
    const { dataType } = spec;
    const { packed, paddingBits } = this.#packing(spec);
    const expected = this.encodedSize(spec);
    if (bytes.byteLength !== expected)
      throw new CorruptChunkError(
        `codec "packbits": expected ${expected} bytes for shape [${spec.shape}] of ${dataType.name}, got ${bytes.byteLength}`,
      );
    const start = this.padding === "first_byte" ? 1 : 0;
    if (this.padding !== "none") {
      const stated = bytes[this.padding === "first_byte" ? 0 : packed]!;
      if (stated !== paddingBits)
        throw new CorruptChunkError(
          `codec "packbits": the chunk states ${stated} padding bits; shape [${spec.shape}] of ${dataType.name} needs ${paddingBits}`,
        );
    }
    const out = ndarray(dataType, spec.shape);
    const elements = typedArrayOf(out.data);
    const target = new Uint8Array(elements.buffer, elements.byteOffset, elements.byteLength);
    const signed = dataType.kind === "int";
    unpack(
      bytes.subarray(start, start + packed),
      dataType.laneSize,
      this.firstBit,
      this.#width,
      signed,
      target,
    );
    return out;
  }
}

/** Packs bits [first, first + width) of each `lane`-byte little-endian component of `source`. */
function pack(
  source: Uint8Array,
  lane: number,
  first: number,
  width: number,
  out: Uint8Array,
): void {
  const components = source.length / lane;
  if (lane === 1) {
    // One byte per component: an accumulator of up to 15 bits.
    const mask = (1 << width) - 1;
    let acc = 0;
    let bits = 0;
    let at = 0;
    for (let i = 0; i < components; i++) {
      acc |= ((source[i]! >> first) & mask) << bits;
      bits += width;
      while (bits >= 8) {
        out[at++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) out[at] = acc & 0xff;
    return;
  }
  if (first % 8 === 0 && width % 8 === 0) {
    // Whole bytes of each component (all of them: the bytes codec's little-endian encoding).
    const from = first / 8;
    const take = width / 8;
    if (take === lane) out.set(source);
    else
      for (let i = 0; i < components; i++)
        out.set(source.subarray(i * lane + from, i * lane + from + take), i * take);
    return;
  }
  let position = 0;
  for (let i = 0; i < components; i++) {
    const base = i * lane * 8 + first;
    for (let j = 0; j < width; j++, position++) {
      const bit = base + j;
      if ((source[bit >> 3]! >> (bit & 7)) & 1) out[position >> 3]! |= 1 << (position & 7);
    }
  }
}

/**
 * The inverse of pack into zeroed `target`: bits go back to `first`; signed integers are
 * sign-extended from their top stored bit across the whole component.
 */
function unpack(
  packed: Uint8Array,
  lane: number,
  first: number,
  width: number,
  signed: boolean,
  target: Uint8Array,
): void {
  const components = target.length / lane;
  const top = first + width - 1;
  if (lane === 1) {
    const mask = (1 << width) - 1;
    const extend = signed ? (0xff << (top + 1)) & 0xff : 0;
    let acc = 0;
    let bits = 0;
    let at = 0;
    for (let i = 0; i < components; i++) {
      while (bits < width) {
        acc |= packed[at++]! << bits;
        bits += 8;
      }
      const v = (acc & mask) << first;
      target[i] = extend !== 0 && (v >> top) & 1 ? v | extend : v;
      acc >>>= width;
      bits -= width;
    }
    return;
  }
  if (first % 8 === 0 && width % 8 === 0) {
    const from = first / 8;
    const take = width / 8;
    if (take === lane) target.set(packed);
    else
      for (let i = 0; i < components; i++)
        target.set(packed.subarray(i * take, (i + 1) * take), i * lane + from);
  } else {
    let position = 0;
    for (let i = 0; i < components; i++) {
      const base = i * lane * 8 + first;
      for (let j = 0; j < width; j++, position++) {
        if ((packed[position >> 3]! >> (position & 7)) & 1) {
          const bit = base + j;
          target[bit >> 3]! |= 1 << (bit & 7);
        }
      }
    }
  }
  if (!signed || top === lane * 8 - 1) return;
  // Sign extension above `top`, byte by byte.
  for (let i = 0; i < components; i++) {
    const base = i * lane;
    if (((target[base + (top >> 3)]! >> (top & 7)) & 1) === 0) continue;
    target[base + (top >> 3)]! |= (0xff << ((top & 7) + 1)) & 0xff;
    for (let k = (top >> 3) + 1; k < lane; k++) target[base + k] = 0xff;
  }
}

export const packBitsCodecExtension: CodecExtension = {
  kind: "codec",
  name: "packbits",
  codecKind: "array_to_bytes",
  fromConfig: (configuration, { spec }) => PackBitsCodec.fromConfig(configuration, spec),
  samples: [undefined, { padding_encoding: "first_byte" }, { padding_encoding: "last_byte" }],
  dataTypes: PACKBITS_DATA_TYPES,
};
