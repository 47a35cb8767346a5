import { createRequire } from "node:module";
import { constants } from "node:os";

/** Versions of the libraries compiled into the addon. */
export interface NativeVersions {
  readonly blosc: string;
  readonly zstd: string;
  readonly libdeflate: string;
}

/**
 * Runs of `runBytes` in one buffer, placed like the elements of a strided array: run i (C order
 * over `shape`) starts `offset + sum(index[d] * strides[d])` bytes into `bytes` (strides in
 * bytes, any sign). The rows of a chunk inside a larger array, without a view per row.
 */
export interface StridedRuns {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly runBytes: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

/** Part of a file that a decoder reads itself: `length` bytes from `offset` (default: all). */
export interface FileSlice {
  readonly path: string;
  readonly offset?: number;
  readonly length?: number;
}

/**
 * What a `*Selected` decoder decodes: bytes, or a file slice it reads in the same job (the
 * encoded bytes then never reach JavaScript; a missing file resolves with `MISSING_FILE`, and
 * one that cannot be read rejects with `errno`, `syscall` and `path` set, as node:fs's do).
 */
export type EncodedSource = Uint8Array | FileSlice;

/** Where strided runs lie in a buffer given elsewhere: StridedRuns without its `bytes`. */
export type RunLayout = Omit<StridedRuns, "bytes">;

/**
 * A buffer, or several taken one after another (listed, or strided): decoders scatter their
 * output across the pieces, encoders gather their input from them (on the pool thread, through
 * scratch memory). Runs outside their buffer throw a TypeError.
 */
export type ByteRuns = Uint8Array | readonly Uint8Array[] | StridedRuns;

/**
 * The addon's functions. Each asynchronous one runs on libuv's thread pool (as many at once as
 * the pool has threads, `UV_THREADPOOL_SIZE`, 4 by default) and rejects with an Error that says
 * what the library reported. Decoders write into the caller's `target` and resolve with the
 * number of bytes written; `source` and `target` must stay untouched until they settle.
 * Encoders resolve with their output, allocated on the pool thread. Arguments of the wrong type
 * throw a TypeError synchronously.
 */
export interface NativeCodecs {
  readonly versions: NativeVersions;
  /**
   * What `inflate` resolves with when the input holds more than one stream, and
   * `bloscDecompressSelected` for a snappy frame (not built in): decode those another way.
   */
  readonly NEEDS_FALLBACK: number;
  /** What a `*Selected` decoder resolves with when its source file does not exist. */
  readonly MISSING_FILE: number;
  /** One blosc1 frame that declares exactly the target's total length, into `target`. */
  bloscDecompress(source: Uint8Array, target: ByteRuns): Promise<number>;
  /**
   * Part of a blosc1 frame's content (`size` bytes, which it must declare), as
   * zstdDecompressSelected: only the blocks that hold the selection are decoded.
   */
  bloscDecompressSelected(
    source: EncodedSource,
    size: number,
    from: RunLayout,
    target: ByteRuns,
  ): Promise<number>;
  /**
   * `source` as one blosc1 frame (clevel 0..9, shuffle 0 none, 1 byte, 2 bit; blocksize 0 lets
   * c-blosc choose; compressor blosclz, lz4, lz4hc, zlib or zstd).
   */
  bloscCompress(
    source: ByteRuns,
    clevel: number,
    shuffle: number,
    typesize: number,
    blocksize: number,
    compressor: string,
  ): Promise<Uint8Array>;
  /**
   * Items `start` to `start + count` of a frame (of its typesize) into `target`, decoding only
   * the blocks that hold them; synchronous, as it is meant for small ranges.
   */
  bloscGetItem(source: Uint8Array, start: number, count: number, target: Uint8Array): number;
  /** Every zstd frame of `source`, into `target` (which must hold them all). */
  zstdDecompress(source: Uint8Array, target: ByteRuns): Promise<number>;
  /**
   * Part of what the zstd frames of `source` hold (`size` bytes in all): the runs `from`
   * selects, one after another, into `target` (which holds exactly as many bytes). Decoded in
   * the pool thread's own memory and stopped after the last byte selected (unless a frame
   * carries a checksum, which is then verified): a window through the top rows of a chunk
   * decodes only those rows, and no chunk-sized buffer is made. A frame that declares another
   * size than `size` is refused. Resolves with the bytes written.
   */
  zstdDecompressSelected(
    source: EncodedSource,
    size: number,
    from: RunLayout,
    target: ByteRuns,
  ): Promise<number>;
  /** One zstd frame at `level`, with a content checksum when `checksum` is 1. */
  zstdCompress(source: ByteRuns, level: number, checksum: 0 | 1): Promise<Uint8Array>;
  /**
   * One gzip member (`zlib` 0) or zlib stream (`zlib` 1) into `target`. Resolves with
   * `NEEDS_FALLBACK` when bytes follow the stream (concatenated gzip members, which libdeflate
   * does not join): the caller decodes those another way.
   */
  inflate(source: Uint8Array, target: ByteRuns, zlib: 0 | 1): Promise<number>;
  /**
   * Part of a gzip member or zlib stream's content (`size` bytes in all), as
   * zstdDecompressSelected (the whole stream is decoded, in the pool thread's memory); resolves
   * with `NEEDS_FALLBACK` as `inflate` does.
   */
  inflateSelected(
    source: EncodedSource,
    size: number,
    from: RunLayout,
    target: ByteRuns,
    zlib: 0 | 1,
  ): Promise<number>;
  /**
   * Part of content stored as it is (`size` bytes, uncompressed), as zstdDecompressSelected:
   * from a file only the bytes from the selection's first to its last are read, and a source
   * of any other size than `size` is an error.
   */
  copySelected(
    source: EncodedSource,
    size: number,
    from: RunLayout,
    target: ByteRuns,
  ): Promise<number>;
  /**
   * Slices of files (the inner chunks of a shard, or chunk files), each decoded as a
   * `*Selected` decoder decodes a file slice, all with the same decoded `size` and selection
   * `from`, in one job that opens each file once for the slices of it that follow one another:
   * the calling thread makes one call, not one per slice. `slices` holds (path index, offset,
   * length or -1 for the rest of the file, target offset) quadruples: slice i is read from
   * `paths[slices[4i]]`, and its selection lands in the runs `to` describes, moved to start at
   * its target offset instead of `to.offset` (each checked to stay inside `to.bytes`).
   * Resolves with what each slice wrote: its bytes, `NEEDS_FALLBACK` (decode that one another
   * way) or `MISSING_FILE` (no such file); rejects naming the first slice that failed (those
   * before it are written). The slices run one after another: split a long list across calls
   * to use every core.
   */
  decodeFileSelectedMany(
    codec: "zstd" | "blosc" | "gzip" | "zlib" | "copy",
    paths: readonly string[],
    size: number,
    from: RunLayout,
    to: StridedRuns,
    slices: Float64Array,
  ): Promise<number[]>;
  /**
   * zstdCompress of many chunks laid out alike in one job: `source` describes one chunk's runs,
   * `offsets` where each chunk's begin (the runs moved there, each checked to stay inside
   * `source.bytes`). Resolves with the frames one after another, in memory the addon allocated
   * (see `release`), and their sizes: a shard's inner chunks, encoded with one call.
   */
  zstdCompressMany(
    source: StridedRuns,
    offsets: Float64Array,
    level: number,
    checksum: 0 | 1,
  ): Promise<[frames: Uint8Array, sizes: number[]]>;
  /** bloscCompress of many chunks, as zstdCompressMany. */
  bloscCompressMany(
    source: StridedRuns,
    offsets: Float64Array,
    clevel: number,
    shuffle: number,
    typesize: number,
    blocksize: number,
    compressor: string,
  ): Promise<[frames: Uint8Array, sizes: number[]]>;
  /** deflate of many chunks, as zstdCompressMany. */
  deflateMany(
    source: StridedRuns,
    offsets: Float64Array,
    level: number,
    zlib: 0 | 1,
  ): Promise<[streams: Uint8Array, sizes: number[]]>;
  /**
   * Many chunks laid out alike (as zstdCompressMany takes them) copied out in one job, one
   * after another in memory the addon allocated, each `lane`-byte lane reversed (1: as they
   * are): uncompressed chunks, little- or big-endian, with no copy on the calling thread.
   * Every run must hold whole lanes (RangeError otherwise).
   */
  gatherMany(
    source: StridedRuns,
    offsets: Float64Array,
    lane: 1 | 2 | 4 | 8,
  ): Promise<[chunks: Uint8Array, sizes: number[]]>;
  /** `source` as one gzip member or zlib stream at libdeflate `level` 0..12. */
  deflate(source: ByteRuns, level: number, zlib: 0 | 1): Promise<Uint8Array>;
  /**
   * Gives memory the addon allocated (an encoder's output, or a file `nativeFileIO.readFile`
   * read) back at once: its ArrayBuffer is detached (every view of it then has length 0) and
   * the memory is freed, or serves the next encoder, instead of waiting for a garbage collection
   * (fresh memory costs a page fault per 4 KiB). Only for bytes that nothing reads any more, not
   * even a pending call. True when released; false, and nothing done, for any other buffer.
   */
  release(bytes: Uint8Array): boolean;
  /**
   * Reverses the byte order of each `lane`-byte lane (2, 4 or 8) of the runs `target`
   * describes, in place, off the calling thread: big-endian elements decoded into the result
   * put in the host's order. Every run must hold whole lanes (RangeError otherwise).
   */
  swapLanes(target: StridedRuns, lane: 2 | 4 | 8): Promise<void>;
  /**
   * The CRC-32C (Castagnoli) of `bytes`, as the `crc32c` codec stores it: computed at once on
   * the calling thread (SSE4.2's instruction where the CPU has it, tables elsewhere).
   */
  crc32c(bytes: Uint8Array): number;
}

/** Advice to the kernel about memory. */
export interface NativeMemory {
  /**
   * Offers the 2 MiB-aligned middle of `bytes` for transparent huge pages (Linux `madvise`):
   * memory not yet touched then faults in 2 MiB at a time instead of 4 KiB, which makes filling
   * a fresh large array much cheaper. Whether the kernel took the advice; the memory stays as
   * it was (V8's, zero-filled if it was) either way.
   */
  adviseHugePages(bytes: Uint8Array): boolean;
  /**
   * Makes the whole pages inside `bytes` resident now, writable (Linux 5.14+ `madvise`
   * MADV_POPULATE_WRITE, one job on the thread pool): the kernel maps them in one pass instead
   * of one page fault each when first written, about a quarter less kernel time here. Resolves
   * with whether the kernel did (false on other systems); the contents do not change.
   */
  populate(bytes: Uint8Array): Promise<boolean>;
}

/** Part of a file: `length` bytes from `offset`, or its last `suffix` bytes. */
export type FileRange = { offset: number; length: number } | { suffix: number };

/**
 * Whole-file reads and atomic writes, each one job on libuv's thread pool (node:fs needs a round
 * trip per system call: open, fstat, read, close). Failures reject with an Error carrying `code`
 * (`"EACCES"`, ...), `errno`, `syscall` and `path`, as node:fs's do (POSIX only, as is
 * this package).
 */
export interface NativeFileIO {
  /**
   * Reads the file at `path` into `targets` (listed or strided), in order, when its size is
   * their total: resolves with that total. When the size differs nothing is read and it resolves
   * with the size; when there is no file (or a directory) with -1. `targets` must not change
   * until it settles.
   */
  readFileInto(path: string, targets: readonly Uint8Array[] | StridedRuns): Promise<number>;
  /**
   * Reads the file at `path` into the start of `target` when it fits: resolves with the file's
   * size either way (larger than `target`: nothing was read), -1 when there is no file.
   */
  readFileUpTo(path: string, target: Uint8Array): Promise<number>;
  /**
   * The whole file, or a range of it (`length` bytes from `offset`, or the last `suffix`
   * bytes), in memory the addon allocated; undefined when there is no file. A range past the
   * end rejects, saying the file's size.
   */
  readFile(path: string, range?: FileRange): Promise<Uint8Array | undefined>;
  /**
   * Writes `parts`, gathered, into the new file `temp` and renames it to `path` (making the
   * missing directories of `path` first); on failure `temp` is removed and `path` untouched.
   */
  writeFileAtomic(
    path: string,
    temp: string,
    parts: readonly Uint8Array[] | StridedRuns,
  ): Promise<void>;
  /**
   * Writes each of `values` as writeFileAtomic would to the same place in `paths` (through the
   * temporary file of the same place in `temps`), in order, in one job: the calling thread
   * makes one call for many small files. Rejects at the first file that fails, with its `path`
   * and its `index` in the lists; the files before it are written, those after it untouched.
   */
  writeFilesAtomic(
    paths: readonly string[],
    temps: readonly string[],
    values: readonly Uint8Array[],
  ): Promise<void>;
  /**
   * writeFilesAtomic for values laid out alike in one buffer (the chunks of an array): file i
   * holds `runs` moved to start at `offsets[i]` (a byte offset into `runs.bytes`, as
   * `runs.offset` is), with no view of each. A move that would leave the buffer throws a
   * RangeError.
   */
  writeFilesAtomic(
    paths: readonly string[],
    temps: readonly string[],
    runs: StridedRuns,
    offsets: Float64Array,
  ): Promise<void>;
}

const FUNCTIONS = [
  "bloscDecompress",
  "bloscDecompressSelected",
  "bloscCompress",
  "bloscGetItem",
  "zstdDecompress",
  "zstdDecompressSelected",
  "zstdCompress",
  "inflate",
  "inflateSelected",
  "copySelected",
  "decodeFileSelectedMany",
  "zstdCompressMany",
  "bloscCompressMany",
  "deflateMany",
  "gatherMany",
  "deflate",
  "release",
  "swapLanes",
  "crc32c",
  "readFileInto",
  "readFileUpTo",
  "readFile",
  "writeFileAtomic",
  "writeFilesAtomic",
  "adviseHugePages",
  "populate",
] as const;

/** The addon's own readFile takes a range as (offset or -1 for a suffix, length). */
type Binding = NativeCodecs &
  NativeMemory &
  Omit<NativeFileIO, "readFile"> & {
    readFile(path: string, start?: number, length?: number): Promise<Uint8Array | undefined>;
  };

function isBinding(value: unknown): value is Binding {
  if (typeof value !== "object" || value === null) return false;
  const fields: Record<string, unknown> = { ...value };
  return (
    FUNCTIONS.every((name) => typeof fields[name] === "function") &&
    typeof fields.versions === "object" &&
    typeof fields.NEEDS_FALLBACK === "number" &&
    typeof fields.MISSING_FILE === "number"
  );
}

/** Why the addon did not load, when it did not. */
let failure: string | undefined;

function load(): Binding | undefined {
  if (process.env.ZARRKIT_NATIVE === "0") {
    failure = "ZARRKIT_NATIVE=0 in the environment";
    return undefined;
  }
  try {
    // The addon node-gyp built on install (`binding.gyp`).
    const binding: unknown = createRequire(import.meta.url)("../build/Release/zarrkit_native.node");
    if (isBinding(binding)) return binding;
    failure = "build/Release/zarrkit_native.node does not export the expected functions";
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  }
  return undefined;
}

const binding = load();

/**
 * The addon's codecs, or undefined when it is not built for this platform (no compiler at
 * install time, or another Node ABI) or `ZARRKIT_NATIVE=0` is set: callers fall back to
 * WebAssembly or `node:zlib`.
 */
export const nativeCodecs: NativeCodecs | undefined = binding;

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** Gives the addon's errors node:fs's `code` (the errno's name). */
async function withCode<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof Error && "errno" in err && typeof err.errno === "number")
      Object.assign(err, { code: ERRNO_NAMES.get(err.errno) ?? `E${err.errno}` });
    throw err;
  }
}

/** The addon's file I/O, or undefined where it is not built. */
export const nativeFileIO: NativeFileIO | undefined =
  binding === undefined
    ? undefined
    : {
        readFileInto: (path, targets) => withCode(binding.readFileInto(path, targets)),
        readFileUpTo: (path, target) => withCode(binding.readFileUpTo(path, target)),
        readFile: (path, range) =>
          withCode(
            range === undefined
              ? binding.readFile(path)
              : "suffix" in range
                ? binding.readFile(path, -1, range.suffix)
                : binding.readFile(path, range.offset, range.length),
          ),
        writeFileAtomic: (path, temp, parts) =>
          withCode(binding.writeFileAtomic(path, temp, parts)),
        writeFilesAtomic: (
          paths: readonly string[],
          temps: readonly string[],
          values: readonly Uint8Array[] | StridedRuns,
          offsets?: Float64Array,
        ) => {
          if (!("bytes" in values)) return withCode(binding.writeFilesAtomic(paths, temps, values));
          if (offsets === undefined) throw new TypeError("strided runs need their offsets");
          return withCode(binding.writeFilesAtomic(paths, temps, values, offsets));
        },
      };

/** Why `nativeCodecs` is undefined (the loader's error message), else undefined. */
export const nativeLoadFailure: string | undefined = failure;

/** The addon's memory advice, or undefined where it is not built. */
export const nativeMemory: NativeMemory | undefined = binding;
