import {
  type ArrayToBytesCodec,
  type ChunkSpec,
  type CodecExtension,
  CorruptChunkError,
  decodeUtf8,
  elementCount,
  encodeUtf8,
  InvalidMetadataError,
  InvalidValueError,
  isCContiguous,
  type JsonObject,
  type NDArray,
  ndarray,
  stridedCopy,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";

type Flavour = "utf8" | "bytes";

/**
 * `vlen-utf8` and `vlen-bytes` (numcodecs VLenUTF8/VLenBytes): a u32le element count, then per
 * element in C order a u32le byte length and the bytes. Every length is checked against what is
 * left, so a corrupt chunk can never make decoding read or allocate past its own bytes.
 */
export class VlenCodec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";
  readonly name: string;
  readonly #flavour: Flavour;

  constructor(name: string, flavour: Flavour) {
    this.name = name;
    this.#flavour = flavour;
  }

  static fromConfig(
    name: string,
    flavour: Flavour,
    configuration: JsonObject | undefined,
    spec: ChunkSpec,
  ): VlenCodec {
    onlyFields(name, configuration, []);
    const wanted = flavour === "utf8" ? "string" : "bytes";
    if (spec.dataType.kind !== wanted) {
      throw new InvalidMetadataError(
        `codec "${name}" serialises the ${wanted} data type, not ${spec.dataType.name}`,
      );
    }
    return new VlenCodec(name, flavour);
  }

  toConfig() {
    return { name: this.name };
  }

  encode(chunk: NDArray): Uint8Array {
    let data = chunk.data;
    if (!isCContiguous(chunk)) {
      const contiguous = ndarray(chunk.dataType, chunk.shape);
      stridedCopy(contiguous, chunk, chunk.shape, 1);
      data = contiguous.data;
    }
    if (ArrayBuffer.isView(data))
      throw new InvalidValueError(`codec "${this.name}": expected a JS array of elements`);
    const parts: Uint8Array[] = [];
    let total = 4;
    for (const element of data) {
      const bytes = typeof element === "string" ? encodeUtf8(element) : element;
      parts.push(bytes);
      total += 4 + bytes.byteLength;
    }
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setUint32(0, parts.length, true);
    let at = 4;
    for (const bytes of parts) {
      view.setUint32(at, bytes.byteLength, true);
      out.set(bytes, at + 4);
      at += 4 + bytes.byteLength;
    }
    return out;
  }

  decode(bytes: Uint8Array, spec: ChunkSpec): NDArray {
    const corrupt = (why: string) => new CorruptChunkError(`codec "${this.name}": ${why}`);
    const count = elementCount(spec.shape);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength < 4) throw corrupt(`${bytes.byteLength} bytes cannot hold the header`);
    const stored = view.getUint32(0, true);
    if (stored !== count)
      throw corrupt(`the chunk holds ${stored} elements; shape [${spec.shape}] needs ${count}`);
    const elements: Uint8Array[] = new Array<Uint8Array>(count);
    let at = 4;
    for (let i = 0; i < count; i++) {
      if (at + 4 > bytes.byteLength) throw corrupt(`truncated before element ${i}`);
      const length = view.getUint32(at, true);
      at += 4;
      if (length > bytes.byteLength - at)
        throw corrupt(`element ${i} claims ${length} bytes; ${bytes.byteLength - at} are left`);
      elements[i] = bytes.subarray(at, at + length);
      at += length;
    }
    if (at !== bytes.byteLength)
      throw corrupt(`${bytes.byteLength - at} bytes follow the last element`);
    if (this.#flavour === "bytes")
      // Copies into plain Uint8Arrays (not Buffers): the pipeline may reuse `bytes`.
      return ndarray(
        spec.dataType,
        spec.shape,
        elements.map((e) => new Uint8Array(e)),
      );
    return ndarray(
      spec.dataType,
      spec.shape,
      elements.map((e, i) => {
        const text = decodeUtf8(e);
        if (text === undefined) throw corrupt(`element ${i} is not valid UTF-8`);
        return text;
      }),
    );
  }
}

function vlenExtension(name: string, flavour: Flavour, samples: string): CodecExtension {
  return {
    kind: "codec",
    name,
    aliases: [`numcodecs.${name}`],
    codecKind: "array_to_bytes",
    fromConfig: (configuration, { spec }) =>
      VlenCodec.fromConfig(name, flavour, configuration, spec),
    fromV2: () => ({ name }),
    samples: [undefined],
    dataTypes: [samples],
  };
}

export const vlenUtf8CodecExtension = vlenExtension("vlen-utf8", "utf8", "string");
export const vlenBytesCodecExtension = vlenExtension("vlen-bytes", "bytes", "bytes");
