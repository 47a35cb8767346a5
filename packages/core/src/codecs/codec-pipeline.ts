import { namedDataType } from "../data-types/data-type.js";
import {
  CorruptChunkError,
  InvalidMetadataError,
  isZarrkitError,
  ZarrkitError,
} from "../errors/errors.js";
import {
  expandRuns,
  type RunLayout,
  regionLayout,
  type StridedRuns,
  stridedByteRuns,
} from "../indexing/byte-runs.js";
import { type StridedView, stridedCopy } from "../indexing/strided-copy.js";
import type { NamedConfig } from "../metadata/named-config.js";
import type { NDArray } from "../ndarray.js";
import type { Registry } from "../registry/registry.js";
import { resolveRange } from "../store/byte-range.js";
import type { FileSlice } from "../store/store.js";
import type {
  ArrayToArrayCodec,
  ArrayToBytesCodec,
  BytesToBytesCodec,
  ChunkRegion,
  ChunkSource,
  ChunkSpec,
  Codec,
  FileDecodeOutcome,
  SelectingDecoder,
} from "./codec.js";
import type { BytesChainJob, CodecRunner } from "./codec-runner.js";

/** Scratch buffers kept per pipeline: about as many as chunks decode at once. */
const MAX_SCRATCH = 16;

/**
 * A resolved codec chain: array->array codecs, exactly one array->bytes codec, then
 * bytes->bytes codecs. Built once per array; each codec was checked against the spec it sees.
 */
export class CodecPipeline {
  readonly arrayToArray: readonly ArrayToArrayCodec[];
  readonly arrayToBytes: ArrayToBytesCodec;
  readonly bytesToBytes: readonly BytesToBytesCodec[];
  /** specs[i] is the decoded-side spec of arrayToArray[i]; the last is arrayToBytes's. */
  readonly #specs: readonly ChunkSpec[];
  readonly #runner: CodecRunner | undefined;
  /** The bytes->bytes stage as a runner job (when there is a runner and a stage). */
  readonly #job: BytesChainJob | undefined;
  /** The array->bytes codec's encoded size, when fixed: the innermost decode's output size. */
  readonly #innermostSize: number | undefined;
  /** Free buffers of #innermostSize bytes (see #takeScratch). */
  readonly #scratch: Uint8Array[] = [];
  /**
   * The bytes->bytes codec's decodeSelectedInto and the size it decodes to, when the chain is
   * that one codec after an array->bytes codec that stores elements in memory order (no
   * array->array codecs): regions of a chunk then decode straight into the caller's memory.
   */
  readonly #selecting:
    | {
        decode: NonNullable<BytesToBytesCodec["decodeSelectedInto"]>;
        decodeFile: BytesToBytesCodec["decodeFileSelectedInto"];
        decodeFileMany: BytesToBytesCodec["decodeFileSelectedManyInto"];
        size: number;
      }
    | undefined;
  /**
   * For stored lanes in the other byte order (big-endian `bytes`): reverses them in runs of
   * the result once decoded there as the memory layout (reads only; see lanesSwapper).
   */
  readonly #swapLanes: ((runs: StridedRuns) => Promise<void>) | undefined;

  private constructor(
    codecs: readonly Codec[],
    specs: readonly ChunkSpec[],
    path?: string,
    runner?: CodecRunner,
  ) {
    const a2a: ArrayToArrayCodec[] = [];
    const b2b: BytesToBytesCodec[] = [];
    let a2b: ArrayToBytesCodec | undefined;
    codecs.forEach((codec, i) => {
      const misplaced = (what: string) =>
        new InvalidMetadataError(`codecs[${i}] ("${codec.name}", ${codec.kind}) ${what}`, { path });
      if (codec.kind === "array_to_array") {
        if (a2b !== undefined) throw misplaced("must come before the array->bytes codec");
        a2a.push(codec);
      } else if (codec.kind === "array_to_bytes") {
        if (a2b !== undefined)
          throw misplaced(`is a second array->bytes codec (after "${a2b.name}")`);
        a2b = codec;
      } else {
        if (a2b === undefined) throw misplaced("must come after the array->bytes codec");
        b2b.push(codec);
      }
    });
    if (a2b === undefined)
      throw new InvalidMetadataError('codecs must include one array->bytes codec (e.g. "bytes")', {
        path,
      });
    this.arrayToArray = a2a;
    this.arrayToBytes = a2b;
    this.bytesToBytes = b2b;
    this.#specs = specs;
    this.#runner = runner;
    const innerSpec = specs[a2a.length]!;
    this.#innermostSize = a2b.encodedSize?.(innerSpec);
    // Selections are decoded by the one bytes->bytes codec, or with none by the array->bytes
    // codec itself (its stored bytes are the memory layout: a selection is a copy).
    const only: SelectingDecoder | undefined =
      b2b.length === 1 ? b2b[0] : b2b.length === 0 ? a2b : undefined;
    const decodeSelected = only?.decodeSelectedInto;
    const memoryOrder = a2b.storesMemoryLayout?.(innerSpec) === true;
    this.#swapLanes = memoryOrder ? undefined : a2b.lanesSwapper?.(innerSpec);
    this.#selecting =
      only !== undefined &&
      a2a.length === 0 &&
      decodeSelected !== undefined &&
      this.#innermostSize !== undefined &&
      (memoryOrder || this.#swapLanes !== undefined)
        ? {
            decode: decodeSelected.bind(only),
            decodeFile: only?.decodeFileSelectedInto?.bind(only),
            decodeFileMany: only?.decodeFileSelectedManyInto?.bind(only),
            size: this.#innermostSize,
          }
        : undefined;
    this.#job =
      runner === undefined || b2b.length === 0
        ? undefined
        : {
            codecs: b2b.map((c) => c.toConfig()),
            spec: {
              shape: innerSpec.shape,
              dataType: namedDataType(innerSpec.dataType),
              fillValue: innerSpec.fillValue,
            },
            sizes: this.#stageSizes(),
          };
  }

  /** Decoded size at each bytes->bytes stage, innermost first (undefined where not fixed). */
  #stageSizes(): (number | undefined)[] {
    const innerSpec = this.#specs[this.arrayToArray.length]!;
    const sizes: (number | undefined)[] = [this.arrayToBytes.encodedSize?.(innerSpec)];
    for (const codec of this.bytesToBytes) {
      const prev = sizes[sizes.length - 1];
      sizes.push(prev === undefined ? undefined : codec.encodedSize?.(prev));
    }
    return sizes;
  }

  /** Resolves `configs` through the registry, each codec seeing the spec it will be given. */
  static async create(
    configs: readonly NamedConfig[],
    spec: ChunkSpec,
    registry: Registry,
    path?: string,
    runner?: CodecRunner,
  ): Promise<CodecPipeline> {
    const codecs: Codec[] = [];
    const specs: ChunkSpec[] = [spec];
    let current = spec;
    for (const [i, config] of configs.entries()) {
      const extension = registry.get("codec", config.name, { path });
      let codec: Codec;
      try {
        codec = await extension.fromConfig(config.configuration, {
          spec: current,
          registry,
          ...(runner === undefined ? {} : { runner }),
        });
      } catch (err) {
        const where = `${path === undefined ? "" : `zarr.json of "${path}": `}codecs[${i}]: `;
        if (err instanceof ZarrkitError && err.path === undefined)
          throw err.withLocation({ path }, where);
        if (isZarrkitError(err)) throw err;
        throw new InvalidMetadataError(
          `${where}${err instanceof Error ? err.message : String(err)}`,
          { path, cause: err },
        );
      }
      codecs.push(codec);
      if (codec.kind === "array_to_array") {
        current = codec.encodedSpec(current);
        specs.push(current);
      }
    }
    return new CodecPipeline(codecs, specs, path, runner);
  }

  get codecs(): Codec[] {
    return [...this.arrayToArray, this.arrayToBytes, ...this.bytesToBytes];
  }

  /** The metadata entries, with the defaults each codec fills in. */
  toConfigs(): NamedConfig[] {
    return this.codecs.map((c) => c.toConfig());
  }

  /** Pieces of one chunk encoded at once (the array->bytes codec's `encodeConcurrency`). */
  get encodeConcurrency(): number {
    const n = this.arrayToBytes.encodeConcurrency;
    return n !== undefined && Number.isSafeInteger(n) && n > 1 ? n : 1;
  }

  /**
   * Whether encode gathers the rows of a strided chunk itself, off the calling thread (the
   * innermost bytes->bytes codec offers encodeStrided or encodeRuns, or the array->bytes codec
   * encodes strided views as cheaply), so that a view of the caller's array is better passed in
   * than a copy.
   */
  get gathersStrided(): boolean {
    if (!this.#reviewsOnWrite) return false;
    const innermost = this.bytesToBytes[0];
    return innermost === undefined
      ? this.arrayToBytes.encodesStrided === true
      : innermost.encodeStrided !== undefined || innermost.encodeRuns !== undefined;
  }

  /** Whether every array->array codec encodes by re-viewing (transpose), changing no value. */
  get #reviewsOnWrite(): boolean {
    return this.arrayToArray.every(
      (c) => c.encodesByView === true && c.encodedTarget !== undefined,
    );
  }

  /** Whether encodeMany can encode chunks together (else it answers undefined). */
  get encodesBatches(): boolean {
    const [only, ...more] = this.bytesToBytes;
    return (
      this.arrayToArray.length === 0 &&
      more.length === 0 &&
      (only === undefined
        ? this.arrayToBytes.encodeStridedMany !== undefined
        : only.encodeStridedMany !== undefined)
    );
  }

  /**
   * Encodes `chunks` (views of one array with the same strides, e.g. a shard's inner chunks)
   * in one job: their encodings one after another, and the size of each. undefined when the
   * chain cannot (see encodesBatches) or the chunks are not laid out alike: encode each.
   */
  async encodeMany(
    chunks: readonly NDArray[],
  ): Promise<readonly [encoded: Uint8Array, sizes: readonly number[]] | undefined> {
    const [first] = chunks;
    const offsets = this.#byteOffsets(chunks);
    if (!this.encodesBatches || !first || !offsets) return undefined;
    const [only] = this.bytesToBytes;
    if (only === undefined) {
      // The array->bytes codec gathers the elements itself (in its byte order).
      const spec = this.#specs[0]!;
      const runs = stridedByteRuns(first, spec.shape, spec.dataType.lanes, 0);
      return runs && this.arrayToBytes.encodeStridedMany?.(runs, offsets, spec);
    }
    const runs = this.#layoutRuns(first, "write", true);
    return runs && only.encodeStridedMany?.(runs, offsets);
  }

  /** Whether layoutMany can place chunks: the chain stores their memory layout as it is. */
  get laysOutBatches(): boolean {
    return (
      this.arrayToArray.length === 0 &&
      this.bytesToBytes.length === 0 &&
      this.arrayToBytes.storesMemoryLayout?.(this.#specs[0]!) === true
    );
  }

  /**
   * Where the stored bytes of `chunks` (views of one array with the same strides, as
   * encodeMany takes) lie in their array, when the chain stores them as memory layout, with no
   * array->array or bytes->bytes stage: the first chunk's runs and each chunk's byte offset
   * (where its runs, moved, start). A store writes them from there with no copy. undefined
   * when the chain transforms the bytes, the chunks are not laid out alike, or their runs are
   * too short to be worth writing one by one (see stridedByteRuns; a scalar's single element,
   * repeated): encodeMany gathers those.
   */
  layoutMany(
    chunks: readonly NDArray[],
  ): { readonly runs: StridedRuns; readonly offsets: Float64Array } | undefined {
    const [first] = chunks;
    if (first === undefined || !this.laysOutBatches) return undefined;
    const offsets = this.#byteOffsets(chunks);
    const runs = offsets && this.#layoutRuns(first, "write");
    return runs && { runs, offsets };
  }

  /**
   * Where each of `views` starts in its array's bytes, when they are views of one typed array
   * with the same strides (so that the runs of one, moved, are the runs of another); else
   * undefined.
   */
  #byteOffsets(views: readonly StridedView[]): Float64Array | undefined {
    const [first] = views;
    if (first === undefined || !ArrayBuffer.isView(first.data)) return undefined;
    const { data, stride } = first;
    if (views.some((v) => v.data !== data || v.stride.some((s, d) => s !== stride[d])))
      return undefined;
    // As stridedByteRuns places a view: its element offset times the element's size.
    const elementBytes = this.#specs[0]!.dataType.lanes * data.BYTES_PER_ELEMENT;
    return Float64Array.from(views, (v) => v.offset * elementBytes);
  }

  /**
   * The encoded chunk as parts to concatenate, where the array->bytes codec makes them and no
   * stage follows it (sharding); else encode's result as the one part.
   */
  async encodeParts(chunk: NDArray): Promise<Uint8Array[]> {
    const encodeParts = this.arrayToBytes.encodeParts;
    if (this.arrayToArray.length > 0 || this.bytesToBytes.length > 0 || encodeParts === undefined)
      return [await this.encode(chunk)];
    return encodeParts.call(this.arrayToBytes, chunk, this.#specs[0]!);
  }

  async encode(chunk: NDArray): Promise<Uint8Array> {
    const innermost = this.bytesToBytes[0];
    if (innermost !== undefined && (innermost.encodeStrided ?? innermost.encodeRuns)) {
      // The chunk's rows, gathered by the codec itself (off the calling thread).
      const runs = this.#layoutRuns(chunk, "write", innermost.encodeStrided !== undefined);
      if (runs !== undefined) {
        const single = singleRun(runs);
        let bytes = await (single !== undefined
          ? innermost.encode(single)
          : innermost.encodeStrided !== undefined
            ? innermost.encodeStrided(runs)
            : innermost.encodeRuns!(expandRuns(runs)));
        for (const codec of this.bytesToBytes.slice(1)) bytes = await codec.encode(bytes);
        return bytes;
      }
    }
    let array = chunk;
    for (const [i, codec] of this.arrayToArray.entries())
      array = await codec.encode(array, this.#specs[i]!);
    let bytes = await this.arrayToBytes.encode(array, this.#specs[this.arrayToArray.length]!);
    if (
      this.#job !== undefined &&
      this.#runner !== undefined &&
      bytes.length >= this.#runner.minBytes
    ) {
      // The array->bytes output may share memory with the chunk (zero-copy): not ours to give.
      const done = await this.#runner.encode(this.#job, bytes, false);
      if (done !== undefined) return done;
    }
    for (const codec of this.bytesToBytes) bytes = await codec.encode(bytes);
    return bytes;
  }

  /** The encoded size of a chunk when every stage's output size is fixed (else undefined). */
  encodedSize(): number | undefined {
    let size = this.arrayToBytes.encodedSize?.(this.#specs[this.arrayToArray.length]!);
    for (const codec of this.bytesToBytes)
      size = size === undefined ? undefined : codec.encodedSize?.(size);
    return size;
  }

  /**
   * The array->bytes codec's updateParts, bound to the chunk's spec, when the chain is that
   * codec alone (sharding): part of a stored chunk re-encoded without the rest.
   */
  get partialUpdater():
    | ((
        stored: Uint8Array | undefined,
        region: readonly ChunkRegion[],
        value: StridedView,
      ) => Promise<{ parts: Uint8Array[]; empty: boolean }>)
    | undefined {
    const codec = this.arrayToBytes;
    const { updateParts } = codec;
    if (updateParts === undefined || this.arrayToArray.length > 0 || this.bytesToBytes.length > 0)
      return undefined;
    const spec = this.#specs[0]!;
    return (stored, region, value) => updateParts.call(codec, stored, spec, region, value);
  }

  /** The array->bytes codec's partialReadShape, when the chain is that codec alone. */
  get partialReadShape(): readonly number[] | undefined {
    return this.arrayToArray.length === 0 && this.bytesToBytes.length === 0
      ? this.arrayToBytes.partialReadShape
      : undefined;
  }

  /** Whether the chain is an array->bytes codec alone that reads local files in parts. */
  get readsFilesInParts(): boolean {
    return (
      this.arrayToBytes.readsFilesInParts === true &&
      this.arrayToArray.length === 0 &&
      this.bytesToBytes.length === 0
    );
  }

  /**
   * The array->bytes codec's partial decoder, when the chain is that codec alone, or that codec
   * (of a fixed encoded size) and one bytes->bytes codec that decodes byte ranges (blosc): its
   * range reads then fetch the stored chunk once and decode only the ranges asked. A chain whose
   * bytes->bytes codec decodes a selection (see decodeRegionInto) reads the whole chunk and
   * decodes the region straight into the target. Other chains need the whole chunk decoded.
   */
  get partialDecoder(): ArrayToBytesCodec["decodePartialInto"] {
    const codec = this.arrayToBytes;
    if (codec.decodePartialInto === undefined || this.arrayToArray.length > 0) return undefined;
    const partial = codec.decodePartialInto.bind(codec);
    if (this.bytesToBytes.length === 0) return partial;
    if (this.#selecting !== undefined) {
      return async (source, _spec, region, target) => {
        const bytes = await source.get();
        if (bytes === undefined) return false;
        await this.decodeRegionInto(bytes, region, target);
        // Decoded: nothing reads the stored bytes any more.
        source.release?.(bytes);
        return true;
      };
    }
    const [ranged] = this.bytesToBytes;
    const size = this.#innermostSize;
    const decodeRange = ranged?.decodeRange;
    if (this.bytesToBytes.length > 1 || size === undefined || decodeRange === undefined)
      return undefined;
    return (source, spec, region, target) => {
      let stored: Promise<Uint8Array | undefined> | undefined;
      const decoded: ChunkSource = {
        ...source,
        get: async (range) => {
          stored ??= source.get();
          const bytes = await stored;
          if (bytes === undefined) return undefined;
          const [start, end] =
            range === undefined ? [0, size] : resolveRange(range, size, source.key);
          return decodeRange.call(ranged, bytes, start, end - start, size);
        },
      };
      return partial(decoded, spec, region, target);
    };
  }

  /**
   * Decodes `region` of a chunk into `target` (a strided view of the region's shape). Where the
   * chain allows (see #selecting), in one step off the calling thread that decodes no further
   * than the region's last element and makes no chunk-sized array; else the chunk is decoded
   * and the region copied out of it.
   */
  async decodeRegionInto(
    bytes: Uint8Array,
    region: readonly ChunkRegion[],
    target: StridedView,
  ): Promise<void> {
    const selecting = this.#selecting;
    const runs = selecting && this.#selectionRuns(target, region);
    if (selecting !== undefined && runs !== undefined) {
      await selecting.decode(bytes, selecting.size, runs.from, runs.to);
      await this.#swapLanes?.(runs.to);
      return;
    }
    const counts = region.map((r) => r.count);
    const chunk = await this.decode(bytes);
    let offset = chunk.offset;
    const stride = region.map((r, d) => {
      offset += r.start * chunk.stride[d]!;
      return chunk.stride[d]! * r.step;
    });
    stridedCopy(
      target,
      { data: chunk.data, offset, stride },
      counts,
      this.#specs[0]!.dataType.lanes,
    );
  }

  /**
   * Whether readers of parts of one chunk can share one decode of it (decodeStored, then
   * copyStoredRegion each): bytes->bytes codecs over an encoding that is the memory layout
   * (lanes swapped or not), whose selections the array->bytes codec copies itself.
   */
  get sharesDecodes(): boolean {
    return (
      this.#selecting !== undefined &&
      this.#innermostSize !== undefined &&
      this.bytesToBytes.length > 0 &&
      this.arrayToBytes.decodeSelectedInto !== undefined
    );
  }

  /** The size of a chunk's bytes as the array->bytes codec encodes them, when fixed. */
  get storedSize(): number | undefined {
    return this.#innermostSize;
  }

  /**
   * A chunk's bytes with its bytes->bytes codecs undone, checked for size (see sharesDecodes):
   * decoded into `into` where the codec can (a buffer of the size, reused), else new memory.
   */
  async decodeStored(bytes: Uint8Array, into?: Uint8Array): Promise<Uint8Array> {
    const decoded = await this.#decodeBytes(bytes, into);
    const size = this.#selecting?.size;
    if (decoded.length !== size)
      throw new CorruptChunkError(`decoded to ${decoded.length} bytes instead of ${size}`);
    return decoded;
  }

  /**
   * decodeStored of a chunk read from `file` by the same job, into `into` (storedSize bytes):
   * the encoded bytes never reach JavaScript. Outcomes as decodeFileInto's ("unsupported",
   * with nothing written, where the chain cannot read files or this chunk needs its bytes).
   */
  async decodeStoredFile(file: FileSlice, into: Uint8Array): Promise<FileDecodeOutcome> {
    const selecting = this.#selecting;
    if (selecting?.decodeFile === undefined || !this.sharesDecodes) return "unsupported";
    const { size } = selecting;
    if (into.length !== size) throw new RangeError(`${into.length} bytes for a chunk of ${size}`);
    // The whole chunk as one run, into one run: its lanes stay as stored, as decodeStored's.
    const all = { offset: 0, runBytes: size, shape: [1], strides: [size] };
    return selecting.decodeFile(file, size, all, { ...all, bytes: into });
  }

  /**
   * Copies `region` of a chunk that decodeStored decoded into `target`, off the calling thread:
   * the decoded bytes are left as they are, for other readers.
   */
  async copyStoredRegion(
    stored: Uint8Array,
    region: readonly ChunkRegion[],
    target: StridedView,
  ): Promise<void> {
    const copy = this.arrayToBytes.decodeSelectedInto;
    const runs = this.#selectionRuns(target, region);
    if (copy === undefined || runs === undefined)
      throw new TypeError("copyStoredRegion needs a chain that sharesDecodes and a typed target");
    await copy.call(this.arrayToBytes, stored, stored.length, runs.from, runs.to);
    await this.#swapLanes?.(runs.to);
  }

  /**
   * The runs of a chunk that `region` selects and the runs of `target` they fill (see
   * #selecting), or undefined when the target is no typed array.
   */
  #selectionRuns(
    target: StridedView,
    region: readonly ChunkRegion[],
  ): { from: RunLayout; to: StridedRuns } | undefined {
    const { shape, dataType } = this.#specs[0]!;
    // Runs of any length: the codec copies them out of its own memory, not the kernel.
    const counts = region.map((r) => r.count);
    const to = stridedByteRuns(target, counts, dataType.lanes, 0);
    return to && { from: regionLayout(shape, region, dataType.itemSize), to };
  }

  /** Whether chunks can be read from local files and decoded in the same job (decodeFileInto). */
  get decodesFiles(): boolean {
    return this.#selecting?.decodeFile !== undefined;
  }

  /**
   * Reads a chunk from `file` and decodes `region` of it (the whole chunk when omitted) into
   * `target`, a strided view of the region's shape, in one job off the calling thread:
   * "missing" when there is no such file; "unsupported", with nothing written, when the chain
   * cannot (see decodesFiles) or this chunk needs its bytes decoded the usual way.
   */
  async decodeFileInto(
    file: FileSlice,
    target: StridedView,
    region?: readonly ChunkRegion[],
  ): Promise<FileDecodeOutcome> {
    const selecting = this.#selecting;
    if (selecting?.decodeFile === undefined) return "unsupported";
    const whole = this.#specs[0]!.shape.map((count) => ({ start: 0, step: 1, count }));
    const runs = this.#selectionRuns(target, region ?? whole);
    if (runs === undefined) return "unsupported";
    const read = await selecting.decodeFile(file, selecting.size, runs.from, runs.to);
    if (read === "decoded") await this.#swapLanes?.(runs.to);
    return read;
  }

  /** Whether decodeFileManyInto can decode anything (else it answers "unsupported" for all). */
  get decodesFileBatches(): boolean {
    return this.#selecting?.decodeFileMany !== undefined;
  }

  /**
   * decodeFileInto for whole chunks in several files, or places of one (chunk files, or a
   * shard's inner chunks: `slices`), into `targets` (whole-chunk views, one per slice), in one
   * job: the calling thread makes one call for them all. Each chunk's outcome as
   * decodeFileInto's; all "unsupported" when the chain cannot do this or the targets are not
   * views of one array with the same strides.
   */
  async decodeFileManyInto(
    slices: readonly FileSlice[],
    targets: readonly StridedView[],
  ): Promise<readonly FileDecodeOutcome[]> {
    const decodeMany = this.#selecting?.decodeFileMany;
    const [first] = targets;
    const starts = this.#byteOffsets(targets);
    const whole = this.#specs[0]!.shape.map((count) => ({ start: 0, step: 1, count }));
    const runs = first && this.#selectionRuns(first, whole);
    if (decodeMany === undefined || starts === undefined || runs === undefined)
      return targets.map(() => "unsupported");
    const paths: string[] = [];
    const numbers = new Float64Array(4 * slices.length);
    slices.forEach(({ path, offset = 0, length = -1 }, i) => {
      if (paths[paths.length - 1] !== path) paths.push(path);
      numbers.set([paths.length - 1, offset, length, starts[i]!], 4 * i);
    });
    const outcomes = await decodeMany(paths, this.#selecting!.size, runs.from, runs.to, numbers);
    // Chunks stored big-endian: each decoded one's lanes reversed where it landed, all at once.
    const swap = this.#swapLanes;
    if (swap !== undefined)
      await Promise.all(
        outcomes.map((outcome, i) =>
          outcome === "decoded" ? swap({ ...runs.to, offset: starts[i]! }) : undefined,
        ),
      );
    return outcomes;
  }

  /** Whether `decodeInto` can write into caller memory (every stage supports it). */
  get canDecodeInto(): boolean {
    return (
      this.arrayToBytes.decodeInto !== undefined &&
      this.arrayToArray.every((c) => c.encodedTarget !== undefined)
    );
  }

  /**
   * When a chunk's stored bytes are exactly its elements in memory order (a lone `bytes` codec
   * in the host's byte order, after re-viewing codecs such as transpose), the runs of `target`
   * (a strided view of the chunk's shape) that those bytes fill, in order, described by
   * strides; else undefined. A store can then read a chunk into, or write it from, the
   * caller's array directly. Writing takes a chain whose array->array codecs only re-view
   * (transpose; bitround's encoding changes values).
   */
  memoryLayout(target: StridedView, direction: "read" | "write"): StridedRuns | undefined {
    return this.bytesToBytes.length > 0 ? undefined : this.#layoutRuns(target, direction);
  }

  /**
   * The runs of `target` that the array->bytes codec's output fills, when it is memory order.
   * `anyLength`: for a codec that takes them described by strides (it copies them itself, so
   * short runs cost no view each), else undefined when they would be short (see
   * stridedByteRuns).
   */
  #layoutRuns(
    target: StridedView,
    direction: "read" | "write",
    anyLength = false,
    lanesSwapped = false,
  ): StridedRuns | undefined {
    const spec = this.#specs[this.arrayToArray.length]!;
    const swapped = lanesSwapped && direction === "read" && this.#swapLanes !== undefined;
    if (
      (direction === "write" && !this.#reviewsOnWrite) ||
      (this.arrayToBytes.storesMemoryLayout?.(spec) !== true && !swapped) ||
      this.arrayToArray.some((c) => c.encodedTarget === undefined)
    )
      return undefined;
    let view = target;
    for (const [i, codec] of this.arrayToArray.entries())
      view = codec.encodedTarget!(view, this.#specs[i]!);
    return anyLength
      ? stridedByteRuns(view, spec.shape, spec.dataType.lanes, 0)
      : stridedByteRuns(view, spec.shape, spec.dataType.lanes);
  }

  /**
   * Decodes a whole chunk straight into `target` (a strided view of the chunk's shape), with no
   * intermediate array: array->array codecs re-view the target, the array->bytes codec fills it.
   */
  async decodeInto(bytes: Uint8Array, target: StridedView): Promise<void> {
    const decoder = this.arrayToBytes.decodeInto;
    if (decoder === undefined || !this.canDecodeInto)
      throw new Error("decodeInto is not supported by this codec chain");
    let view = target;
    for (const [i, codec] of this.arrayToArray.entries())
      view = codec.encodedTarget!(view, this.#specs[i]!);
    const spec = this.#specs[this.arrayToArray.length]!;
    const innermost = this.bytesToBytes[0];
    if (innermost !== undefined && (innermost.decodeIntoStrided ?? innermost.decodeIntoRuns)) {
      // Decoded straight into the target's rows (off the calling thread: no worker hop needed).
      // Lanes stored in the other byte order land as they are, and are swapped there after.
      const runs = this.#layoutRuns(
        target,
        "read",
        innermost.decodeIntoStrided !== undefined,
        true,
      );
      if (runs !== undefined) {
        const bytesOfChunk = await this.#decodeBytes(bytes, undefined, 1);
        const single = singleRun(runs);
        if (single !== undefined && innermost.decodeInto !== undefined)
          await innermost.decodeInto(bytesOfChunk, single);
        else if (innermost.decodeIntoStrided !== undefined)
          await innermost.decodeIntoStrided(bytesOfChunk, runs);
        else await innermost.decodeIntoRuns!(bytesOfChunk, expandRuns(runs));
        await this.#swapLanes?.(runs);
        return;
      }
    }
    const scratch = this.#takeScratch();
    try {
      await decoder.call(this.arrayToBytes, await this.#decodeBytes(bytes, scratch), spec, view);
    } finally {
      // The array->bytes codec has copied out of it: the next chunk may decode there.
      if (scratch !== undefined && this.#scratch.length < MAX_SCRATCH) this.#scratch.push(scratch);
    }
  }

  /**
   * A buffer for the innermost bytes->bytes stage to decode into, when that codec can and its
   * output size is fixed; decodeInto hands it back, so chunks stop costing an allocation each.
   */
  #takeScratch(): Uint8Array | undefined {
    const size = this.#innermostSize;
    if (size === undefined || this.bytesToBytes[0]?.decodeInto === undefined) return undefined;
    return this.#scratch.pop() ?? new Uint8Array(size);
  }

  /**
   * Undoes the bytes->bytes codecs down to (not including) stage `until`, bounding each output
   * by the size the spec implies.
   */
  async #decodeBytes(bytes: Uint8Array, scratch?: Uint8Array, until = 0): Promise<Uint8Array> {
    const sizes = this.#job?.sizes ?? this.#stageSizes();
    const runner = this.#runner;
    // Worth a thread hop only for chunks of some size (the decoded size, when fixed).
    if (
      until === 0 &&
      this.#job !== undefined &&
      runner !== undefined &&
      (sizes[0] ?? bytes.length) >= runner.minBytes
    ) {
      // Stores hand out bytes the pipeline owns (or views of a shard the pipeline owns).
      const done = await runner.decode(this.#job, bytes, true);
      if (done !== undefined) return done;
    }
    for (let i = this.bytesToBytes.length - 1; i >= until; i--) {
      const codec = this.bytesToBytes[i]!;
      if (i === 0 && scratch !== undefined && codec.decodeInto !== undefined) {
        await codec.decodeInto(bytes, scratch);
        return scratch;
      }
      bytes = await codec.decode(bytes, sizes[i]);
    }
    return bytes;
  }

  async decode(bytes: Uint8Array): Promise<NDArray> {
    const innerSpec = this.#specs[this.arrayToArray.length]!;
    bytes = await this.#decodeBytes(bytes);
    let array = await this.arrayToBytes.decode(bytes, innerSpec);
    for (let i = this.arrayToArray.length - 1; i >= 0; i--)
      array = await this.arrayToArray[i]!.decode(array, this.#specs[i]!);
    return array;
  }
}

/** The one run of `runs` as a view, when there is exactly one. */
function singleRun(runs: StridedRuns): Uint8Array | undefined {
  if (!runs.shape.every((n) => n === 1)) return undefined;
  return runs.bytes.subarray(runs.offset, runs.offset + runs.runBytes);
}
