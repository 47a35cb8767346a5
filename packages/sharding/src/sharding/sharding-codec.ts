import {
  type ArrayToBytesCodec,
  type ChunkProjection,
  type ChunkRegion,
  type ChunkSource,
  type ChunkSpec,
  type CodecExtension,
  CodecPipeline,
  type CodecRunner,
  CorruptChunkError,
  cacheFreshness,
  chunkProjections,
  cOrderStride,
  coreDataType,
  elementCount,
  fillChunk,
  InvalidMetadataError,
  isAllElement,
  isCContiguous,
  isZarrkitError,
  type JsonObject,
  joinedParts,
  type NamedConfig,
  type NDArray,
  ndarray,
  nextSequence,
  parseNamedConfig,
  projectDimension,
  type Registry,
  regularChunkGrid,
  runLimited,
  type StridedView,
  stridedCopy,
  throwIfAborted,
  type VersionPin,
  walksForward,
  wholeChunkView,
} from "@zarrkit/core";
import { ShardIndex } from "./shard-index.js";

export type IndexLocation = "start" | "end";

const uint64 = coreDataType("uint64")!;

/**
 * The v3 `sharding_indexed` codec (ZEP2): a shard is a grid of inner chunks, each encoded with
 * the inner codecs and stored back to back, plus an index of (offset, nbytes) per inner chunk
 * encoded with the index codecs, at the start or the end. An ordinary array->bytes codec, so it
 * nests and composes with any inner chain.
 */
export class ShardingCodec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";
  readonly name = "sharding_indexed";
  readonly encodeConcurrency = INNER_ENCODES_IN_FLIGHT;
  readonly readsFilesInParts = true;
  readonly chunkShape: readonly number[];
  readonly indexLocation: IndexLocation;
  readonly inner: CodecPipeline;
  readonly index: CodecPipeline;
  /** Inner chunks per shard, per dimension. */
  readonly grid: readonly number[];
  /** Bytes of the encoded index (fixed: index codecs must have a fixed size). */
  readonly indexSize: number;
  readonly #config: NamedConfig;

  /** Partial reads decode whole inner chunks. */
  get partialReadShape(): readonly number[] {
    return this.chunkShape;
  }

  /** Inner chunks that gather their own rows are encoded from views of the shard's values. */
  get encodesStrided(): boolean {
    return this.inner.gathersStrided;
  }

  private constructor(fields: {
    chunkShape: readonly number[];
    indexLocation: IndexLocation;
    inner: CodecPipeline;
    index: CodecPipeline;
    grid: readonly number[];
    indexSize: number;
    config: NamedConfig;
  }) {
    this.chunkShape = fields.chunkShape;
    this.indexLocation = fields.indexLocation;
    this.inner = fields.inner;
    this.index = fields.index;
    this.grid = fields.grid;
    this.indexSize = fields.indexSize;
    this.#config = fields.config;
  }

  static async fromConfig(
    configuration: JsonObject | undefined,
    spec: ChunkSpec,
    registry: Registry,
    runner?: CodecRunner,
  ): Promise<ShardingCodec> {
    const fail = (why: string): never => {
      throw new InvalidMetadataError(`codec "sharding_indexed": ${why}`);
    };
    const extra = Object.keys(configuration ?? {}).filter(
      (k) => !["chunk_shape", "codecs", "index_codecs", "index_location"].includes(k),
    );
    if (extra.length > 0) fail(`unknown configuration field(s) ${extra.join(", ")}`);
    const chunkShape = configuration?.chunk_shape;
    if (!Array.isArray(chunkShape) || chunkShape.length !== spec.shape.length) {
      return fail(
        `configuration.chunk_shape must list ${spec.shape.length} sizes, got ${JSON.stringify(chunkShape ?? null)}`,
      );
    }
    const inner = chunkShape.map((c, d) => {
      if (typeof c !== "number" || !Number.isSafeInteger(c) || c < 1 || spec.shape[d]! % c !== 0) {
        return fail(
          `configuration.chunk_shape[${d}] (${String(c)}) must be a positive integer dividing the shard's ${spec.shape[d]}`,
        );
      }
      return c;
    });
    const indexLocation = configuration?.index_location ?? "end";
    if (indexLocation !== "start" && indexLocation !== "end")
      fail(
        `configuration.index_location must be "start" or "end", got ${JSON.stringify(indexLocation)}`,
      );
    const codecList = (field: "codecs" | "index_codecs"): NamedConfig[] => {
      const list = configuration?.[field];
      if (!Array.isArray(list) || list.length === 0)
        return fail(`configuration.${field} must be a non-empty list of codecs`);
      return list.map((c, i) => parseNamedConfig(c, `sharding_indexed.${field}[${i}]`));
    };
    const grid = inner.map((c, d) => spec.shape[d]! / c);
    const innerPipeline = await CodecPipeline.create(
      codecList("codecs"),
      { ...spec, shape: inner },
      registry,
      undefined,
      runner,
    );
    const indexSpec: ChunkSpec = {
      shape: [...grid, 2],
      dataType: uint64,
      fillValue: new Uint8Array(8),
    };
    const indexPipeline = await CodecPipeline.create(
      codecList("index_codecs"),
      indexSpec,
      registry,
    );
    const indexSize = indexPipeline.encodedSize();
    if (indexSize === undefined)
      fail("index_codecs must have a fixed encoded size (e.g. bytes, crc32c)");
    const config: NamedConfig = {
      name: "sharding_indexed",
      configuration: {
        chunk_shape: inner,
        codecs: innerPipeline.toConfigs().map(toJson),
        index_codecs: indexPipeline.toConfigs().map(toJson),
        index_location: indexLocation as IndexLocation,
      },
    };
    return new ShardingCodec({
      chunkShape: inner,
      indexLocation: indexLocation as IndexLocation,
      inner: innerPipeline,
      index: indexPipeline,
      grid,
      indexSize: indexSize!,
      config,
    });
  }

  toConfig(): NamedConfig {
    return this.#config;
  }

  /** Decodes a shard's index from the whole shard's bytes. */
  async readIndex(shard: Uint8Array, key?: string): Promise<ShardIndex> {
    if (shard.length < this.indexSize) {
      throw new CorruptChunkError(
        `shard of ${shard.length} bytes cannot hold its ${this.indexSize}-byte index`,
        { key },
      );
    }
    const at = this.indexLocation === "start" ? 0 : shard.length - this.indexSize;
    const index = await this.decodeIndex(shard.slice(at, at + this.indexSize), key);
    const [dataStart, dataEnd] =
      this.indexLocation === "start"
        ? [this.indexSize, shard.length]
        : [0, shard.length - this.indexSize];
    index.validate(dataStart, dataEnd, key);
    return index;
  }

  /** Decodes index bytes (exactly `indexSize` of them). */
  async decodeIndex(bytes: Uint8Array, key?: string): Promise<ShardIndex> {
    if (bytes.length !== this.indexSize) {
      throw new CorruptChunkError(
        `shard index has ${bytes.length} bytes, expected ${this.indexSize}`,
        { key },
      );
    }
    const decoded = await this.index.decode(bytes);
    const entries = new BigUint64Array(decoded.shape.reduce((a, b) => a * b, 1));
    stridedCopy(
      { data: entries, offset: 0, stride: cOrderStride(decoded.shape) },
      decoded,
      decoded.shape,
      1,
    );
    return new ShardIndex(entries);
  }

  /**
   * Partial read: the index (from the context's cache, or one prefix/suffix range request,
   * shared by concurrent readers), then one range request per run of adjacent inner chunks
   * that the region touches; each inner chunk is decoded and its part copied into `target`.
   */
  async decodePartialInto(
    source: ChunkSource,
    spec: ChunkSpec,
    region: readonly ChunkRegion[],
    target: StridedView,
  ): Promise<boolean> {
    // A cached index is this process's: another process rewriting the shard leaves it
    // pointing into other bytes. Where the store tells the shard's version, an index kept
    // from another version is read again; where it does not, one kept from before the array
    // was opened is, and one that points at bytes that fail to decode. The version is asked
    // only with an index at hand: a first read (a short process's only one) pays nothing, and
    // the index it keeps, of no known version, is read again by the next.
    const kept = source.indexCache.get(source.cacheKey);
    const versioned = source.version !== undefined;
    const version = kept === undefined ? undefined : await source.version?.();
    const stale =
      kept !== undefined &&
      !cacheFreshness.stands(kept, {
        versioned,
        ...(version !== undefined && { version }),
        openedAt: source.openedAt ?? 0,
      });
    if (stale) source.indexCache.delete(source.cacheKey);
    let cached = kept !== undefined && !stale;
    // Stores whose reads tell versions (HTTP ETags) read the inner chunks of the index's
    // version only: a shard rewritten since fails them (ValueChanged), and the read starts
    // again from the new index.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#decodePartialWith(version, source, spec, region, target);
      } catch (err) {
        const changed = isZarrkitError(err, "ValueChanged") && attempt < VERSION_ATTEMPTS;
        const corrupt = cached && !versioned && err instanceof CorruptChunkError;
        if (!changed && !corrupt) throw err;
        source.indexCache.delete(source.cacheKey);
        cached = false;
      }
    }
  }

  async #decodePartialWith(
    version: string | undefined,
    source: ChunkSource,
    spec: ChunkSpec,
    region: readonly ChunkRegion[],
    target: StridedView,
  ): Promise<boolean> {
    const found = await this.#cachedIndex(source, version);
    if (found === undefined) return false;
    const { index, pin } = found;
    const grid = regularChunkGrid(spec.shape, this.chunkShape);
    const perDim = region.map((r, d) =>
      projectDimension({ kind: "range", ...r }, grid.dimensions[d]!),
    );
    const innerStride = cOrderStride(this.grid);
    const wanted = [...chunkProjections(perDim)].map((projection) => ({
      projection,
      entry: index.get(projection.coords.reduce((at, c, d) => at + c * innerStride[d]!, 0)),
    }));
    const fill = fillChunk(spec.dataType, [], spec.fillValue).data;
    const { lanes } = spec.dataType;
    const targetOf = (projection: ChunkProjection): StridedView => ({
      data: target.data,
      offset: projection.dims.reduce(
        (at, p, d) => at + p.outStart * target.stride[d]!,
        target.offset,
      ),
      stride: target.stride,
    });
    // Stored inner chunks, in file order.
    let stored = wanted
      .filter((w) => w.entry !== undefined)
      .sort((a, b) => a.entry![0] - b.entry![0]);
    const partOf = (projection: ChunkProjection) =>
      projection.dims.map((p) => ({ start: p.chunkStart, step: p.step, count: p.count }));
    const file = source.file;
    if (file !== undefined && this.inner.decodesFiles) {
      // Read and decoded by jobs from the shard's file: no bytes in JavaScript, so nothing to
      // bound but the pool's queue. Those the jobs cannot decode are read below.
      const unsupported: typeof stored = [];
      const vanished = () =>
        new CorruptChunkError("the shard vanished while being read", { key: source.key });
      // Inner chunks wanted whole go in batches, one job each (the calling thread's work per
      // inner chunk is then a few numbers); the others one job each.
      const whole: { w: (typeof stored)[number]; view: StridedView }[] = [];
      const partial: typeof stored = [];
      for (const w of stored) {
        const view = this.inner.decodesFileBatches
          ? wholeChunkView(w.projection, grid.dimensions, spec.shape, targetOf(w.projection))
          : undefined;
        if (view === undefined) partial.push(w);
        else whole.push({ w, view });
      }
      await Promise.all([
        runLimited(inBatches(whole), INNER_FILE_JOBS_IN_FLIGHT, async (batch) => {
          const outcomes = await this.inner.decodeFileManyInto(
            batch.map(({ w }) => ({ path: file, offset: w.entry![0], length: w.entry![1] })),
            batch.map(({ view }) => view),
          );
          for (const [i, outcome] of outcomes.entries()) {
            if (outcome === "missing") throw vanished();
            if (outcome === "unsupported") unsupported.push(batch[i]!.w);
          }
        }),
        runLimited(partial, INNER_FILE_JOBS_IN_FLIGHT, async (w) => {
          const [offset, length] = w.entry!;
          const into = targetOf(w.projection);
          const whole = wholeChunkView(w.projection, grid.dimensions, spec.shape, into);
          const slice = { path: file, offset, length };
          const read = await (whole === undefined
            ? this.inner.decodeFileInto(slice, into, partOf(w.projection))
            : this.inner.decodeFileInto(slice, whole));
          if (read === "missing") throw vanished();
          if (read === "unsupported") unsupported.push(w);
        }),
      ]);
      stored = unsupported;
    }
    // The rest fetched in runs of adjacent byte ranges.
    const runs: (typeof stored)[] = [];
    for (const w of stored) {
      const run = runs[runs.length - 1];
      const last = run?.[run.length - 1];
      if (
        run !== undefined &&
        last !== undefined &&
        last.entry![0] + last.entry![1] === w.entry![0] &&
        w.entry![0] + w.entry![1] - run[0]!.entry![0] <= MAX_RUN_BYTES
      )
        run.push(w);
      else runs.push([w]);
    }
    await Promise.all([
      ...wanted
        .filter((w) => w.entry === undefined)
        .map(async ({ projection }) =>
          stridedCopy(
            targetOf(projection),
            { data: fill, offset: 0, stride: region.map(() => 0) },
            projection.dims.map((p) => p.count),
            lanes,
          ),
        ),
      // A few runs at a time: a whole shard read at once would hold all its bytes in memory.
      runLimited(runs, runsInFlight(runs), async (run) => {
        const start = run[0]!.entry![0];
        const end = run[run.length - 1]!.entry![0] + run[run.length - 1]!.entry![1];
        const bytes = await source.get({ offset: start, length: end - start }, pin);
        if (bytes === undefined)
          throw new CorruptChunkError("the shard vanished while being read", { key: source.key });
        await Promise.all(
          run.map(async ({ projection, entry }) => {
            const stored = bytes.subarray(entry![0] - start, entry![0] - start + entry![1]);
            // An inner chunk wanted whole decodes straight into the target.
            const whole = this.inner.canDecodeInto
              ? wholeChunkView(projection, grid.dimensions, spec.shape, targetOf(projection))
              : undefined;
            if (whole !== undefined) {
              await this.inner.decodeInto(stored, whole);
              return;
            }
            await this.inner.decodeRegionInto(stored, partOf(projection), targetOf(projection));
          }),
        );
        // Decoded: the run's memory can serve the next read at once.
        source.release?.(bytes);
      }),
    ]);
    return true;
  }

  /** Indexes decoded from the bytes the context's cache holds: each is decoded and checked once. */
  readonly #decodedIndexes = new WeakMap<Uint8Array, ShardIndex>();
  /** The version the store reported for index bytes it read (see VersionPin). */
  readonly #indexVersions = new WeakMap<Uint8Array, string>();

  async #cachedIndex(
    source: ChunkSource,
    version: string | undefined,
  ): Promise<{ index: ShardIndex; pin: VersionPin | undefined } | undefined> {
    // Concurrent readers of one shard share one load, which is no one reader's to abort
    // (getShared) and which a write meanwhile keeps out of the cache; each reader checks its
    // own signal after it.
    const bytes = await source.indexCache.getOrLoad(source.cacheKey, async () => {
      const readAt = nextSequence();
      const loaded = await this.#loadIndex(source);
      if (loaded !== undefined) cacheFreshness.note(loaded, readAt, version);
      return loaded;
    });
    throwIfAborted(source.signal, { key: source.key });
    if (bytes === undefined) return undefined;
    const index = this.#decodedIndexes.get(bytes) ?? (await this.decodeIndex(bytes, source.key));
    const ifVersion = this.#indexVersions.get(bytes);
    return { index, pin: ifVersion === undefined ? undefined : { ifVersion } };
  }

  /** A shard's index bytes, read, decoded and checked (the decoded index kept beside them). */
  async #loadIndex(source: ChunkSource): Promise<Uint8Array | undefined> {
    const range =
      this.indexLocation === "start"
        ? { offset: 0, length: this.indexSize }
        : { suffix: this.indexSize };
    let version: string | undefined;
    const bytes = await source.getShared(range, {
      onVersion: (v) => {
        version = v;
      },
    });
    if (bytes === undefined) return undefined;
    if (version !== undefined) this.#indexVersions.set(bytes, version);
    const index = await this.decodeIndex(bytes, source.key);
    // The shard's length is unknown here; still refuse overlapping or half-empty entries.
    index.validate(
      this.indexLocation === "start" ? this.indexSize : 0,
      Number.MAX_SAFE_INTEGER,
      source.key,
    );
    this.#decodedIndexes.set(bytes, index);
    return bytes;
  }

  /**
   * A whole shard in memory (fetched in one request) decoded straight into `target`: each
   * stored inner chunk into its place, the fill value where none is stored.
   */
  async decodeInto(bytes: Uint8Array, spec: ChunkSpec, target: StridedView): Promise<void> {
    const index = await this.readIndex(bytes);
    const fill = fillChunk(spec.dataType, [], spec.fillValue).data;
    const placeOf = (coords: readonly number[]): StridedView => ({
      data: target.data,
      offset: coords.reduce(
        (at, c, d) => at + c * this.chunkShape[d]! * target.stride[d]!,
        target.offset,
      ),
      stride: target.stride,
    });
    await runLimited(
      innerCoords(this.grid).entries(),
      INNER_DECODES_IN_FLIGHT,
      async ([i, coords]) => {
        const where = index.get(i);
        const place = placeOf(coords);
        if (where === undefined) {
          const everywhere = { data: fill, offset: 0, stride: this.chunkShape.map(() => 0) };
          stridedCopy(place, everywhere, this.chunkShape, spec.dataType.lanes);
        } else if (this.inner.canDecodeInto) {
          await this.inner.decodeInto(bytes.subarray(where[0], where[0] + where[1]), place);
        } else {
          const chunk = await this.inner.decode(bytes.subarray(where[0], where[0] + where[1]));
          stridedCopy(place, chunk, this.chunkShape, spec.dataType.lanes);
        }
      },
    );
  }

  async decode(bytes: Uint8Array, spec: ChunkSpec): Promise<NDArray> {
    const index = await this.readIndex(bytes);
    const out = fillChunk(spec.dataType, spec.shape, spec.fillValue);
    const innerStride = this.chunkShape.map((c, d) => c * out.stride[d]!);
    await Promise.all(
      innerCoords(this.grid).map(async (coords, i) => {
        const where = index.get(i);
        if (where === undefined) return;
        const chunk = await this.inner.decode(bytes.subarray(where[0], where[0] + where[1]));
        const offset = coords.reduce((o, c, d) => o + c * innerStride[d]!, 0);
        stridedCopy(
          { data: out.data, offset, stride: out.stride },
          chunk,
          this.chunkShape,
          spec.dataType.lanes,
        );
      }),
    );
    return out;
  }

  async encode(chunk: NDArray, spec: ChunkSpec): Promise<Uint8Array> {
    return joinedParts(await this.encodeParts(chunk, spec));
  }

  /** The shard as its parts: the encoded inner chunks in C order, and the index. */
  async encodeParts(chunk: NDArray, spec: ChunkSpec): Promise<Uint8Array[]> {
    const index = ShardIndex.empty(elementCount(this.grid));
    const parts: Uint8Array[] = [];
    let offset = this.indexLocation === "start" ? this.indexSize : 0;
    // Encode inner chunks a few at a time (worker threads may take them); lay them out in C
    // order. Each inner chunk is gathered into a buffer that is reused once its encoding no
    // longer needs it.
    const coordsList = innerCoords(this.grid);
    const viewOf = (coords: readonly number[]): NDArray => ({
      ...chunk,
      shape: this.chunkShape,
      offset: coords.reduce(
        (o, c, d) => o + c * this.chunkShape[d]! * chunk.stride[d]!,
        chunk.offset,
      ),
    });
    if (this.inner.gathersStrided && this.inner.encodesBatches) {
      // Batches of inner chunks, one job each, gathered from the shard's rows where they lie:
      // the calling thread's work per inner chunk is a check for emptiness and an offset.
      const stored = coordsList
        .map((coords, i) => ({ i, view: viewOf(coords) }))
        .filter(({ view }) => !isAllElement(view, spec.fillValue));
      const batches = inBatches(stored);
      const results = new Array<Awaited<ReturnType<CodecPipeline["encodeMany"]>>>(batches.length);
      await runLimited(batches.entries(), INNER_ENCODES_IN_FLIGHT, async ([b, batch]) => {
        results[b] = await this.inner.encodeMany(batch.map(({ view }) => view));
      });
      if (results.every((r) => r !== undefined)) {
        for (const [b, [frames, sizes]] of results.entries()) {
          batches[b]!.forEach(({ i }, k) => {
            index.set(i, offset, sizes[k]!);
            offset += sizes[k]!;
          });
          if (frames.length > 0) parts.push(frames);
        }
        return this.#withIndex(parts, index);
      }
    }
    const encoded = new Array<Uint8Array | undefined>(coordsList.length);
    const spare: NDArray[] = [];
    await runLimited(coordsList.entries(), INNER_ENCODES_IN_FLIGHT, async ([i, coords]) => {
      const view = viewOf(coords);
      if (this.inner.gathersStrided) {
        // The inner codecs gather the view's rows themselves (off this thread): no copy.
        encoded[i] = isAllElement(view, spec.fillValue) ? undefined : await this.inner.encode(view);
        return;
      }
      const copy = spare.pop() ?? ndarray(spec.dataType, this.chunkShape);
      stridedCopy(copy, view, this.chunkShape, spec.dataType.lanes);
      const bytes = isAllElement(copy, spec.fillValue) ? undefined : await this.inner.encode(copy);
      encoded[i] = bytes;
      if (ArrayBuffer.isView(copy.data) && bytes?.buffer !== copy.data.buffer) spare.push(copy);
    });
    encoded.forEach((bytes, i) => {
      if (bytes === undefined) return;
      index.set(i, offset, bytes.length);
      parts.push(bytes);
      offset += bytes.length;
    });
    return this.#withIndex(parts, index);
  }

  /**
   * Part of a stored shard rewritten: inner chunks the region does not touch keep their stored
   * bytes, those it covers are encoded from `value`, those it touches in part are decoded, set
   * and encoded again; all-fill inner chunks are left out. Writing a window into a large shard
   * then costs the inner chunks it touches, not the whole shard's decoding and encoding.
   */
  async updateParts(
    stored: Uint8Array | undefined,
    spec: ChunkSpec,
    region: readonly ChunkRegion[],
    value: StridedView,
  ): Promise<{ parts: Uint8Array[]; empty: boolean }> {
    const old = stored === undefined ? undefined : await this.readIndex(stored);
    const grid = regularChunkGrid(spec.shape, this.chunkShape);
    const perDim = region.map((r, d) =>
      projectDimension({ kind: "range", ...r }, grid.dimensions[d]!),
    );
    const innerStride = cOrderStride(this.grid);
    const innerSpec = { ...spec, shape: this.chunkShape };
    const { lanes } = spec.dataType;
    // The region's part of each inner chunk it touches, by the inner chunk's index.
    const touched = new Map<number, ChunkProjection>();
    for (const projection of chunkProjections(perDim))
      touched.set(
        projection.coords.reduce((at, c, d) => at + c * innerStride[d]!, 0),
        projection,
      );
    const encoded = new Map<number, Uint8Array | undefined>();
    await runLimited(touched, INNER_ENCODES_IN_FLIGHT, async ([i, projection]) => {
      const from: StridedView = {
        data: value.data,
        offset: projection.dims.reduce(
          (at, p, d) => at + p.outStart * value.stride[d]!,
          value.offset,
        ),
        stride: value.stride,
      };
      const counts = projection.dims.map((p) => p.count);
      const whole = wholeChunkView(projection, grid.dimensions, spec.shape, from);
      let chunk: NDArray;
      if (whole !== undefined && this.inner.gathersStrided && walksForward(projection)) {
        // Covered whole: encoded straight from the value.
        chunk = { ...whole, shape: this.chunkShape, dataType: spec.dataType };
      } else {
        const where = old?.get(i);
        chunk =
          where === undefined || whole !== undefined
            ? fillChunk(spec.dataType, this.chunkShape, spec.fillValue)
            : await this.inner.decode(stored!.subarray(where[0], where[0] + where[1]));
        if (!isCContiguous(chunk)) {
          const copy = ndarray(spec.dataType, this.chunkShape);
          stridedCopy(copy, chunk, this.chunkShape, lanes);
          chunk = copy;
        }
        const part: StridedView = {
          data: chunk.data,
          offset: projection.dims.reduce((at, p, d) => at + p.chunkStart * chunk.stride[d]!, 0),
          stride: projection.dims.map((p, d) => p.step * chunk.stride[d]!),
        };
        stridedCopy(part, from, counts, lanes);
      }
      encoded.set(
        i,
        isAllElement(chunk, innerSpec.fillValue) ? undefined : await this.inner.encode(chunk),
      );
    });
    const index = ShardIndex.empty(elementCount(this.grid));
    const parts: Uint8Array[] = [];
    let offset = this.indexLocation === "start" ? this.indexSize : 0;
    for (let i = 0; i < index.count; i++) {
      const where = old?.get(i);
      const bytes = touched.has(i)
        ? encoded.get(i)
        : where === undefined
          ? undefined
          : stored!.subarray(where[0], where[0] + where[1]);
      if (bytes === undefined) continue;
      index.set(i, offset, bytes.length);
      parts.push(bytes);
      offset += bytes.length;
    }
    return { parts: await this.#withIndex(parts, index), empty: parts.length === 0 };
  }

  /** The shard's parts: `parts` and the encoded index, where the index goes. */
  async #withIndex(parts: Uint8Array[], index: ShardIndex): Promise<Uint8Array[]> {
    const indexBytes = await this.index.encode(ndarray(uint64, [...this.grid, 2], index.entries));
    return this.indexLocation === "start" ? [indexBytes, ...parts] : [...parts, indexBytes];
  }
}

/**
 * Reading part of a shard fetches adjacent inner chunks with one range request of at most
 * this many bytes (more when one inner chunk is larger), one at a time per shard, or as many
 * as fit in this many bytes together, up to MAX_RUNS_IN_FLIGHT, when they are smaller (a
 * window's few inner chunks; shards themselves are read in parallel): few requests, and little
 * of a shard in memory.
 * Measured on a whole read of 8 shards: one run at a time is faster than two, and 35 MiB lighter;
 * runs of 1 MiB peak ~20 MiB lower than 2 MiB (with native reads) and are no slower.
 */
const MAX_RUN_BYTES = 1 << 20;
/** Reads of a shard that its rewrites under way may restart (ValueChanged) before one fails. */
const VERSION_ATTEMPTS = 4;
/** Inner chunks read and decoded from the shard's file at once (libuv's pool has 4 threads). */
const INNER_FILE_JOBS_IN_FLIGHT = 8;
/**
 * Whole inner chunks of a shard, read or written, go to this many jobs (so one shard uses every
 * thread of libuv's pool), of at most MAX_SLICES_PER_JOB each (so the last jobs to finish are
 * short).
 */
const JOBS_PER_BATCH = 4;
const MAX_SLICES_PER_JOB = 64;
const MAX_RUNS_IN_FLIGHT = 4;

/** `items` split into consecutive batches for jobs (see JOBS_PER_BATCH). */
function inBatches<T>(items: readonly T[]): T[][] {
  const size = Math.max(1, Math.min(MAX_SLICES_PER_JOB, Math.ceil(items.length / JOBS_PER_BATCH)));
  return Array.from({ length: Math.ceil(items.length / size) }, (_, b) =>
    items.slice(b * size, (b + 1) * size),
  );
}

/** How many of `runs` to fetch at once: as many of the largest as fit in MAX_RUN_BYTES. */
function runsInFlight(
  runs: readonly (readonly { entry: readonly [number, number] | undefined }[])[],
): number {
  let largest = 1;
  for (const run of runs) {
    const first = run[0]!.entry!;
    const last = run[run.length - 1]!.entry!;
    largest = Math.max(largest, last[0] + last[1] - first[0]);
  }
  return Math.max(1, Math.min(MAX_RUNS_IN_FLIGHT, Math.floor(MAX_RUN_BYTES / largest)));
}

/** Inner chunks encoded at once: enough to keep worker threads busy, few buffers. */
const INNER_ENCODES_IN_FLIGHT = 4;
/** Inner chunks of a shard in memory decoded at once (each decodes into its place). */
const INNER_DECODES_IN_FLIGHT = 8;

function toJson(config: NamedConfig): JsonObject {
  const out: JsonObject = { name: config.name };
  if (config.configuration !== undefined) out.configuration = config.configuration;
  return out;
}

/** Every inner chunk's grid coordinates, in C order. */
export function innerCoords(grid: readonly number[]): number[][] {
  let all: number[][] = [[]];
  for (const n of grid)
    all = all.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return all;
}

export const shardingCodecExtension: CodecExtension = {
  kind: "codec",
  name: "sharding_indexed",
  codecKind: "array_to_bytes",
  fromConfig: (configuration, { spec, registry, runner }) =>
    ShardingCodec.fromConfig(configuration, spec, registry, runner),
  samples: [
    {
      chunk_shape: [2, 2],
      codecs: [{ name: "bytes", configuration: { endian: "little" } }],
      index_codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }],
      index_location: "end",
    },
  ],
  dataTypes: "all",
};
