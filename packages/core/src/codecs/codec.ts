import type { LruCache } from "../context/lru-cache.js";
import type { DataType } from "../data-types/data-type.js";
import type { RunLayout, StridedRuns } from "../indexing/byte-runs.js";
import type { StridedView } from "../indexing/strided-copy.js";
import type { JsonObject } from "../json/json-value.js";
import type { NamedConfig } from "../metadata/named-config.js";
import type { NDArray } from "../ndarray.js";
import type { Registry } from "../registry/registry.js";
import type { ByteRange, FileSlice, StoreGetOptions } from "../store/store.js";
import type { CodecRunner } from "./codec-runner.js";

/** What a codec sees on its decoded side: the chunk's shape, data type and fill value. */
export interface ChunkSpec {
  readonly shape: readonly number[];
  readonly dataType: DataType;
  /** One element, as element bytes (see DataType). */
  readonly fillValue: Uint8Array;
}

export type CodecKind = "array_to_array" | "array_to_bytes" | "bytes_to_bytes";

interface CodecBase {
  /** The name it is stored under in metadata. */
  readonly name: string;
  /** The metadata entry for this codec, with spec-required defaults filled in. */
  toConfig(): NamedConfig;
}

/** Rearranges or re-types an array (e.g. transpose). `spec` is always the decoded side's. */
export interface ArrayToArrayCodec extends CodecBase {
  readonly kind: "array_to_array";
  encodedSpec(spec: ChunkSpec): ChunkSpec;
  encode(chunk: NDArray, spec: ChunkSpec): NDArray | Promise<NDArray>;
  /** `chunk` has the encoded spec's shape; the result has `spec.shape` (a view is fine). */
  decode(chunk: NDArray, spec: ChunkSpec): NDArray | Promise<NDArray>;
  /**
   * For codecs that only re-view data (transpose): the view of a decoded-side `target` as the
   * encoded side sees it, so decoding can write straight into the caller's memory.
   */
  encodedTarget?(target: StridedView, spec: ChunkSpec): StridedView;
  /**
   * True when encoding only re-views the chunk the way `encodedTarget` re-views a target
   * (values unchanged, as transpose's): writes may then hand the next codecs the caller's
   * memory through that view. Not for codecs whose encoding changes values (bitround).
   */
  readonly encodesByView?: boolean;
}

/**
 * Serialises an array (e.g. bytes, sharding_indexed). The SelectingDecoder methods are for a
 * codec whose encoding is the memory layout (storesMemoryLayout): the pipeline uses them when
 * no bytes->bytes codec follows.
 */
export interface ArrayToBytesCodec extends CodecBase, SelectingDecoder {
  readonly kind: "array_to_bytes";
  encode(chunk: NDArray, spec: ChunkSpec): Uint8Array | Promise<Uint8Array>;
  /**
   * Must check that `bytes` holds exactly what `spec` needs (CorruptChunkError otherwise).
   * `bytes` belongs to the pipeline (stores hand out bytes the caller owns), so codecs may
   * decode in place and return views of it.
   */
  decode(bytes: Uint8Array, spec: ChunkSpec): NDArray | Promise<NDArray>;
  /** The encoded size when it depends only on the spec (fixed-size encodings). */
  encodedSize?(spec: ChunkSpec): number | undefined;
  /**
   * True when a chunk's encoding is exactly its elements' bytes as held in memory, in C order
   * (`bytes` in the host's byte order): stores can then move them straight between the file
   * and the caller's array.
   */
  storesMemoryLayout?(spec: ChunkSpec): boolean;
  /**
   * For a codec whose encoding is the memory layout but for each lane's byte order (`bytes`,
   * big-endian): what reverses the lanes of runs in place, off the calling thread (undefined
   * when it cannot, or the layout needs no swap). Readers then decode such chunks into the
   * result as memory-layout ones, and swap the runs after.
   */
  lanesSwapper?(spec: ChunkSpec): ((runs: StridedRuns) => Promise<void>) | undefined;
  /**
   * True when encoding a strided view of the caller's array costs no more than encoding a
   * contiguous copy of it (sharding whose inner chunks gather their own rows): writers then
   * pass the view rather than copy the values first.
   */
  readonly encodesStrided?: boolean;
  /**
   * encode of many chunks laid out alike, in one job, for a codec whose encoding gathers the
   * chunk's elements (`bytes`, in either byte order): `runs` are one chunk's element bytes in C
   * order, `offsets` where each chunk's begin in `runs.bytes` (the runs moved there). Their
   * encodings one after another, and the size of each; undefined when it cannot for `spec`.
   */
  encodeStridedMany?(
    runs: StridedRuns,
    offsets: Float64Array,
    spec: ChunkSpec,
  ): Promise<readonly [encoded: Uint8Array, sizes: readonly number[]]> | undefined;
  /**
   * encode's result as parts whose concatenation it is (sharding: the inner chunks and the
   * index), so that a store that gathers (setParts) writes them without joining them first.
   */
  encodeParts?(chunk: NDArray, spec: ChunkSpec): Promise<Uint8Array[]>;
  /**
   * How many pieces of one chunk encode runs at once (sharding: inner chunks in flight); a
   * writer divides the chunks it writes at once by it. Default 1.
   */
  readonly encodeConcurrency?: number;
  /**
   * Decodes straight into `target` (a strided view with `spec.shape`), with no intermediate
   * array. Keeps no reference to `bytes` once done: the pipeline reuses that memory.
   */
  decodeInto?(bytes: Uint8Array, spec: ChunkSpec, target: StridedView): void | Promise<void>;
  /**
   * Reads only what `region` of the chunk needs (sharding: the index, then just the inner
   * chunks touched) and writes it into `target` (a view of the region's shape). Resolves false
   * when the chunk is not stored at all.
   */
  decodePartialInto?(
    source: ChunkSource,
    spec: ChunkSpec,
    region: readonly ChunkRegion[],
    target: StridedView,
  ): Promise<boolean>;
  /**
   * True when decodePartialInto reads a local file (`ChunkSource.file`) in parts off the
   * calling thread, better than the whole chunk read into memory even when all of it is
   * wanted (sharding: the index, then batches of inner chunks). From other stores a whole
   * chunk is still fetched in one request and decoded with decodeInto.
   */
  readonly readsFilesInParts?: boolean;
  /**
   * The shape of the parts that decodePartialInto reads and decodes on their own (sharding: its
   * inner chunks): reads of scattered elements (points, positions) are grouped by them.
   */
  readonly partialReadShape?: readonly number[];
  /**
   * A stored chunk with `region` of it set from `value` (a view of the region's shape), as the
   * parts to store, re-encoding only what the region touches (sharding keeps the bytes of the
   * inner chunks it does not touch, as they are). `stored`: the chunk's bytes, or undefined
   * when it has none (all fill). `empty`: nothing but the fill value is left in the chunk.
   */
  updateParts?(
    stored: Uint8Array | undefined,
    spec: ChunkSpec,
    region: readonly ChunkRegion[],
    value: StridedView,
  ): Promise<{ parts: Uint8Array[]; empty: boolean }>;
}

/** One dimension of a region inside a chunk: `count` indices from `start`, `step` apart. */
export interface ChunkRegion {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/**
 * Reads of one version of a stored chunk (see StoreGetOptions): the first read learns the
 * version (`onVersion`), later ones ask for it (`ifVersion`), and a chunk rewritten between
 * them fails the later read with ValueChangedError instead of pairing two versions' bytes.
 */
export type VersionPin = Pick<StoreGetOptions, "ifVersion" | "onVersion">;

/** Byte access to one stored chunk, for partial decoding. */
export interface ChunkSource {
  readonly key: string;
  /** Identifies the chunk across arrays sharing a context (store identity + key). */
  readonly cacheKey: string;
  get(range?: ByteRange, pin?: VersionPin): Promise<Uint8Array | undefined>;
  /**
   * `get` without this read's signal, for bytes that reads under way share (a shard's index):
   * one reader's abort must not fail the others. The reader checks `signal` once it has them.
   */
  getShared(range?: ByteRange, pin?: VersionPin): Promise<Uint8Array | undefined>;
  /** This read's signal, if it has one. */
  readonly signal?: AbortSignal;
  /** The stored chunk's version (the store's `version`), when the store can tell it. */
  version?(): Promise<string | undefined>;
  /**
   * When the array reading was opened (nextSequence's count). Where the store tells no
   * versions, what was cached of the chunk before then is read again: an array sees what
   * other processes wrote before it was opened, as tensorstore's default `recheck_cached_data`.
   */
  readonly openedAt?: number;
  /**
   * Gives back bytes `get` returned once decoded and read by nothing else: their memory may be
   * reclaimed at once (the context's `releaseEncoded`). Optional to call.
   */
  release?(bytes: Uint8Array): void;
  /** Small, bounded, shared cache of verified bytes (shard indexes) keyed by `cacheKey`. */
  readonly indexCache: LruCache<string, Uint8Array>;
  /**
   * The local file that holds the chunk (the store's `localFile`), for codecs whose parts are
   * read and decoded in one job (sharding's inner chunks); undefined when the store has none.
   */
  readonly file?: string;
}

/**
 * How reading and decoding a chunk from a local file went: "missing" when there is no such
 * file, "unsupported" (nothing written) when it must be read and decoded the usual way.
 */
export type FileDecodeOutcome = "decoded" | "missing" | "unsupported";

/**
 * Decoding of selections of a chunk's content, off the calling thread: offered by a
 * bytes->bytes codec (the native addon's zstd, blosc and DEFLATE) or by an array->bytes codec
 * whose encoding is the memory layout (`bytes`, where a selection is a copy).
 */
export interface SelectingDecoder {
  /**
   * Decodes what `from` selects of the decoded bytes (`size` of them in all) into `to`, which
   * holds exactly as many bytes: decoding stops after the selection's last byte where the
   * format allows, and no chunk-sized buffer is made in the caller's memory. Offered where
   * decoding leaves the calling thread (the native addon's zstd, blosc and DEFLATE).
   * CorruptChunkError as decode's.
   */
  decodeSelectedInto?(
    bytes: Uint8Array,
    size: number,
    from: RunLayout,
    to: StridedRuns,
  ): Promise<void>;
  /**
   * decodeSelectedInto of a chunk that the same job first reads from `file` (a store's
   * `localFile`): one trip off the calling thread per chunk, and the encoded bytes never reach
   * JavaScript. "missing" when there is no such file; "unsupported" when this frame needs the
   * bytes decoded another way (nothing was written: read them and call decodeSelectedInto). A
   * file that cannot be read rejects with StoreError.
   */
  decodeFileSelectedInto?(
    file: FileSlice,
    size: number,
    from: RunLayout,
    to: StridedRuns,
  ): Promise<FileDecodeOutcome>;
  /**
   * decodeFileSelectedInto for several slices of files (a shard's inner chunks, or chunk
   * files), all of the same `size` and selection `from`, in one job: slice i is
   * `slices[4i + 2]` bytes (-1: the rest of the file) from byte `slices[4i + 1]` of
   * `paths[slices[4i]]`, and its selection lands in the runs `to` describes, moved to start at
   * byte `slices[4i + 3]` of `to.bytes`. Each slice's outcome; errors as
   * decodeFileSelectedInto's (the first that fails rejects the call).
   */
  decodeFileSelectedManyInto?(
    paths: readonly string[],
    size: number,
    from: RunLayout,
    to: StridedRuns,
    slices: Float64Array,
  ): Promise<readonly FileDecodeOutcome[]>;
}

/** Transforms bytes (compression, checksums). */
export interface BytesToBytesCodec extends CodecBase, SelectingDecoder {
  readonly kind: "bytes_to_bytes";
  encode(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** `decodedSize` (when known) bounds what decompression may allocate. */
  decode(bytes: Uint8Array, decodedSize: number | undefined): Uint8Array | Promise<Uint8Array>;
  /**
   * Decodes into `target`, whose length is exactly the decoded size the chunk needs (reused
   * scratch memory: no allocation per chunk); CorruptChunkError when `bytes` decodes to any
   * other size.
   */
  decodeInto?(bytes: Uint8Array, target: Uint8Array): void | Promise<void>;
  /**
   * Decodes into `runs`, one after another, whose total is exactly the decoded size
   * (CorruptChunkError otherwise): a chunk lands in the rows of the caller's array with no
   * buffer in between. Worth offering where decoding leaves the calling thread anyway (a native
   * thread pool), so the scatter costs the calling thread nothing.
   */
  decodeIntoRuns?(bytes: Uint8Array, runs: readonly Uint8Array[]): Promise<void>;
  /** Encodes the concatenation of `runs` (gathered where decodeIntoRuns scatters). */
  encodeRuns?(runs: readonly Uint8Array[]): Promise<Uint8Array>;
  /**
   * decodeIntoRuns for runs described by strides: preferred when offered, as the rows of a
   * chunk then need no view each (nor the codec a look at each).
   */
  decodeIntoStrided?(bytes: Uint8Array, runs: StridedRuns): Promise<void>;
  /** encodeRuns for runs described by strides (preferred when offered). */
  encodeStrided?(runs: StridedRuns): Promise<Uint8Array>;
  /**
   * encodeStrided of many chunks laid out alike, in one job: `runs` describes one chunk's
   * runs, `offsets` where each chunk's begin in `runs.bytes` (the runs moved there). Their
   * encodings one after another, and the size of each.
   */
  encodeStridedMany?(
    runs: StridedRuns,
    offsets: Float64Array,
  ): Promise<readonly [encoded: Uint8Array, sizes: readonly number[]]>;
  /**
   * Bytes `offset` to `offset + length` of the decoded chunk, decoding as little as the format
   * allows (blosc: just the blocks that hold them); CorruptChunkError when they lie past its end.
   */
  decodeRange?(
    bytes: Uint8Array,
    offset: number,
    length: number,
    decodedSize: number | undefined,
  ): Uint8Array | Promise<Uint8Array>;
  /** The encoded size for a given decoded size, when fixed (e.g. checksums add 4 bytes). */
  encodedSize?(decodedSize: number): number | undefined;
}

export type Codec = ArrayToArrayCodec | ArrayToBytesCodec | BytesToBytesCodec;

/** What a codec factory gets besides its configuration. */
export interface CodecFactoryContext {
  /** The spec on this codec's decoded side, so configurations are checked against the data type. */
  readonly spec: ChunkSpec;
  /** Lets codecs that nest a pipeline (sharding) resolve their inner codecs. */
  readonly registry: Registry;
  /** Where nested pipelines run their bytes->bytes stage (the array's context's runner). */
  readonly runner?: CodecRunner;
}

export type CodecConfig = JsonObject;
