import type { ChunkGrid } from "../chunk-grids/chunk-grid.js";
import type { ChunkKeyEncoding } from "../chunk-key-encodings/chunk-key-encoding.js";
import type { ChunkRegion, ChunkSource, FileDecodeOutcome, VersionPin } from "../codecs/codec.js";
import type { CodecPipeline } from "../codecs/codec-pipeline.js";
import { BoundedBufferPool } from "../context/bounded-buffer-pool.js";
import { ByteBufferPool } from "../context/byte-buffer-pool.js";
import { cacheFreshness } from "../context/cache-freshness.js";
import { type Allocator, type Context, chunkCacheKey } from "../context/context.js";
import { LruCache } from "../context/lru-cache.js";
import { runLimited } from "../context/run-limited.js";
import { nextSequence } from "../context/sequence.js";
import type { ArrayFor, DataType, ScalarFor } from "../data-types/data-type.js";
import {
  CorruptChunkError,
  InvalidMetadataError,
  InvalidValueError,
  isZarrkitError,
  StoreError,
  throwIfAborted,
  UnsupportedFeatureError,
  ZarrkitError,
} from "../errors/errors.js";
import { everyRun, expandRuns, joinedParts, stridedRunsLength } from "../indexing/byte-runs.js";
import { cartesianProduct } from "../indexing/cartesian-product.js";
import {
  type ChunkProjection,
  chunkProjections,
  projectDimension,
  walksForward,
  wholeChunkView,
} from "../indexing/chunk-projection.js";
import {
  type CoordinateSelection,
  type MaskSelection,
  maskCoordinates,
  normalizeCoordinates,
  type Points,
} from "../indexing/coordinate-selection.js";
import { type AxisBlock, axisBlocks } from "../indexing/orthogonal-blocks.js";
import {
  basicIndexers,
  normalizeOrthogonalSelection,
  type OrthogonalDimIndexer,
  type OrthogonalSelection,
} from "../indexing/orthogonal-selection.js";
import { offsetsInBlock, type PointBlock, pointBlocks } from "../indexing/point-blocks.js";
import { type DimIndexer, normalizeSelection, type Selection } from "../indexing/selection.js";
import {
  copyElementsAt,
  outerCopy,
  type StridedView,
  stridedCopy,
} from "../indexing/strided-copy.js";
import type { JsonObject } from "../json/json-value.js";
import type { ArrayMetadata } from "../metadata/array-metadata.js";
import type { V2ArrayMetadata } from "../metadata/v2-metadata.js";
import { elementCount, type NDArray, ndarray } from "../ndarray.js";
import { sliceRange } from "../store/byte-range.js";
import {
  type ByteRange,
  isListable,
  isWritable,
  type Store,
  type StoreEntry,
  type WritableStore,
} from "../store/store.js";
import { type ChunkLayout, ChunkLayouts } from "./chunk-layouts.js";
import {
  bytesAllElement,
  checkedOutput,
  checkedView,
  fillChunk,
  isAllElement,
  isNDArray,
  sourceView,
} from "./chunk-values.js";
import { writeNodeMetadata, writeV2ArrayMetadata, writeV2Attributes } from "./node-metadata-io.js";
import { keyIn } from "./node-path.js";
import { ScratchArrays } from "./scratch-arrays.js";

export interface ArrayOptions {
  /**
   * Write chunks that end up equal to the fill value (default false: such chunks are not
   * written, and deleted if they exist).
   */
  writeEmptyChunks?: boolean;
}

export interface GetOptions<D extends string = string> {
  signal?: AbortSignal;
  /**
   * Where to write the result: an NDArray view of the selection's shape (any strides, any
   * memory, e.g. a SharedArrayBuffer), or a typed array (a JS array for string/bytes) holding it
   * in C order. It is returned.
   */
  out?: NDArray<D> | ArrayFor<D>;
  /** Where a new result lands when `out` is not given (overrides the context's allocator). */
  allocator?: Allocator;
}

export interface SetOptions {
  signal?: AbortSignal;
}

/** What `set` accepts: a scalar (broadcast), an NDArray (broadcast NumPy-style), or flat C-order data. */
export type SetValue<D extends string> = ScalarFor<D> | NDArray<D> | ArrayFor<D>;

/** The metadata of an array resolved through the registry, ready for I/O. */
interface Resolved<D extends string> {
  readonly dataType: DataType<D>;
  readonly fillValue: Uint8Array;
  readonly grid: ChunkGrid;
  readonly keyEncoding: ChunkKeyEncoding;
  /** Each chunk's shape and pipeline (one for a regular grid). */
  readonly layouts: ChunkLayouts;
}

/** A chunk's decode that reads under way share (see ZarrArray's #readShared). */
interface SharedDecode {
  stored: Promise<Uint8Array | undefined>;
  readers: number;
  /** The pool's buffer the chunk was decoded into, given back by the last reader. */
  pooled?: Uint8Array;
}

/**
 * What the blocks of one orthogonal or point selection share, each read as a basic selection
 * of its own. They touch chunks (or a shard's parts) no other block of it does, so they take no
 * part in shared decodes (a burst of blocks would otherwise decode every chunk whole into
 * buffers of the pool, where a block's read decodes only up to its last element, straight into
 * its box); and each stored chunk's version is asked of the store once per selection, as one
 * basic read does (a stat per inner chunk cost 1000 points ~25 ms).
 */
interface SelectionPart {
  readonly versions: Map<string, Promise<string | undefined>>;
}

/** Whole chunks in local files read and decoded by one job (see ZarrArray's #fileBatches). */
type FileBatch = { projection: ChunkProjection; view: StridedView; path: string }[];
/**
 * Chunks of at most this many bytes are read (and written) in batches of CHUNKS_PER_BATCH: a
 * job and its promises per chunk cost the calling thread ~25 us, which a 64 KiB chunk's
 * decoding on a pool thread hardly outweighs (a 1 MiB chunk's does, and keeps a job of its own).
 */
const MAX_BATCHED_CHUNK_BYTES = 256 << 10;
const CHUNKS_PER_BATCH = 16;
/** Reads that touch more chunks than this (bulk reads) do not offer to share their decodes. */
const MAX_SHARED_CHUNKS = 4096;

/**
 * A Zarr array in a store. Create with `createArray`, open with `openArray` or `open`. A v2 array
 * works through its v3 equivalent (`metadata`); its own `.zarray` is `v2Metadata`, and that is
 * what changes are written to.
 */
export class ZarrArray<D extends string = string> {
  readonly kind = "array";
  readonly zarrFormat: 2 | 3;
  readonly store: Store;
  readonly path: string;
  readonly context: Context;
  readonly options: Readonly<ArrayOptions>;
  #metadata: ArrayMetadata;
  #v2: V2ArrayMetadata | undefined;
  #resolved: Resolved<D>;
  /**
   * The chunks that reads under way want, how many of them want each, and how many reads
   * those are: see #sharesDecodeOf.
   */
  readonly #wanted = new Map<string, number>();
  #wanting = 0;
  /**
   * Chunks' stored bytes (bytes->bytes codecs undone) that reads under way at once share: a
   * chunk is decoded once for all the reads that want parts of it while it is in use, into a
   * buffer of `#decodeBuffers` that then serves the next chunk's decode.
   */
  readonly #sharedDecodes = new Map<string, SharedDecode>();
  #decodeBuffers: BoundedBufferPool | undefined;
  /** When this array was opened, in nextSequence's count: see ChunkSource.openedAt. */
  readonly #openedAt = nextSequence();

  private constructor(
    store: Store,
    path: string,
    metadata: ArrayMetadata,
    resolved: Resolved<D>,
    context: Context,
    options: ArrayOptions,
    v2: V2ArrayMetadata | undefined,
  ) {
    this.store = store;
    this.path = path;
    this.zarrFormat = v2 === undefined ? 3 : 2;
    this.#v2 = v2;
    this.#metadata = metadata;
    this.#resolved = resolved;
    this.context = context;
    this.options = options;
  }

  /**
   * Builds an array from validated metadata: every extension point is looked up here, once.
   * For a v2 array, `metadata` is its v3 equivalent and `v2` the `.zarray` it came from.
   */
  static async fromMetadata(
    store: Store,
    path: string,
    metadata: ArrayMetadata,
    context: Context,
    options: ArrayOptions = {},
    v2?: V2ArrayMetadata,
  ): Promise<ZarrArray> {
    const { registry } = context;
    const where = { path };
    const wrap = (field: string, err: unknown): never => {
      const prefix = `zarr.json of "${path}": `;
      if (err instanceof ZarrkitError)
        throw err.path === undefined ? err.withLocation({ path }, prefix) : err;
      if (isZarrkitError(err)) throw err;
      throw new InvalidMetadataError(
        `${prefix}${field}: ${err instanceof Error ? err.message : String(err)}`,
        { path, cause: err },
      );
    };
    const resolving = <T>(field: string, resolve: () => T): T => {
      try {
        return resolve();
      } catch (err) {
        return wrap(field, err);
      }
    };
    const { dataType: dt, chunkGrid, chunkKeyEncoding } = metadata;
    const dataType = resolving("data_type", () =>
      registry.dataType(dt.name, dt.configuration, where),
    );
    const fillValue = resolving("fill_value", () => dataType.decodeFillValue(metadata.fillValue));
    const grid = resolving("chunk_grid", () =>
      registry
        .get("chunk-grid", chunkGrid.name, where)
        .fromConfig(chunkGrid.configuration, metadata.shape),
    );
    const keyEncoding = resolving("chunk_key_encoding", () =>
      registry
        .get("chunk-key-encoding", chunkKeyEncoding.name, where)
        .fromConfig(chunkKeyEncoding.configuration),
    );
    const layouts = await ChunkLayouts.resolve(
      grid,
      metadata.codecs,
      { dataType, fillValue },
      registry,
      path,
      context.codecRunner,
    );
    return new ZarrArray(
      store,
      path,
      metadata,
      { dataType, fillValue, grid, keyEncoding, layouts },
      context,
      options,
      v2,
    );
  }

  /** The v3 metadata (for a v2 array, its v3 equivalent). */
  get metadata(): ArrayMetadata {
    return this.#metadata;
  }

  /** The `.zarray` of a v2 array; undefined for v3. */
  get v2Metadata(): V2ArrayMetadata | undefined {
    return this.#v2;
  }
  get shape(): readonly number[] {
    return this.#metadata.shape;
  }
  get ndim(): number {
    return this.#metadata.shape.length;
  }
  get dataType(): DataType<D> {
    return this.#resolved.dataType;
  }
  /** The chunk shape of a regular grid; empty for others (see `chunkGrid`). */
  get chunkShape(): readonly number[] {
    return this.#resolved.grid.regularChunkShape ?? [];
  }
  /** How the array is cut into chunks: every chunk's start and size along each dimension. */
  get chunkGrid(): ChunkGrid {
    return this.#resolved.grid;
  }
  get fillValue(): ScalarFor<D> {
    return this.#resolved.dataType.toScalar(this.#resolved.fillValue);
  }
  get attributes(): JsonObject {
    return this.#metadata.attributes ?? {};
  }
  get dimensionNames(): readonly (string | null)[] | undefined {
    return this.#metadata.dimensionNames;
  }
  /** The codec pipeline (of the first chunk shape, for an irregular grid). */
  get codecPipeline(): CodecPipeline {
    return this.#resolved.layouts.representative;
  }

  /** The store key of the chunk at grid coordinates `coords`. */
  chunkKey(coords: readonly number[]): string {
    return keyIn(this.path, this.#resolved.keyEncoding.encode(coords));
  }

  /** Replaces the attributes (rewrites zarr.json, or .zattrs for v2; chunks are untouched). */
  async setAttributes(attributes: JsonObject): Promise<void> {
    const store = this.#writableStore();
    const metadata: ArrayMetadata = { ...this.#metadata, attributes };
    if (this.#v2 === undefined) await writeNodeMetadata(store, this.path, metadata);
    else await writeV2Attributes(store, this.path, attributes);
    this.#metadata = metadata;
  }

  /**
   * Grows the array along `axis` (default 0; negative counts from the end) by the value's
   * extent there and writes the value into the new part, as zarr-python's `append`. `value`:
   * an NDArray whose shape matches the array's but along `axis`, or flat C-order data (its
   * extent along `axis` follows from its length). Resolves the new shape. The shape is written
   * before the values: an append cut short leaves fill values at the end, never a shape that
   * hides values written.
   */
  async append(
    value: NDArray<D> | ArrayFor<D>,
    options: SetOptions & { axis?: number } = {},
  ): Promise<readonly number[]> {
    this.#writableStore();
    const { ndim, shape, path } = this;
    const given = options.axis ?? 0;
    const axis = given < 0 ? given + ndim : given;
    if (!Number.isInteger(given) || axis < 0 || axis >= ndim)
      throw new InvalidValueError(
        `append to "${path}": axis ${given} is not one of the array's ${ndim} dimensions`,
        { path },
      );
    const extent = appendedExtent(this.dataType, value, shape, axis, path);
    const start = shape[axis]!;
    const grown = shape.map((n, d) => (d === axis ? n + extent : n));
    await this.resize(grown, options);
    const region = shape.map(
      (_, d): DimIndexer =>
        d === axis
          ? { kind: "range", start, step: 1, count: extent }
          : { kind: "range", start: 0, step: 1, count: shape[d]! },
    );
    await this.#set(region, value, options);
    return grown;
  }

  /**
   * Changes the shape (same rank). Growing exposes fill values. Shrinking deletes chunks that
   * fall wholly outside the new shape and resets the cut-off part of edge chunks to the fill
   * value, so that growing again never brings old values back. Metadata is written last.
   */
  async resize(shape: readonly number[], options: SetOptions = {}): Promise<void> {
    const store = this.#writableStore();
    const { signal } = options;
    if (
      !Array.isArray(shape) ||
      shape.length !== this.ndim ||
      shape.some((n) => !Number.isSafeInteger(n) || n < 0)
    ) {
      throw new InvalidValueError(
        `resize of "${this.path}" needs ${this.ndim} non-negative integers, got [${String(shape)}]`,
        { path: this.path },
      );
    }
    const old = this.shape;
    const metadata: ArrayMetadata = { ...this.#metadata, shape: [...shape] };
    // The grid over the new shape first: a grid that cannot cover it (a rectilinear grid's
    // listed edges) is refused before anything changes. Chunks keep their places.
    let grid: ChunkGrid;
    try {
      grid = this.context.registry
        .get("chunk-grid", metadata.chunkGrid.name, { path: this.path })
        .fromConfig(metadata.chunkGrid.configuration, metadata.shape);
    } catch (err) {
      if (err instanceof ZarrkitError && err.path === undefined)
        throw err.withLocation({ path: this.path }, `resize of "${this.path}": `);
      throw err;
    }
    const kept = this.#resolved.layouts.regular?.shape;
    const layouts =
      kept !== undefined && grid.regularChunkShape?.every((n, d) => n === kept[d])
        ? this.#resolved.layouts
        : await ChunkLayouts.resolve(
            grid,
            metadata.codecs,
            { dataType: this.dataType, fillValue: this.#resolved.fillValue },
            this.context.registry,
            this.path,
            this.context.codecRunner,
          );
    const dims = this.#resolved.grid.dimensions;
    const newCounts = grid.dimensions.map((d) => d.chunkCount);
    // Chunks wholly outside the new shape go (listing finds them even beyond the old shape);
    // chunks the new edge cuts through keep their inside and get the fill value outside.
    const keptAlong = (c: number, d: number): number => shape[d]! - dims[d]!.chunkStart(c);
    const cuts = (c: number, d: number): boolean =>
      shape[d]! < old[d]! && c === newCounts[d]! - 1 && keptAlong(c, d) < dims[d]!.chunkSize(c);
    const doomed: string[] = [];
    const edges: number[][] = [];
    const oldCounts = dims.map((d) => d.chunkCount);
    for (const coords of await this.#storedChunkCoords(oldCounts)) {
      if (coords.some((c, d) => c >= newCounts[d]!)) doomed.push(this.chunkKey(coords));
      else if (coords.some(cuts)) edges.push(coords);
    }
    await runLimited(
      doomed,
      this.context.concurrency,
      (key) =>
        this.context.chunkLocks.run(chunkCacheKey(this.store, key), () => {
          this.#forgetCached(key);
          return this.#storeWrite(key, () => store.delete(key));
        }),
      signal,
    );
    const fill = fillChunk(this.dataType, [], this.#resolved.fillValue).data;
    await runLimited(
      edges,
      this.context.concurrency,
      (coords) =>
        this.context.chunkLocks.run(chunkCacheKey(this.store, this.chunkKey(coords)), async () => {
          const chunk = await this.#readChunk(coords, signal);
          if (chunk === undefined) return;
          coords.forEach((c, d) => {
            if (!cuts(c, d)) return;
            const keep = keptAlong(c, d);
            // The slab [keep, chunk size) along d, whole along the other dimensions.
            const counts = chunk.shape.map((n, k) => (k === d ? n - keep : n));
            const target = {
              data: chunk.data,
              offset: chunk.offset + keep * chunk.stride[d]!,
              stride: chunk.stride,
            };
            stridedCopy(
              target,
              { data: fill, offset: 0, stride: counts.map(() => 0) },
              counts,
              this.dataType.lanes,
            );
          });
          await this.#writeChunk(store, this.chunkKey(coords), chunk, await layouts.of(coords));
        }),
      signal,
    );
    throwIfAborted(signal, { path: this.path });
    if (this.#v2 === undefined) await writeNodeMetadata(store, this.path, metadata);
    else {
      const v2: V2ArrayMetadata = { ...this.#v2, shape: [...shape] };
      await writeV2ArrayMetadata(store, this.path, v2);
      this.#v2 = v2;
    }
    this.#metadata = metadata;
    this.#resolved = { ...this.#resolved, grid, layouts };
  }

  /** Coordinates of stored chunks: listed when the store can list, else every cell of `grid`. */
  async #storedChunkCoords(grid: readonly number[]): Promise<number[][]> {
    const encoding = this.#resolved.keyEncoding;
    if (isListable(this.store)) {
      const prefix = this.path === "" ? "" : `${this.path}/`;
      const found: number[][] = [];
      for await (const key of this.store.list(prefix)) {
        const coords = encoding.decode(key.slice(prefix.length), this.ndim);
        if (coords !== undefined) found.push(coords);
      }
      return found;
    }
    const all: number[][] = [[]];
    for (const g of grid)
      all.splice(
        0,
        all.length,
        ...all.flatMap((p) => Array.from({ length: g }, (_, i) => [...p, i])),
      );
    return all;
  }

  /** Reads a selection (NumPy basic indexing); missing chunks read as the fill value. */
  async get(selection?: Selection, options: GetOptions<D> = {}): Promise<NDArray<D>> {
    throwIfAborted(options.signal, { path: this.path });
    return this.#get(normalizeSelection(selection, this.shape), options);
  }

  /** `part`: given when this read is a block of an orthogonal or point selection. */
  async #get(
    indexers: readonly DimIndexer[],
    options: GetOptions<D>,
    part?: SelectionPart,
  ): Promise<NDArray<D>> {
    const versions = part?.versions;
    const { signal } = options;
    const outShape = selectionShape(indexers);
    const out = this.#output(outShape, options);
    const outStride = fullRankStride(indexers, out.stride);
    const { lanes } = this.dataType;
    const fill = fillSource(this.dataType, this.#resolved.fillValue, indexers.length);
    const buffers = new ByteBufferPool(this.context.concurrency);
    const caching = this.#caches;
    const destination = (projection: ChunkProjection): StridedView => ({
      data: out.data,
      offset: viewOffset(out.offset, outStride, projection),
      stride: outStride,
    });
    const grid = this.#resolved.grid.dimensions;
    const { layouts } = this.#resolved;
    // Decodes are shared on regular grids (one pipeline, buffers of one size).
    const regular = layouts.regular;
    const readOne = async (projection: ChunkProjection): Promise<void> => {
      const counts = projection.dims.map((p) => p.count);
      const dst = destination(projection);
      const layout = regular ?? (await layouts.of(projection.coords));
      const { pipeline } = layout;
      const whole =
        pipeline.canDecodeInto && !caching
          ? wholeChunkView(projection, grid, this.shape, dst)
          : undefined;
      if (whole !== undefined) {
        // The selection covers the whole chunk: decode straight into the output.
        const key = this.chunkKey(projection.coords);
        if (await this.#readRaw(key, layout, whole, signal)) return;
        const read = await this.#readFileChunk(key, pipeline, whole, undefined, signal);
        if (read === "missing") stridedCopy(dst, fill, counts, lanes);
        if (read !== "unsupported") return;
        // A shard in a local file is read in parts (below); elsewhere in one request.
        const inParts = pipeline.readsFilesInParts && this.store.localFile?.(key) !== undefined;
        if (!inParts) {
          const bytes = await this.#storeGetLent(key, signal, buffers);
          if (bytes === undefined) stridedCopy(dst, fill, counts, lanes);
          else {
            await this.#decoding(key, () => pipeline.decodeInto(bytes, whole));
            // decodeInto keeps nothing of the bytes: the next chunk may be read into them.
            if (!buffers.giveBack(bytes)) this.#release(bytes);
          }
          return;
        }
      }
      const key = this.chunkKey(projection.coords);
      const region = regionOf(projection);
      if (!caching && regular !== undefined && part === undefined && this.#sharesDecodeOf(key)) {
        // Other reads under way want parts of this chunk too (tiles of a map, say): it is
        // decoded once for all of them, each copying its part out.
        await this.#readShared(regular.pipeline, key, region, dst, signal, () =>
          stridedCopy(dst, fill, counts, lanes),
        );
        return;
      }
      if (!caching) {
        const read = await this.#readFileChunk(key, pipeline, dst, region, signal);
        if (read === "missing") stridedCopy(dst, fill, counts, lanes);
        if (read !== "unsupported") return;
      }
      const partial = pipeline.partialDecoder;
      if (partial !== undefined && !caching) {
        // Read only what the selection needs of this chunk (sharding).
        const cacheKey = chunkCacheKey(this.store, key);
        const source = {
          key,
          cacheKey,
          get: (range?: ByteRange, pin?: VersionPin) =>
            this.#storeCall(key, () =>
              this.store.get(key, { ...(range && { range }), ...pin, ...(signal && { signal }) }),
            ),
          getShared: (range?: ByteRange, pin?: VersionPin) =>
            this.#storeCall(key, () => this.store.get(key, { ...(range && { range }), ...pin })),
          ...(this.store.version !== undefined && {
            version: () => {
              const asked =
                versions?.get(key) ?? this.#storeCall(key, () => this.store.version!(key));
              versions?.set(key, asked);
              return asked;
            },
          }),
          openedAt: this.#openedAt,
          ...(signal && { signal }),
          release: (bytes: Uint8Array) => this.#release(bytes),
          indexCache: this.context.indexCache,
          file: this.store.localFile?.(key),
        };
        const spec = {
          shape: layout.shape,
          dataType: this.dataType,
          fillValue: this.#resolved.fillValue,
        };
        // Its index and its parts are separate store reads: a write of the chunk landing in
        // between would pair one version's index with the other's bytes (a decode error, or
        // wrong values). Writers of this process hold the chunk's lock; reads share it.
        const found = await this.context.chunkLocks.runShared(cacheKey, () =>
          this.#decoding(key, () => partial(source, spec, region, dst)),
        );
        if (!found) stridedCopy(dst, fill, counts, lanes);
        return;
      }
      const chunk = await this.#readChunk(projection.coords, signal, caching);
      stridedCopy(
        dst,
        chunk === undefined ? fill : regionView(chunk, regionOf(projection)),
        counts,
        lanes,
      );
    };
    const wanted =
      !caching && part === undefined && regular?.pipeline.sharesDecodes
        ? this.#chunkKeysWithin(indexers)
        : [];
    for (const key of wanted) this.#wanted.set(key, (this.#wanted.get(key) ?? 0) + 1);
    if (wanted.length > 0) this.#wanting++;
    try {
      await this.#readAll(indexers, caching, destination, readOne, fill, signal);
    } finally {
      for (const key of wanted) {
        const left = this.#wanted.get(key)! - 1;
        if (left === 0) this.#wanted.delete(key);
        else this.#wanted.set(key, left);
      }
      if (wanted.length > 0) this.#wanting--;
      // Decode buffers are held while reads come together, not after.
      if (this.#wanted.size === 0) this.#decodeBuffers?.clear();
    }
    return out;
  }

  /**
   * Whether a read cuts its part of chunk `key` from a decode shared with other reads under
   * way (#readShared) rather than decode what it needs itself: when another of them wants the
   * chunk too, or when many reads are under way (a burst of tiles: there a shared decode costs
   * less than a read's own even for a chunk no other read wants, measured), or when a shared
   * decode of it is in use already.
   */
  #sharesDecodeOf(key: string): boolean {
    const wanted = this.#wanted.get(key) ?? 0;
    return wanted > 1 || (wanted > 0 && this.#wanting > 2) || this.#sharedDecodes.has(key);
  }

  /**
   * The keys of the chunks a selection touches, when they are few enough to be worth telling
   * other reads about (MAX_SHARED_CHUNKS); else none.
   */
  #chunkKeysWithin(indexers: readonly DimIndexer[]): string[] {
    const perDim = indexers.map((ix, d) =>
      projectDimension(ix, this.#resolved.grid.dimensions[d]!),
    );
    if (perDim.reduce((n, p) => n * p.length, 1) > MAX_SHARED_CHUNKS) return [];
    return Array.from(chunkProjections(perDim), (p) => this.chunkKey(p.coords));
  }

  /** Reads every chunk of a selection: whole local chunk files in batches, others one by one. */
  async #readAll(
    indexers: readonly DimIndexer[],
    caching: boolean,
    destination: (projection: ChunkProjection) => StridedView,
    readOne: (projection: ChunkProjection) => Promise<void>,
    fill: StridedView,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { lanes } = this.dataType;
    await runLimited(
      caching ? this.#projections(indexers) : this.#fileBatches(indexers, destination),
      this.context.concurrency,
      async (task) => {
        if (!Array.isArray(task)) return readOne(task);
        // Whole chunks in local files, read and decoded by one job. Those it does not decode
        // (and all of them, if it fails: each chunk's error then names its key) go one by one.
        throwIfAborted(signal, { path: this.path });
        // Batches are made on regular grids only (#fileBatches): one pipeline.
        const outcomes = await this.#resolved.layouts.representative
          .decodeFileManyInto(
            task.map(({ path }) => ({ path })),
            task.map(({ view }) => view),
          )
          .catch(() => task.map((): FileDecodeOutcome => "unsupported"));
        await Promise.all(
          task.map(({ projection }, i) => {
            if (outcomes[i] === "missing") {
              const counts = projection.dims.map((p) => p.count);
              stridedCopy(destination(projection), fill, counts, lanes);
            }
            return outcomes[i] === "unsupported" ? readOne(projection) : undefined;
          }),
        );
      },
      signal,
    );
  }

  /**
   * The chunks a read touches, as #projections, but whole chunks the store keeps as local files
   * (when the codec chain decodes batches of files, and chunks are small enough that each
   * one's own job would cost more than its decoding) grouped for one job per batch.
   */
  *#fileBatches(
    indexers: readonly DimIndexer[],
    destination: (projection: ChunkProjection) => StridedView,
  ): Generator<ChunkProjection | FileBatch> {
    const pipeline = this.#resolved.layouts.regular?.pipeline;
    const localFile = this.store.localFile?.bind(this.store);
    if (
      pipeline === undefined ||
      !pipeline.decodesFileBatches ||
      !pipeline.canDecodeInto ||
      !localFile ||
      !this.#small
    ) {
      yield* this.#projections(indexers);
      return;
    }
    yield* inBatches(this.#projections(indexers), (projection) => {
      const view = wholeChunkView(
        projection,
        this.#resolved.grid.dimensions,
        this.shape,
        destination(projection),
      );
      const path = view && localFile(this.chunkKey(projection.coords));
      return view === undefined || path === undefined ? undefined : { projection, view, path };
    });
  }

  /**
   * Whether chunks are small enough to read and write in batches (MAX_BATCHED_CHUNK_BYTES);
   * batches are made on regular grids only (one pipeline for all).
   */
  get #small(): boolean {
    const regular = this.#resolved.layouts.regular;
    return (
      regular !== undefined &&
      elementCount(regular.shape) * this.dataType.itemSize <= MAX_BATCHED_CHUNK_BYTES
    );
  }

  /** Writes `value` into a selection, read-modify-writing chunks it covers only partly. */
  async set(selection: Selection, value: SetValue<D>, options: SetOptions = {}): Promise<void> {
    this.#writableStore();
    throwIfAborted(options.signal, { path: this.path });
    return this.#set(normalizeSelection(selection, this.shape), value, options);
  }

  async #set(
    indexers: readonly DimIndexer[],
    value: SetValue<D>,
    options: SetOptions,
  ): Promise<void> {
    const { signal } = options;
    const store = this.#writableStore();
    const selShape = selectionShape(indexers);
    const source = sourceView(this.dataType, value, selShape, this.path);
    const srcStride = fullRankStride(indexers, source.stride);
    const { lanes } = this.dataType;
    const grid = this.#resolved.grid.dimensions;
    const { layouts } = this.#resolved;
    // Chunk buffers whose values are stored: this call reuses them instead of allocating more.
    const spare: NDArray[] = [];
    const concurrency = this.#writeConcurrency(store);
    const fromValue = (projection: ChunkProjection): NDArray => ({
      data: source.data,
      shape: projection.dims.map((p) => p.count),
      stride: srcStride,
      offset: viewOffset(source.offset, srcStride, projection),
      dataType: this.dataType,
    });
    const writeOne = async (projection: ChunkProjection): Promise<void> => {
      const key = this.chunkKey(projection.coords);
      const layout = layouts.regular ?? (await layouts.of(projection.coords));
      const covered = projection.dims.every((p, d) => {
        const start = grid[d]!.chunkStart(p.chunk);
        const extent = Math.min(layout.shape[d]!, this.shape[d]! - start);
        return p.count === extent && (extent === 1 || Math.abs(p.step) === 1);
      });
      const src: StridedView = {
        data: source.data,
        offset: viewOffset(source.offset, srcStride, projection),
        stride: srcStride,
      };
      // Chunks written only in part are read, modified and written under the chunk's lock.
      await this.context.chunkLocks.run(chunkCacheKey(this.store, key), async () => {
        if (covered && (await this.#writeRaw(store, key, layout, projection, src, signal))) return;
        if (!covered && (await this.#updatePart(store, key, layout, projection, src, signal)))
          return;
        const existing = covered ? undefined : await this.#readChunk(projection.coords, signal);
        // A chunk that the value covers inside the array needs no fill: every element is set.
        const inside =
          covered &&
          projection.coords.every(
            (c, d) => grid[d]!.chunkStart(c) + layout.shape[d]! <= this.shape[d]!,
          );
        if (inside && layout.pipeline.gathersStrided && walksForward(projection)) {
          // Encoded from the value itself: the codec gathers its rows off this thread.
          await this.#writeChunk(store, key, fromValue(projection), layout);
          return;
        }
        // Spare buffers are of the regular grid's one shape.
        const chunk =
          existing ??
          (inside && layouts.regular !== undefined ? spare.pop() : undefined) ??
          fillChunk(this.dataType, layout.shape, this.#resolved.fillValue);
        stridedCopy(
          regionView(chunk, regionOf(projection)),
          src,
          projection.dims.map((p) => p.count),
          lanes,
        );
        throwIfAborted(signal, { path: this.path, key });
        const shared = await this.#writeChunk(store, key, chunk, layout);
        // Once encoded into memory of its own, the chunk can take the next chunk's values.
        if (ArrayBuffer.isView(chunk.data) && !shared && spare.length < concurrency)
          spare.push(chunk);
      });
    };
    // Small chunks the value covers whole go to the codec and the store in batches.
    const pipeline = layouts.representative;
    const batches =
      this.#small &&
      ((pipeline.encodesBatches && store.setMany !== undefined) ||
        (pipeline.laysOutBatches && store.setManyStrided !== undefined));
    const tasks = batches
      ? inBatches(this.#projections(indexers), (projection) =>
          this.#isWholeChunk(projection) && walksForward(projection) ? projection : undefined,
        )
      : this.#projections(indexers);
    await runLimited(
      tasks,
      concurrency,
      (task) =>
        Array.isArray(task) ? this.#writeBatch(store, task, fromValue, signal) : writeOne(task),
      signal,
    );
  }

  /**
   * How many chunks a write stores at once: the context's concurrency, or the store's where it
   * asks for less. Chunks that encode in pieces (shards) keep the same number of encodes in
   * flight, so fewer of them: sharded writes 8 -> 2 at once, 220 -> 195 ms, and half the
   * encoded bytes held.
   */
  #writeConcurrency(store: WritableStore): number {
    const { concurrency } = this.context;
    const most = Math.min(concurrency, store.capabilities?.writeConcurrency ?? concurrency);
    return Math.max(1, Math.floor(most / this.#resolved.layouts.representative.encodeConcurrency));
  }

  /**
   * Reads an orthogonal selection (zarr-python's `oindex`): each dimension takes an index, a
   * slice, positions (any order, repeats allowed) or a boolean mask, on its own; the result
   * holds every combination, with a dimension for each one not given as a single index.
   */
  async getOrthogonal(
    selection: OrthogonalSelection,
    options: GetOptions<D> = {},
  ): Promise<NDArray<D>> {
    const { signal } = options;
    throwIfAborted(signal, { path: this.path });
    const indexers = normalizeOrthogonalSelection(selection, this.shape);
    const basic = basicIndexers(indexers);
    if (basic !== undefined) return this.#get(basic, options);
    const out = this.#output(selectionShape(indexers), options);
    const target = { ...out, stride: fullRankStride(indexers, out.stride) };
    // Positions are read in parts of the chunk a partial decode reads on its own, if any.
    const grain = this.#resolved.layouts.regular?.pipeline.partialReadShape;
    const grid = this.#resolved.grid.dimensions;
    const perDim = indexers.map((ix, d) => axisBlocks(ix, grid[d]!, grain?.[d]));
    const scratch = new ScratchArrays(this.dataType);
    const blockOf: SelectionPart = { versions: new Map() };
    await runLimited(
      cartesianProduct(perDim),
      this.context.concurrency,
      async (blocks) => {
        const box = scratch.take(blocks.map((b) => b.count));
        const part = await this.#get(
          blocks.map(rangeOf),
          { out: box, ...(signal && { signal }) },
          blockOf,
        );
        outerCopy(
          target,
          blocks.map((b) => b.inSelection),
          part,
          blocks.map((b) => b.inBlock),
          this.dataType.lanes,
        );
        scratch.giveBack(part);
      },
      signal,
    );
    return out;
  }

  /**
   * Writes an orthogonal selection (see getOrthogonal): `value` as `set` takes it, of the
   * selection's shape or broadcast to it. Where positions repeat, the last value given stays.
   */
  async setOrthogonal(
    selection: OrthogonalSelection,
    value: SetValue<D>,
    options: SetOptions = {},
  ): Promise<void> {
    const store = this.#writableStore();
    const { signal } = options;
    throwIfAborted(signal, { path: this.path });
    const indexers = normalizeOrthogonalSelection(selection, this.shape);
    const basic = basicIndexers(indexers);
    if (basic !== undefined) return this.#set(basic, value, options);
    const source = sourceView(this.dataType, value, selectionShape(indexers), this.path);
    const from = { ...source, stride: fullRankStride(indexers, source.stride) };
    const grid = this.#resolved.grid.dimensions;
    const perDim = indexers.map((ix, d) => axisBlocks(ix, grid[d]!));
    await runLimited(
      cartesianProduct(perDim),
      this.#writeConcurrency(store),
      (blocks) =>
        this.#modifyRegion(
          store,
          blocks.map((b) => b.chunk),
          blocks.map((b, d) => ({
            start: b.start - grid[d]!.chunkStart(b.chunk),
            step: b.step,
            count: b.count,
          })),
          (target) =>
            outerCopy(
              target,
              blocks.map((b) => b.inBlock),
              from,
              blocks.map((b) => b.inSelection),
              this.dataType.lanes,
            ),
          signal,
        ),
      signal,
    );
  }

  /**
   * Reads points (zarr-python's `vindex` / coordinate selection): one list of positions per
   * dimension, point i at `[coordinates[0][i], coordinates[1][i], ...]`. The result is 1-d,
   * one element per point, in the order given.
   */
  async getCoordinates(
    coordinates: CoordinateSelection,
    options: GetOptions<D> = {},
  ): Promise<NDArray<D>> {
    throwIfAborted(options.signal, { path: this.path });
    return this.#getPoints(normalizeCoordinates(coordinates, this.shape), options);
  }

  /** Writes points (see getCoordinates): a scalar, or one value per point. The last of repeated points stays. */
  async setCoordinates(
    coordinates: CoordinateSelection,
    value: SetValue<D>,
    options: SetOptions = {},
  ): Promise<void> {
    const store = this.#writableStore();
    throwIfAborted(options.signal, { path: this.path });
    return this.#setPoints(store, normalizeCoordinates(coordinates, this.shape), value, options);
  }

  /** Reads the elements a boolean mask of the array's shape selects, in C order (1-d). */
  async getMask(mask: MaskSelection, options: GetOptions<D> = {}): Promise<NDArray<D>> {
    throwIfAborted(options.signal, { path: this.path });
    return this.#getPoints(maskCoordinates(mask, this.shape), options);
  }

  /** Writes the elements a boolean mask selects: a scalar, or one value per true position in C order. */
  async setMask(mask: MaskSelection, value: SetValue<D>, options: SetOptions = {}): Promise<void> {
    const store = this.#writableStore();
    throwIfAborted(options.signal, { path: this.path });
    return this.#setPoints(store, maskCoordinates(mask, this.shape), value, options);
  }

  async #getPoints(points: Points, options: GetOptions<D>): Promise<NDArray<D>> {
    const { signal } = options;
    const out = this.#output([points.count], options);
    const grain = this.#resolved.layouts.regular?.pipeline.partialReadShape;
    const blocks = pointBlocks(points, this.#resolved.grid.dimensions, grain);
    const scratch = new ScratchArrays(this.dataType);
    const blockOf: SelectionPart = { versions: new Map() };
    await runLimited(
      blocks,
      this.context.concurrency,
      async (block) => {
        const box = scratch.take(block.shape);
        const part = await this.#get(
          boxOf(block),
          { out: box, ...(signal && { signal }) },
          blockOf,
        );
        copyElementsAt(
          out.data,
          block.points.map((i) => out.offset + i * out.stride[0]!),
          part.data,
          offsetsInBlock(block, points, part),
          this.dataType.lanes,
        );
        scratch.giveBack(part);
      },
      signal,
    );
    return out;
  }

  async #setPoints(
    store: WritableStore,
    points: Points,
    value: SetValue<D>,
    options: SetOptions,
  ): Promise<void> {
    const { signal } = options;
    const source = sourceView(this.dataType, value, [points.count], this.path);
    const grid = this.#resolved.grid.dimensions;
    await runLimited(
      pointBlocks(points, grid),
      this.#writeConcurrency(store),
      (block) =>
        this.#modifyRegion(
          store,
          block.chunk,
          block.start.map((start, d) => ({
            start: start - grid[d]!.chunkStart(block.chunk[d]!),
            step: 1,
            count: block.shape[d]!,
          })),
          (target) =>
            copyElementsAt(
              target.data,
              offsetsInBlock(block, points, target),
              source.data,
              block.points.map((i) => source.offset + i * source.stride[0]!),
              this.dataType.lanes,
            ),
          signal,
        ),
      signal,
    );
  }

  /**
   * Whole chunks (inside the array) stored by one call from the value itself (setManyStrided,
   * when the chain stores the memory layout) or encoded in one job and stored by one setMany;
   * all-fill ones deleted instead; each chunk's lock is held throughout. A batch that neither
   * can take goes chunk by chunk.
   */
  async #writeBatch(
    store: WritableStore,
    batch: readonly ChunkProjection[],
    fromValue: (projection: ChunkProjection) => NDArray,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const keys = batch.map((projection) => this.chunkKey(projection.coords));
    const locks = keys.map((key) => chunkCacheKey(this.store, key));
    await this.context.chunkLocks.runAll(locks, async () => {
      throwIfAborted(signal, { path: this.path });
      const chunks = batch.map(fromValue);
      for (const key of keys) this.#forgetCached(key);
      const fill = this.#resolved.fillValue;
      const empty = chunks.map(
        (chunk) => !this.options.writeEmptyChunks && isAllElement(chunk, fill),
      );
      const keptKeys = keys.filter((_, i) => !empty[i]);
      const kept = chunks.filter((_, i) => !empty[i]);
      const write =
        kept.length === 0
          ? async () => undefined
          : await this.#batchWriter(store, keptKeys, kept, signal);
      if (write === undefined) {
        // Batches are made on regular grids only (#small): one layout.
        const layout = await this.#resolved.layouts.of(batch[0]!.coords);
        await Promise.all(
          chunks.map((chunk, i) => this.#writeChunk(store, keys[i]!, chunk, layout)),
        );
        return;
      }
      const deleted = keys.filter((_, i) => empty[i]);
      await Promise.all(deleted.map((key) => this.#storeWrite(key, () => store.delete(key))));
      throwIfAborted(signal, { path: this.path });
      try {
        await this.#storeCall(keys[0]!, write);
      } finally {
        for (const key of keptKeys) this.#forgetCached(key);
      }
    });
  }

  /**
   * How `chunks` (views of the value) go to the store in one call: their memory as it lies
   * (setManyStrided), or encoded in one job (setMany); undefined when neither can.
   */
  async #batchWriter(
    store: WritableStore,
    keys: readonly string[],
    chunks: readonly NDArray[],
    signal: AbortSignal | undefined,
  ): Promise<(() => Promise<void>) | undefined> {
    // Batches are made on regular grids only (#small): one pipeline.
    const pipeline = this.#resolved.layouts.representative;
    const options = signal === undefined ? {} : { signal };
    const { setMany, setManyStrided } = store;
    const laid = setManyStrided && pipeline.layoutMany(chunks);
    if (setManyStrided !== undefined && laid !== undefined)
      return () => setManyStrided.call(store, keys, laid.runs, laid.offsets, options);
    const encoded = setMany && (await pipeline.encodeMany(chunks));
    if (setMany === undefined || encoded === undefined) return undefined;
    const [block, sizes] = encoded;
    let end = 0;
    const entries = keys.map((key, i): StoreEntry => {
      const start = end;
      end += sizes[i]!;
      return [key, block.subarray(start, end)];
    });
    return async () => {
      await setMany.call(store, entries, options);
      if (store.capabilities?.copiesValues === true) this.#release(block);
    };
  }

  /**
   * Writes the part of a stored chunk that `projection` selects from `src` by re-encoding only
   * that part, where the codec chain can (sharding: inner chunks the write does not touch keep
   * their stored bytes). False when it cannot and the chunk is read, modified and written whole.
   */
  async #updatePart(
    store: WritableStore,
    key: string,
    layout: ChunkLayout,
    projection: ChunkProjection,
    src: StridedView,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const update = layout.pipeline.partialUpdater;
    if (update === undefined) return false;
    this.#forgetCached(key);
    const stored = await this.#storeGet(key, signal);
    const region = regionOf(projection);
    const { parts, empty } = await this.#decoding(key, () => update(stored, region, src));
    throwIfAborted(signal, { path: this.path, key });
    await this.#storeParts(store, key, stored, parts, empty);
    return true;
  }

  /**
   * Stores the parts of chunk `key` that replace `stored` (its bytes before, if any), or deletes
   * the chunk when nothing but the fill value is left in it (`empty`).
   */
  async #storeParts(
    store: WritableStore,
    key: string,
    stored: Uint8Array | undefined,
    parts: Uint8Array[],
    empty: boolean,
  ): Promise<void> {
    const { setParts } = store;
    await this.#storeWrite(key, () =>
      empty && !this.options.writeEmptyChunks
        ? store.delete(key)
        : setParts !== undefined
          ? setParts.call(store, key, parts)
          : store.set(key, joinedParts(parts)),
    );
    // Stored: the encoders' output and the old bytes (which parts may view) are free again.
    if (store.capabilities?.copiesValues === true) {
      for (const part of parts) if (part.buffer !== stored?.buffer) this.#release(part);
      if (stored !== undefined) this.#release(stored);
    }
  }

  /**
   * Sets elements of `region` of chunk `coords` through `modify`, which is given a view of the
   * region holding its stored values, all under the chunk's lock. A chunk whose codec updates
   * parts (sharding) decodes and re-encodes only the inner chunks the region touches; others
   * are read, modified and written whole.
   */
  async #modifyRegion(
    store: WritableStore,
    coords: readonly number[],
    region: readonly ChunkRegion[],
    modify: (target: StridedView) => void,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const key = this.chunkKey(coords);
    const { layouts, fillValue } = this.#resolved;
    const layout = layouts.regular ?? (await layouts.of(coords));
    await this.context.chunkLocks.run(chunkCacheKey(this.store, key), async () => {
      throwIfAborted(signal, { path: this.path, key });
      const { pipeline } = layout;
      const update = pipeline.partialUpdater;
      const partial = pipeline.partialDecoder;
      if (update !== undefined && partial !== undefined) {
        this.#forgetCached(key);
        const stored = await this.#storeGet(key, signal);
        const values = fillChunk(
          this.dataType,
          region.map((r) => r.count),
          fillValue,
        );
        if (stored !== undefined) {
          const spec = { shape: layout.shape, dataType: this.dataType, fillValue };
          await this.#decoding(key, () => partial(storedSource(key, stored), spec, region, values));
        }
        modify(values);
        throwIfAborted(signal, { path: this.path, key });
        const { parts, empty } = await this.#decoding(key, () => update(stored, region, values));
        await this.#storeParts(store, key, stored, parts, empty);
        return;
      }
      const chunk =
        (await this.#readChunk(coords, signal)) ??
        fillChunk(this.dataType, layout.shape, fillValue);
      modify(regionView(chunk, region));
      throwIfAborted(signal, { path: this.path, key });
      await this.#writeChunk(store, key, chunk, layout);
    });
  }

  /**
   * Whether reads go through the decoded-chunk cache: when there is one and it can hold a
   * chunk. A chunk it cannot hold (a 16 MiB shard, say) would be decoded whole for every read
   * and dropped; it is read as without a cache, only what the selection needs.
   */
  get #caches(): boolean {
    const { maxSize } = this.context.chunkCache;
    const { dataType } = this;
    const chunkBytes = dataType.variableLength
      ? 0
      : this.#resolved.layouts.maxElements * dataType.itemSize;
    return maxSize > 0 && chunkBytes <= maxSize;
  }

  /** Whether a projection covers its whole chunk, which lies inside the array. */
  #isWholeChunk(projection: ChunkProjection): boolean {
    const grid = this.#resolved.grid.dimensions;
    return projection.dims.every((p, d) => {
      const size = grid[d]!.chunkSize(p.chunk);
      return p.count === size && grid[d]!.chunkStart(p.chunk) + size <= this.shape[d]!;
    });
  }

  /**
   * Reads and decodes (`region` of) a chunk into `target` in one job off the calling thread,
   * where the store offers the chunk as a local file and the codec chain reads files itself.
   * "unsupported", with nothing done, when either cannot: the chunk is then read as usual.
   */
  async #readFileChunk(
    key: string,
    pipeline: CodecPipeline,
    target: StridedView,
    region: readonly ChunkRegion[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<FileDecodeOutcome> {
    const path = pipeline.decodesFiles ? this.store.localFile?.(key) : undefined;
    if (path === undefined) return "unsupported";
    throwIfAborted(signal, { path: this.path, key });
    const read = await this.#decoding(key, () => pipeline.decodeFileInto({ path }, target, region));
    throwIfAborted(signal, { path: this.path, key });
    return read;
  }

  /**
   * Reads a chunk stored as its elements' memory bytes straight into `target` (a whole-chunk
   * view of the output) when the store can scatter-read: no buffer, no copy. False when this
   * path does not apply and the caller decodes as usual.
   */
  async #readRaw(
    key: string,
    layout: ChunkLayout,
    target: StridedView,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const { getInto, getIntoStrided } = this.store;
    if (getInto === undefined && getIntoStrided === undefined) return false;
    const runs = layout.pipeline.memoryLayout(target, "read");
    if (runs === undefined) return false;
    const options = signal === undefined ? {} : { signal };
    const size = await this.#storeCall(key, () =>
      getIntoStrided !== undefined
        ? getIntoStrided.call(this.store, key, runs, options)
        : getInto!.call(this.store, key, expandRuns(runs), options),
    );
    const expected = stridedRunsLength(runs);
    if (size === undefined) {
      stridedCopy(
        target,
        fillSource(this.dataType, this.#resolved.fillValue, layout.shape.length),
        layout.shape,
        this.dataType.lanes,
      );
    } else if (size !== expected) {
      throw new CorruptChunkError(
        `chunk ${key} holds ${size} bytes; shape [${layout.shape}] of ${this.dataType.name} needs ${expected}`,
        { path: this.path, key },
      );
    }
    return true;
  }

  /**
   * Writes a whole chunk straight from the caller's array (`src`, a view of the chunk's
   * elements) when its encoding is their memory bytes and the store can gather-write. False
   * when this path does not apply and the caller encodes as usual.
   */
  async #writeRaw(
    store: WritableStore,
    key: string,
    layout: ChunkLayout,
    projection: ChunkProjection,
    src: StridedView,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const { setParts, setPartsStrided } = store;
    if (setParts === undefined && setPartsStrided === undefined) return false;
    // The chunk's elements in C order, as the source lays them out.
    const chunkSrc = wholeChunkView(projection, this.#resolved.grid.dimensions, this.shape, src);
    const runs = chunkSrc && layout.pipeline.memoryLayout(chunkSrc, "write");
    if (runs === undefined) return false;
    this.#forgetCached(key);
    const fill = this.#resolved.fillValue;
    const options = signal === undefined ? {} : { signal };
    if (!this.options.writeEmptyChunks && everyRun(runs, (r) => bytesAllElement(r, fill))) {
      await this.#storeWrite(key, () => store.delete(key));
    } else {
      await this.#storeWrite(key, () =>
        setPartsStrided !== undefined
          ? setPartsStrided.call(store, key, runs, options)
          : setParts!.call(store, key, expandRuns(runs), options),
      );
    }
    return true;
  }

  /** The result array: the caller's `out`, checked, or fresh memory from the allocator. */
  #output(shape: readonly number[], options: GetOptions<D>): NDArray<D> {
    const { out } = options;
    if (out === undefined) {
      const allocator = options.allocator ?? this.context.allocator;
      const count = elementCount(shape);
      const data =
        allocator === undefined ? this.dataType.allocate(count) : allocator(this.dataType, count);
      return ndarray(
        this.dataType,
        shape,
        checkedOutput(this.dataType, data, count, this.path, "the allocator's array"),
      );
    }
    if (!isNDArray(out)) {
      return ndarray(
        this.dataType,
        shape,
        checkedOutput(this.dataType, out, elementCount(shape), this.path, "out"),
      );
    }
    if (
      out.dataType.name !== this.dataType.name ||
      out.shape.length !== shape.length ||
      out.shape.some((n, d) => n !== shape[d])
    ) {
      throw new InvalidValueError(
        `out must be ${this.dataType.name} of shape [${shape}] for this selection of "${this.path}", got ${out.dataType.name} [${out.shape}]`,
        { path: this.path },
      );
    }
    return checkedView(this.dataType, out, this.path, "out");
  }

  *#projections(indexers: readonly DimIndexer[]): Generator<ChunkProjection> {
    const perDim = indexers.map((ix, d) =>
      projectDimension(ix, this.#resolved.grid.dimensions[d]!),
    );
    yield* chunkProjections(perDim);
  }

  /**
   * Reads and decodes one chunk. Only `get` passes `cached`: chunks handed to `set` and
   * `resize` are modified in place, so they must never be the cached objects.
   */
  async #readChunk(
    coords: readonly number[],
    signal: AbortSignal | undefined,
    cached = false,
  ): Promise<NDArray | undefined> {
    const key = this.chunkKey(coords);
    const { layouts } = this.#resolved;
    const layout = layouts.regular ?? (await layouts.of(coords));
    if (!cached) return this.#loadChunk(key, layout, signal);
    // A decoded chunk is kept while the store says the chunk is the one it was read from, or,
    // where the store tells no versions, if it was read since this array was opened.
    const cacheKey = chunkCacheKey(this.store, key);
    const versioned = this.store.version !== undefined;
    const version = versioned
      ? await this.#storeCall(key, () => this.store.version!(key))
      : undefined;
    const kept = this.context.chunkCache.get(cacheKey);
    const now = { versioned, ...(version !== undefined && { version }), openedAt: this.#openedAt };
    if (kept !== undefined && !cacheFreshness.stands(kept, now))
      this.context.chunkCache.delete(cacheKey);
    // Readers of one chunk at once share its read and decode (tiles of a map, say): the load
    // is no one reader's to abort, so each checks its own signal after it.
    const chunk = await this.context.chunkCache.getOrLoad(cacheKey, async () => {
      const readAt = nextSequence();
      const loaded = await this.#loadChunk(key, layout, undefined);
      if (loaded !== undefined) cacheFreshness.note(loaded, readAt, version);
      return loaded;
    });
    throwIfAborted(signal, { path: this.path, key });
    return chunk;
  }

  /** Reads and decodes one chunk, checked for shape; undefined when it is not stored. */
  async #loadChunk(
    key: string,
    layout: ChunkLayout,
    signal: AbortSignal | undefined,
  ): Promise<NDArray | undefined> {
    const bytes = await this.#storeGet(key, signal);
    if (bytes === undefined) return undefined;
    return this.#decoding(key, async () => {
      const decoded = await layout.pipeline.decode(bytes);
      // Unless the chunk is a view of them (no compression), nothing reads the bytes any more.
      if (!ArrayBuffer.isView(decoded.data) || decoded.data.buffer !== bytes.buffer)
        this.#release(bytes);
      const expected = layout.shape;
      if (
        decoded.shape.length !== expected.length ||
        decoded.shape.some((n, d) => n !== expected[d])
      ) {
        throw new CorruptChunkError(`decoded to shape [${decoded.shape}] instead of [${expected}]`);
      }
      return decoded;
    });
  }

  /** Runs a decode; failures name the chunk (CorruptChunk unless the codec said otherwise). */
  async #decoding<T>(key: string, decode: () => Promise<T>): Promise<T> {
    try {
      return await decode();
    } catch (err) {
      // Codecs do not know keys; re-raise the same kind with the key attached.
      if (err instanceof ZarrkitError && err.key === undefined)
        throw err.withLocation({ path: this.path, key }, `chunk ${key}: `);
      if (isZarrkitError(err)) throw err;
      throw new CorruptChunkError(
        `chunk ${key} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`,
        {
          path: this.path,
          key,
          cause: err,
        },
      );
    }
  }

  /**
   * Copies `region` of chunk `key` into `target` out of a decode of the chunk shared with the
   * other reads that want it at the same time (`missing` when it is not stored).
   */
  async #readShared(
    pipeline: CodecPipeline,
    key: string,
    region: readonly ChunkRegion[],
    target: StridedView,
    signal: AbortSignal | undefined,
    missing: () => void,
  ): Promise<void> {
    let shared = this.#sharedDecodes.get(key);
    if (shared === undefined) {
      this.#decodeBuffers ??= new BoundedBufferPool(
        pipeline.storedSize ?? 0,
        this.context.concurrency,
      );
      const buffers = this.#decodeBuffers;
      const entry: SharedDecode = { stored: Promise.resolve(undefined), readers: 0 };
      entry.stored = (async () => {
        const path = pipeline.decodesFiles ? this.store.localFile?.(key) : undefined;
        if (path !== undefined) {
          // A local file is read and decoded by one job: its bytes never reach JavaScript. The
          // job starts in this turn where a buffer is free (the reads of a burst are still being
          // issued: the pool's threads would otherwise wait for all of them).
          const into = buffers.tryTake() ?? (await buffers.take());
          let read: FileDecodeOutcome = "unsupported";
          try {
            read = await this.#decoding(key, () => pipeline.decodeStoredFile({ path }, into));
          } finally {
            if (read === "decoded") entry.pooled = into;
            else buffers.giveBack(into);
          }
          if (read === "decoded") return into;
          if (read === "missing") return undefined;
        }
        const bytes = await this.#storeGet(key, undefined);
        if (bytes === undefined) return undefined;
        const into = await buffers.take();
        let decoded: Uint8Array | undefined;
        try {
          decoded = await this.#decoding(key, () => pipeline.decodeStored(bytes, into));
        } finally {
          // Decoded elsewhere (a worker's buffer), or not at all: the buffer goes back now.
          if (decoded === into) entry.pooled = into;
          else buffers.giveBack(into);
        }
        if (decoded.buffer !== bytes.buffer) this.#release(bytes);
        return decoded;
      })();
      shared = entry;
      this.#sharedDecodes.set(key, shared);
    }
    shared.readers++;
    try {
      const stored = await shared.stored;
      throwIfAborted(signal, { path: this.path, key });
      if (stored === undefined) missing();
      else await this.#decoding(key, () => pipeline.copyStoredRegion(stored, region, target));
    } finally {
      // The last reader out hands the buffer on to the next chunk's decode.
      if (--shared.readers === 0) {
        if (this.#sharedDecodes.get(key) === shared) this.#sharedDecodes.delete(key);
        if (shared.pooled !== undefined) this.#decodeBuffers?.giveBack(shared.pooled);
      }
    }
  }

  #forgetCached(key: string): void {
    this.#sharedDecodes.delete(key);
    const cacheKey = chunkCacheKey(this.store, key);
    this.context.chunkCache.delete(cacheKey);
    this.context.indexCache.delete(cacheKey);
  }

  /**
   * Encodes and stores a chunk (or deletes it when all fill). Resolves whether the stored bytes
   * may share the chunk's memory (then it cannot take other values until they are written).
   */
  async #writeChunk(
    store: WritableStore,
    key: string,
    chunk: NDArray,
    layout: ChunkLayout,
  ): Promise<boolean> {
    // Whatever happens next, cached copies of this chunk (and of its shard index) are stale.
    this.#forgetCached(key);
    if (!this.options.writeEmptyChunks && isAllElement(chunk, this.#resolved.fillValue)) {
      await this.#storeWrite(key, () => store.delete(key));
      return false;
    }
    const buffer = ArrayBuffer.isView(chunk.data) ? chunk.data.buffer : undefined;
    const setParts = store.setParts;
    const { pipeline } = layout;
    // Several parts (a shard's inner chunks and index) are gathered by the store, never joined.
    const parts =
      setParts === undefined ? [await pipeline.encode(chunk)] : await pipeline.encodeParts(chunk);
    await this.#storeWrite(key, () =>
      setParts !== undefined && parts.length > 1
        ? setParts.call(store, key, parts)
        : store.set(key, parts[0]!),
    );
    const shared = parts.some((part) => part.buffer === buffer);
    // Stored and read by nothing else now: encoder memory can serve the next chunk at once.
    if (store.capabilities?.copiesValues === true)
      for (const part of parts) if (part.buffer !== buffer) this.#release(part);
    return shared;
  }

  /**
   * Hands encoded bytes nothing reads any more to the context's `releaseEncoded`, when they span
   * their whole buffer: a view into memory others hold (coalesced reads share one) never goes.
   */
  #release(bytes: Uint8Array): void {
    const release = this.context.releaseEncoded;
    if (
      release !== undefined &&
      bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength
    )
      release(bytes);
  }

  /** A chunk's bytes, in memory lent by `buffers` when the store can read into it. */
  async #storeGetLent(
    key: string,
    signal: AbortSignal | undefined,
    buffers: ByteBufferPool,
  ): Promise<Uint8Array | undefined> {
    const getWith = this.store.getWith;
    if (getWith === undefined) return this.#storeGet(key, signal);
    return this.#storeCall(key, () =>
      getWith.call(
        this.store,
        key,
        (size) => buffers.lend(size),
        signal === undefined ? {} : { signal },
      ),
    );
  }

  async #storeGet(key: string, signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
    return this.#storeCall(key, () => this.store.get(key, signal === undefined ? {} : { signal }));
  }

  /**
   * A store write of chunk `key` (#storeCall), after which what is cached of the chunk is
   * dropped again: a read that began while the write was under way may have cached the value
   * it replaces (a read still loading then keeps its result out of the cache).
   */
  async #storeWrite<T>(key: string, write: () => Promise<T>): Promise<T> {
    try {
      return await this.#storeCall(key, write);
    } finally {
      this.#forgetCached(key);
    }
  }

  /** Store failures that are not zarrkit errors become StoreError naming the key. */
  async #storeCall<T>(key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (isZarrkitError(err)) throw err;
      throw new StoreError(
        `store failed on ${key}: ${err instanceof Error ? err.message : String(err)}`,
        { path: this.path, key, cause: err },
      );
    }
  }

  #writableStore(): WritableStore {
    if (!isWritable(this.store)) {
      throw new UnsupportedFeatureError(`array "${this.path}": the store is read-only`, {
        path: this.path,
      });
    }
    return this.store;
  }
}

/** The output shape: one entry per sliced dimension (indexed dimensions are dropped). */
function selectionShape(indexers: readonly OrthogonalDimIndexer[]): number[] {
  return indexers.flatMap((ix) =>
    ix.kind === "index" ? [] : [ix.kind === "range" ? ix.count : ix.indices.length],
  );
}

/** Strides of an output-shaped view expanded to the array's rank (0 for indexed dimensions). */
function fullRankStride(
  indexers: readonly OrthogonalDimIndexer[],
  outStride: readonly number[],
): number[] {
  let k = 0;
  return indexers.map((ix) => (ix.kind === "index" ? 0 : outStride[k++]!));
}

/** An axis block's range as a basic indexer (kept as a dimension of the result). */
function rangeOf(block: AxisBlock): DimIndexer {
  return { kind: "range", start: block.start, step: block.step, count: block.count };
}

/** The box of a point block as basic indexers. */
function boxOf(block: PointBlock): DimIndexer[] {
  return block.start.map((start, d) => ({ kind: "range", start, step: 1, count: block.shape[d]! }));
}

/** Offset of a projection's first element in a selection-shaped view. */
function viewOffset(base: number, stride: readonly number[], projection: ChunkProjection): number {
  let offset = base;
  projection.dims.forEach((p, d) => {
    offset += p.outStart * stride[d]!;
  });
  return offset;
}

/** What a projection selects of its chunk. */
function regionOf(projection: ChunkProjection): ChunkRegion[] {
  return projection.dims.map((p) => ({ start: p.chunkStart, step: p.step, count: p.count }));
}

/** The part of a decoded chunk that a region of it covers. */
function regionView(chunk: NDArray, region: readonly ChunkRegion[]): StridedView {
  let offset = chunk.offset;
  const stride = region.map((r, d) => {
    offset += r.start * chunk.stride[d]!;
    return chunk.stride[d]! * r.step;
  });
  return { data: chunk.data, offset, stride };
}

/**
 * A chunk's stored bytes as the source of a partial decode. Codecs may decode in place into
 * what a source returns, so it returns copies: the bytes are stored again, in part, after.
 */
function storedSource(key: string, stored: Uint8Array): ChunkSource {
  const get = async (range?: ByteRange): Promise<Uint8Array> =>
    sliceRange(stored, range, key).slice();
  return {
    key,
    cacheKey: key,
    get,
    getShared: get,
    indexCache: new LruCache(1 << 20, (bytes) => bytes.byteLength),
  };
}

/**
 * The items in order, those `member` takes (what it returns for them) gathered into batches of
 * CHUNKS_PER_BATCH, the others one by one.
 */
function* inBatches<T, M>(
  items: Iterable<T>,
  member: (item: T) => M | undefined,
): Generator<T | M[]> {
  let batch: M[] = [];
  for (const item of items) {
    const taken = member(item);
    if (taken === undefined) {
      yield item;
      continue;
    }
    batch.push(taken);
    if (batch.length === CHUNKS_PER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** A view that yields the fill value everywhere (all strides 0). */
function fillSource(dataType: DataType, fillValue: Uint8Array, rank: number): StridedView {
  return {
    data: fillChunk(dataType, [], fillValue).data,
    offset: 0,
    stride: new Array<number>(rank).fill(0),
  };
}

/** How far appending `value` grows `shape` along `axis` (see ZarrArray's append). */
function appendedExtent(
  dataType: DataType,
  value: unknown,
  shape: readonly number[],
  axis: number,
  path: string,
): number {
  const fail = (why: string): never => {
    throw new InvalidValueError(`append to "${path}": ${why}`, { path });
  };
  if (isNDArray(value)) {
    if (
      value.shape.length !== shape.length ||
      value.shape.some((n, d) => d !== axis && n !== shape[d])
    )
      fail(`a value of shape [${value.shape}] does not fit [${shape}] along axis ${axis}`);
    return value.shape[axis]!;
  }
  if (!Array.isArray(value) && !ArrayBuffer.isView(value))
    return fail("the value must be an NDArray or flat C-order data");
  const count = ArrayBuffer.isView(value)
    ? value.byteLength / (dataType.itemSize || 1)
    : value.length;
  const across = shape.reduce((n, m, d) => (d === axis ? n : n * m), 1);
  if (across === 0 || !Number.isInteger(count / across))
    fail(
      `${count} elements do not fill whole slices of [${shape.map((n, d) => (d === axis ? "*" : n))}]`,
    );
  return count / across;
}
