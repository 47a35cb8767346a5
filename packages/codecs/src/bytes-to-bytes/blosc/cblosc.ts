/**
 * c-blosc 1.21.3 with LZ4, zlib and zstd, built into WebAssembly (with SIMD) by
 * vendor/build-blosc-wasm.sh from the sources in vendor/. The module is instantiated once, on
 * first use; then compress/decompress are synchronous calls that copy the input into WebAssembly
 * memory, run c-blosc there (one thread, `*_ctx` functions) and copy the result out.
 * Scratch space in WebAssembly memory is kept between calls and grows with the largest buffer
 * seen (WebAssembly memory never shrinks). Failures throw Error; callers decide what they mean.
 */

/** The compressors this build has (c-blosc's snappy is left out). */
export type CBloscCompressor = "blosclz" | "lz4" | "lz4hc" | "zlib" | "zstd";

export interface CBloscCompressOptions {
  /** 0 (no compression) .. 9. */
  clevel: number;
  /** 0 none, 1 byte shuffle, 2 bit shuffle. */
  shuffle: 0 | 1 | 2;
  /** Element size in bytes, 1..255 (what the shuffles work on). */
  typesize: number;
  cname: CBloscCompressor;
  /** Bytes per block; 0 lets c-blosc choose. */
  blocksize: number;
}

export interface CBlosc {
  /** One blosc1 frame holding `src`. */
  compress(src: Uint8Array, options: CBloscCompressOptions): Uint8Array;
  /**
   * The bytes of one whole frame (`src` is exactly the frame). Throws before allocating when
   * the frame declares more than `maxSize` bytes.
   */
  decompress(src: Uint8Array, maxSize?: number): Uint8Array;
  /** Decompresses a frame that declares exactly `target.length` bytes into `target`. */
  decompressInto(src: Uint8Array, target: Uint8Array): void;
  /**
   * Bytes `offset` to `offset + length` of the frame's content, decompressing only the blocks
   * that hold them (c-blosc's getitem) when the range is whole items of the frame's typesize.
   */
  decompressRange(src: Uint8Array, offset: number, length: number): Uint8Array;
}

/** The blosc1 frame header: 16 bytes. */
const BLOSC_HEADER_SIZE = 16;
/** c-blosc's BLOSC_MAX_BUFFERSIZE: the largest buffer one frame holds. */
const MAX_BUFFER_SIZE = 0x7fffffff - BLOSC_HEADER_SIZE;
const COMPRESSORS: readonly CBloscCompressor[] = ["blosclz", "lz4", "lz4hc", "zlib", "zstd"];

export interface BloscHeader {
  /** Format version (byte 0): 2 for every c-blosc 1.x frame. */
  version: number;
  /** Flags (byte 2): 0x01 byte shuffle, 0x02 stored as is, 0x04 bit shuffle, bits 5-7 codec. */
  flags: number;
  typesize: number;
  /** Decoded size (signed 32-bit, as c-blosc reads it). */
  nbytes: number;
  blocksize: number;
  /** The frame's own size, header included. */
  cbytes: number;
}

const int32At = (bytes: Uint8Array, at: number): number =>
  bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);

/** The header of a blosc1 frame; undefined when `frame` is shorter than a header. */
export function readBloscHeader(frame: Uint8Array): BloscHeader | undefined {
  if (frame.length < BLOSC_HEADER_SIZE) return undefined;
  return {
    version: frame[0]!,
    flags: frame[2]!,
    typesize: frame[3]!,
    nbytes: int32At(frame, 4),
    blocksize: int32At(frame, 8),
    cbytes: int32At(frame, 12),
  };
}

/** The decoded size of a frame that is plausibly whole (c-blosc trusts the header's cbytes). */
export function frameContentSize(src: Uint8Array): number {
  const header = readBloscHeader(src);
  if (header === undefined) throw new Error(`${src.length} bytes cannot hold a blosc header`);
  if (header.cbytes !== src.length)
    throw new Error(`the frame says it has ${header.cbytes} bytes, ${src.length} are given`);
  if (header.nbytes < 0) throw new Error(`the frame declares ${header.nbytes} bytes`);
  return header.nbytes;
}

// The slice of the WebAssembly JS API used here (TypeScript declares it only in the DOM lib).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type WasmModule = object;
type WasmImports = Record<string, Record<string, (...args: number[]) => number | undefined>>;
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(
    module: WasmModule,
    imports: WasmImports,
  ): Promise<{ exports: Record<string, unknown> }>;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};

type WasmFunction = (...args: number[]) => number;
/** The module's functions that are called. */
interface Functions {
  malloc: WasmFunction;
  free: WasmFunction;
  compress: WasmFunction;
  decompress: WasmFunction;
  getitem: WasmFunction;
}

let compiled: Promise<WasmModule> | undefined;
let loaded: Promise<CBlosc> | undefined;

/** The c-blosc module, instantiated on first use (the promise is shared). */
export function loadCBlosc(): Promise<CBlosc> {
  loaded ??= instantiate();
  return loaded;
}

/** Base64 (standard alphabet, padded) to bytes: a table walk, several times atob's speed. */
export function decodeBase64(text: string): Uint8Array {
  const table = new Uint8Array(128);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (table[text.charCodeAt(i)]! << 18) |
      (table[text.charCodeAt(i + 1)]! << 12) |
      (table[text.charCodeAt(i + 2)]! << 6) |
      table[text.charCodeAt(i + 3)]!;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

async function instantiate(): Promise<CBlosc> {
  // The module's 743 KB of base64 is imported here, on first use, not with the package: where
  // the native addon does the work it is never read (scanning it cost every import ~2 ms, and
  // its string a garbage collection sooner).
  compiled ??= import("./cblosc-wasm.generated.js").then(({ CBLOSC_WASM_BASE64 }) =>
    WebAssembly.compile(decodeBase64(CBLOSC_WASM_BASE64)),
  );
  let memory: WasmMemory | undefined;
  /** What c-blosc last wrote to stderr (its error messages), for the next error thrown. */
  let stderr = "";
  const decoder = new TextDecoder();
  const view = () => new DataView(memory!.buffer);
  // The imports of a standalone emscripten module that never opens files: stdio (stderr is
  // kept for error messages), an empty environment, and a memory growth notice.
  const wasi = {
    fd_write(fd: number, iovs: number, count: number, written: number): number {
      const v = view();
      let total = 0;
      for (let i = 0; i < count; i++) {
        const at = v.getUint32(iovs + 8 * i, true);
        const length = v.getUint32(iovs + 8 * i + 4, true);
        if (fd === 2)
          stderr = (stderr + decoder.decode(new Uint8Array(memory!.buffer, at, length))).slice(
            -500,
          );
        total += length;
      }
      v.setUint32(written, total, true);
      return 0;
    },
    fd_seek: () => 70, // ESPIPE
    fd_close: () => 0,
    environ_sizes_get(count: number, size: number): number {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return 0;
    },
    environ_get: () => 0,
  };
  const env = { emscripten_notify_memory_growth: () => undefined };
  const { exports } = await WebAssembly.instantiate(await compiled, {
    wasi_snapshot_preview1: wasi,
    env,
  });
  const fn = (name: string): WasmFunction => {
    const f = exports[name];
    if (typeof f !== "function") throw new Error(`c-blosc WebAssembly module: no ${name}`);
    return f as WasmFunction;
  };
  const exportedMemory = exports.memory;
  if (!(exportedMemory instanceof WebAssembly.Memory))
    throw new Error("c-blosc WebAssembly module: no memory");
  memory = exportedMemory;
  // A reactor module: _initialize runs its static constructors once.
  if (typeof exports._initialize === "function") fn("_initialize")();
  return new CBloscInstance(
    memory,
    {
      malloc: fn("malloc"),
      free: fn("free"),
      compress: fn("blosc_compress_ctx"),
      decompress: fn("blosc_decompress_ctx"),
      getitem: fn("blosc_getitem"),
    },
    () => {
      const message = stderr.trim();
      stderr = "";
      return message;
    },
  );
}

/** A region of WebAssembly memory kept between calls. */
interface Scratch {
  pointer: number;
  capacity: number;
}

class CBloscInstance implements CBlosc {
  readonly #memory: WasmMemory;
  readonly #f: Functions;
  readonly #stderr: () => string;
  readonly #input: Scratch = { pointer: 0, capacity: 0 };
  readonly #output: Scratch = { pointer: 0, capacity: 0 };
  #cname = 0;
  /** Set when a call trapped: the module's state (stack, heap) can no longer be trusted. */
  #broken = false;

  constructor(memory: WasmMemory, f: Functions, stderr: () => string) {
    this.#memory = memory;
    this.#f = f;
    this.#stderr = stderr;
  }

  compress(src: Uint8Array, options: CBloscCompressOptions): Uint8Array {
    const { clevel, shuffle, typesize, cname, blocksize } = options;
    const index = COMPRESSORS.indexOf(cname);
    if (index < 0) throw new Error(`c-blosc: no compressor ${String(cname)} in this build`);
    if (!Number.isInteger(clevel) || clevel < 0 || clevel > 9)
      throw new Error(`c-blosc: clevel must be 0..9, got ${clevel}`);
    if (shuffle !== 0 && shuffle !== 1 && shuffle !== 2)
      throw new Error(`c-blosc: shuffle must be 0, 1 or 2, got ${String(shuffle)}`);
    if (!Number.isInteger(typesize) || typesize < 1 || typesize > 255)
      throw new Error(`c-blosc: typesize must be 1..255, got ${typesize}`);
    if (!Number.isInteger(blocksize) || blocksize < 0 || blocksize > MAX_BUFFER_SIZE)
      throw new Error(`c-blosc: blocksize must be a non-negative integer, got ${blocksize}`);
    if (src.length > MAX_BUFFER_SIZE)
      throw new Error(`c-blosc: ${src.length} bytes is more than one frame holds`);
    return this.#run(() => {
      const input = this.#reserve(this.#input, src.length);
      const output = this.#reserve(this.#output, src.length + BLOSC_HEADER_SIZE);
      const name = this.#cnamePointer();
      const bytes = new Uint8Array(this.#memory.buffer);
      bytes.set(src, input);
      bytes.set(NAMES[index]!, name);
      const size = this.#f.compress(
        clevel,
        shuffle,
        typesize,
        src.length,
        input,
        output,
        src.length + BLOSC_HEADER_SIZE,
        name,
        blocksize,
        1,
      );
      if (size <= 0) throw this.#error(`compression failed (${size})`);
      // The memory may have grown (a new buffer): view it afresh.
      return new Uint8Array(this.#memory.buffer, output, size).slice();
    });
  }

  decompress(src: Uint8Array, maxSize = MAX_BUFFER_SIZE): Uint8Array {
    const nbytes = frameContentSize(src);
    if (nbytes > maxSize)
      throw new Error(`the frame declares ${nbytes} bytes, at most ${maxSize} are expected`);
    if (nbytes === 0) return new Uint8Array(0);
    const output = this.#decompress(src, nbytes);
    return new Uint8Array(this.#memory.buffer, output, nbytes).slice();
  }

  decompressRange(src: Uint8Array, offset: number, length: number): Uint8Array {
    const nbytes = frameContentSize(src);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
      throw new Error(`bytes ${offset}+${length} is not a range`);
    if (offset + length > nbytes)
      throw new Error(`bytes ${offset}..${offset + length} lie past the frame's ${nbytes}`);
    if (length === 0) return new Uint8Array(0);
    const typesize = src[3]! || 1;
    if (offset % typesize !== 0 || length % typesize !== 0) {
      // Not whole items: getitem cannot say it; decode everything and cut.
      const output = this.#decompress(src, nbytes);
      return new Uint8Array(this.#memory.buffer, output + offset, length).slice();
    }
    const output = this.#run(() => {
      const input = this.#reserve(this.#input, src.length);
      const out = this.#reserve(this.#output, length);
      new Uint8Array(this.#memory.buffer).set(src, input);
      const size = this.#f.getitem(input, offset / typesize, length / typesize, out);
      if (size < 0) throw this.#error(`corrupt frame (c-blosc getitem error ${size})`);
      if (size !== length) throw this.#error(`getitem gave ${size} bytes for a range of ${length}`);
      return out;
    });
    return new Uint8Array(this.#memory.buffer, output, length).slice();
  }

  decompressInto(src: Uint8Array, target: Uint8Array): void {
    const nbytes = frameContentSize(src);
    if (nbytes !== target.length)
      throw new Error(`the frame declares ${nbytes} bytes, the target holds ${target.length}`);
    if (nbytes === 0) return;
    const output = this.#decompress(src, nbytes);
    target.set(new Uint8Array(this.#memory.buffer, output, nbytes));
  }

  /** Decompresses `src` into the output scratch, returning where the bytes are. */
  #decompress(src: Uint8Array, nbytes: number): number {
    return this.#run(() => {
      const input = this.#reserve(this.#input, src.length);
      const output = this.#reserve(this.#output, nbytes);
      new Uint8Array(this.#memory.buffer).set(src, input);
      const size = this.#f.decompress(input, output, nbytes, 1);
      if (size < 0) throw this.#error(`corrupt frame (c-blosc error ${size})`);
      if (size !== nbytes)
        throw this.#error(`the frame declares ${nbytes} bytes but decompressed to ${size}`);
      return output;
    });
  }

  /** Runs one call into the module; after a trap the next load starts a fresh instance. */
  #run<T>(call: () => T): T {
    if (this.#broken) throw new Error("c-blosc: this instance trapped earlier");
    try {
      return call();
    } catch (err) {
      if (!(err instanceof CBloscCallError)) {
        this.#broken = true;
        if (loaded !== undefined) loaded = undefined;
      }
      throw err;
    }
  }

  #error(what: string): CBloscCallError {
    const said = this.#stderr();
    return new CBloscCallError(`c-blosc: ${what}${said ? `: ${said}` : ""}`);
  }

  /** `scratch` holding at least `size` bytes (re-allocated larger when needed). */
  #reserve(scratch: Scratch, size: number): number {
    if (size > scratch.capacity || scratch.pointer === 0) {
      // Round up to 64 KiB (and 1.25x), so that slowly growing sizes do not re-allocate each call.
      const capacity = Math.min(
        0xffff0000,
        Math.ceil(Math.max(size, scratch.capacity * 1.25, 1) / 65536) * 65536,
      );
      if (scratch.pointer !== 0) this.#f.free(scratch.pointer);
      scratch.pointer = 0;
      scratch.capacity = 0;
      const pointer = this.#f.malloc(capacity) >>> 0;
      if (pointer === 0) throw new CBloscCallError(`c-blosc: out of memory for ${size} bytes`);
      scratch.pointer = pointer;
      scratch.capacity = capacity;
    }
    return scratch.pointer;
  }

  #cnamePointer(): number {
    if (this.#cname === 0) {
      this.#cname = this.#f.malloc(16) >>> 0;
      if (this.#cname === 0) throw new CBloscCallError("c-blosc: out of memory");
    }
    return this.#cname;
  }
}

/** NUL-terminated compressor names, as c-blosc takes them. */
const NAMES = COMPRESSORS.map((name) => Uint8Array.from(`${name}\0`, (c) => c.charCodeAt(0)));

/** A failure c-blosc reported (the module is fine); other throws are traps. */
class CBloscCallError extends Error {}
