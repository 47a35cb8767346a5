import {
  type ArrayToBytesCodec,
  type ChunkRegion,
  type ChunkSource,
  type ChunkSpec,
  type CodecExtension,
  CorruptChunkError,
  cOrderStride,
  copyBytes,
  elementCount,
  hasByteOrder,
  InvalidMetadataError,
  InvalidValueError,
  isCContiguous,
  type JsonObject,
  type NDArray,
  ndarray,
  regionLayout,
  reverseByteOrder,
  type StridedRuns,
  type StridedView,
  stridedByteRuns,
  stridedCopy,
  valueBitsFromStorage,
  valueBitsToStorage,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";
import type { StoredRunsReader } from "./stored-runs-reader.js";

export type Endian = "little" | "big";

/** Smaller strided chunks are copied on the calling thread: a job costs more than the copy. */
const MIN_GATHER_BYTES = 16 << 10;

/** Lanes the addon's gather reverses (1: none). */
function isGatherLane(lane: number): lane is 1 | 2 | 4 | 8 {
  return lane === 1 || lane === 2 || lane === 4 || lane === 8;
}

/** The v3 `bytes` codec: elements in C order, each lane in the configured byte order. */
export class BytesCodec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";
  readonly name = "bytes";
  readonly endian: Endian | undefined;
  /** Offered with a StoredRunsReader (native): copies of selections, off the calling thread. */
  readonly decodeSelectedInto?: ArrayToBytesCodec["decodeSelectedInto"];
  readonly decodeFileSelectedInto?: ArrayToBytesCodec["decodeFileSelectedInto"];
  readonly decodeFileSelectedManyInto?: ArrayToBytesCodec["decodeFileSelectedManyInto"];
  /**
   * With a StoredRunsReader (native): a strided chunk (rows of the caller's array) is gathered
   * off the calling thread, its lanes reversed when big-endian; chunks laid out alike, many in
   * one job.
   */
  readonly encodesStrided: boolean;
  readonly encodeStridedMany?: ArrayToBytesCodec["encodeStridedMany"];

  /**
   * `readStoredRuns` (native) copies selections of stored chunks (windows of local chunk
   * files, a shard's inner chunks) straight into the result. The pipeline uses them only when
   * the encoding is the memory layout (storesMemoryLayout).
   */
  readonly #readStoredRuns: StoredRunsReader | undefined;

  constructor(endian: Endian | undefined, readStoredRuns?: StoredRunsReader) {
    this.endian = endian;
    this.#readStoredRuns = readStoredRuns;
    this.encodesStrided = readStoredRuns !== undefined;
    if (readStoredRuns !== undefined) {
      this.encodeStridedMany = (runs, offsets, spec) => {
        const lane = this.#gatherLane(spec.dataType);
        return lane !== undefined ? readStoredRuns.gatherMany(runs, offsets, lane) : undefined;
      };
      this.decodeSelectedInto = readStoredRuns.fromMemory;
      this.decodeFileSelectedInto = readStoredRuns.fromFile;
      this.decodeFileSelectedManyInto = readStoredRuns.fromFiles;
    }
  }

  static fromConfig(
    configuration: JsonObject | undefined,
    spec: ChunkSpec,
    readStoredRuns?: StoredRunsReader,
  ): BytesCodec {
    onlyFields("bytes", configuration, ["endian"]);
    const endian = configuration?.endian;
    if (endian !== undefined && endian !== "little" && endian !== "big") {
      throw new InvalidMetadataError(
        `codec "bytes": configuration.endian must be "little" or "big", got ${JSON.stringify(endian)}`,
      );
    }
    if (spec.dataType.variableLength) {
      throw new InvalidMetadataError(
        `codec "bytes" cannot serialise the variable-length data type ${spec.dataType.name}; use ${spec.dataType.kind === "string" ? "vlen-utf8" : "vlen-bytes"}`,
      );
    }
    if (endian === undefined && hasByteOrder(spec.dataType)) {
      throw new InvalidMetadataError(
        `codec "bytes": configuration.endian is required for the multi-byte data type ${spec.dataType.name}`,
      );
    }
    return new BytesCodec(endian, readStoredRuns);
  }

  toConfig() {
    return this.endian === undefined
      ? { name: "bytes" }
      : { name: "bytes", configuration: { endian: this.endian } };
  }

  encodedSize(spec: ChunkSpec): number {
    return elementCount(spec.shape) * spec.dataType.itemSize;
  }

  encode(chunk: NDArray): Uint8Array | Promise<Uint8Array> {
    const { dataType } = chunk;
    const asInMemory = this.storesMemoryLayout(chunk);
    // A contiguous chunk in the host's byte order is its own encoding.
    if (asInMemory && isCContiguous(chunk)) return this.#bytesOf(chunk, false);
    const reader = this.#readStoredRuns;
    const lane = this.#gatherLane(dataType);
    const large = elementCount(chunk.shape) * dataType.itemSize >= MIN_GATHER_BYTES;
    const source = reader && large && stridedByteRuns(chunk, chunk.shape, dataType.lanes, 0);
    if (reader !== undefined && source && lane !== undefined) {
      // Gathered (lanes reversed, when big-endian) by the addon off the calling thread.
      return reader.gatherMany(source, Float64Array.of(source.offset), lane).then(([b]) => b);
    }
    const bytes = this.#bytesOf(chunk, !asInMemory);
    if (!asInMemory) {
      reverseByteOrder(bytes, dataType);
      valueBitsToStorage(bytes, dataType);
    }
    return bytes;
  }

  /**
   * The lane the addon's gather reverses between memory and storage (1: none); undefined when
   * it cannot (lanes of other sizes, a struct's fields of several).
   */
  #gatherLane(dataType: ChunkSpec["dataType"]): 1 | 2 | 4 | 8 | undefined {
    if (dataType.valueBits !== undefined) return undefined;
    if (this.endian !== "big" || !hasByteOrder(dataType)) return 1;
    if (dataType.byteOrderParts !== undefined) return undefined;
    return isGatherLane(dataType.laneSize) ? dataType.laneSize : undefined;
  }

  decode(bytes: Uint8Array, spec: ChunkSpec): NDArray {
    return ndarray(spec.dataType, spec.shape, this.#elements(bytes, spec));
  }

  /**
   * Little-endian (or single-byte) elements are stored exactly as they sit in memory; types
   * narrower than their byte are not (the bits above the value are ignored when read).
   */
  storesMemoryLayout(spec: Pick<ChunkSpec, "dataType">): boolean {
    const { dataType } = spec;
    return (
      !dataType.variableLength &&
      dataType.valueBits === undefined &&
      (this.endian !== "big" || !hasByteOrder(dataType))
    );
  }

  /** Big-endian lanes of 2, 4 or 8 bytes, reversed by the native reader where it is built. */
  lanesSwapper(spec: ChunkSpec): ((runs: StridedRuns) => Promise<void>) | undefined {
    const reader = this.#readStoredRuns;
    const lane = spec.dataType.laneSize;
    if (reader === undefined || this.endian !== "big" || spec.dataType.variableLength) return;
    if (spec.dataType.byteOrderParts !== undefined) return;
    if (lane !== 2 && lane !== 4 && lane !== 8) return;
    return (runs) => reader.swapLanes(runs, lane);
  }

  /** Swaps in place (the pipeline owns `bytes`) and copies once, straight into `target`. */
  decodeInto(bytes: Uint8Array, spec: ChunkSpec, target: StridedView): void {
    const source = {
      data: this.#elements(bytes, spec),
      offset: 0,
      stride: cOrderStride(spec.shape),
    };
    stridedCopy(target, source, spec.shape, spec.dataType.lanes);
  }

  /**
   * A selection of part of a chunk reads just the bytes from its first to its last element
   * (one range request) and copies the selection out of them: a window of an uncompressed
   * array never reads whole chunks. From a local file, with `readStoredRuns`, that is one job
   * that copies the selection straight into `target` (no buffer per chunk, no copy here).
   */
  async decodePartialInto(
    source: ChunkSource,
    spec: ChunkSpec,
    region: readonly ChunkRegion[],
    target: StridedView,
  ): Promise<boolean> {
    const { dataType } = spec;
    if (dataType.variableLength)
      throw new InvalidValueError(`codec "bytes": ${dataType.name} has no fixed-size elements`);
    const file = source.file;
    const fromFile = this.decodeFileSelectedInto;
    const swap = this.lanesSwapper(spec);
    if (
      file !== undefined &&
      fromFile !== undefined &&
      (this.storesMemoryLayout(spec) || swap !== undefined)
    ) {
      const counts = region.map((r) => r.count);
      const to = stridedByteRuns(target, counts, dataType.lanes, 0);
      if (to !== undefined) {
        const from = regionLayout(spec.shape, region, dataType.itemSize);
        const read = await fromFile({ path: file }, this.encodedSize(spec), from, to);
        if (read === "decoded") await swap?.(to);
        if (read !== "unsupported") return read === "decoded";
      }
    }
    const stride = cOrderStride(spec.shape);
    // The selection's first and last elements in storage order.
    let first = 0;
    let last = 0;
    region.forEach((r, d) => {
      const end = r.start + (r.count - 1) * r.step;
      first += Math.min(r.start, end) * stride[d]!;
      last += Math.max(r.start, end) * stride[d]!;
    });
    const size = dataType.itemSize;
    const bytes = await source.get({ offset: first * size, length: (last - first + 1) * size });
    if (bytes === undefined) return false;
    if (bytes.byteLength !== (last - first + 1) * size)
      throw new CorruptChunkError(`codec "bytes": the chunk is shorter than its shape needs`);
    if (this.endian === "big") reverseByteOrder(bytes, dataType);
    valueBitsFromStorage(bytes, dataType);
    const aligned = bytes.byteOffset % dataType.laneSize === 0 ? bytes : copyBytes(bytes);
    const elements = dataType.view(aligned.buffer, aligned.byteOffset, last - first + 1);
    const from = {
      data: elements,
      offset: region.reduce((o, r, d) => o + r.start * stride[d]!, 0) - first,
      stride: region.map((r, d) => r.step * stride[d]!),
    };
    stridedCopy(
      target,
      from,
      region.map((r) => r.count),
      dataType.lanes,
    );
    return true;
  }

  /**
   * The chunk's elements in C order as bytes: its own memory when it is contiguous (unless
   * `copy`), else a contiguous copy.
   */
  #bytesOf(chunk: NDArray, copy: boolean): Uint8Array {
    const { dataType } = chunk;
    const contiguous = isCContiguous(chunk);
    let data = chunk.data;
    if (!contiguous) {
      const copied = ndarray(dataType, chunk.shape);
      stridedCopy(copied, chunk, chunk.shape, dataType.lanes);
      data = copied.data;
    }
    if (!ArrayBuffer.isView(data))
      throw new InvalidValueError(`codec "bytes": ${dataType.name} has no fixed-size elements`);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return contiguous && copy ? copyBytes(bytes) : bytes;
  }

  /** The chunk's elements as a typed array over `bytes` (in native order), checked for size. */
  #elements(bytes: Uint8Array, spec: ChunkSpec) {
    const { dataType } = spec;
    const count = elementCount(spec.shape);
    const expected = count * dataType.itemSize;
    if (bytes.byteLength !== expected) {
      throw new CorruptChunkError(
        `codec "bytes": expected ${expected} bytes for shape [${spec.shape}] of ${dataType.name}, got ${bytes.byteLength}`,
      );
    }
    if (this.endian === "big") reverseByteOrder(bytes, dataType);
    valueBitsFromStorage(bytes, dataType);
    // Typed arrays need aligned offsets; copy the rare misaligned view.
    const aligned = bytes.byteOffset % dataType.laneSize === 0 ? bytes : copyBytes(bytes);
    return dataType.view(aligned.buffer, aligned.byteOffset, count);
  }
}

/** The `bytes` codec, reading windows of local chunk files with `readStoredRuns`. */
export function createBytesCodecExtension(readStoredRuns?: StoredRunsReader): CodecExtension {
  return {
    kind: "codec",
    name: "bytes",
    codecKind: "array_to_bytes",
    fromConfig: (configuration, { spec }) =>
      BytesCodec.fromConfig(configuration, spec, readStoredRuns),
    samples: [{ endian: "little" }, { endian: "big" }],
    dataTypes: "fixed-size",
  };
}

/** The `bytes` codec in JavaScript alone. */
export const bytesCodecExtension: CodecExtension = createBytesCodecExtension();
