import type { StridedRuns } from "@zarrkit/core";
import type { Runs } from "../byte-runs.js";
import type {
  FileSelectedDecode,
  FileSelectedManyDecode,
  SelectedDecode,
} from "../native-file-source.js";
import { type CBloscCompressOptions, loadCBlosc } from "./cblosc.js";

/**
 * Where c-blosc runs: natively on libuv's thread pool (@zarrkit/native) in Node when it is
 * installed, else the WebAssembly build of cblosc.ts on the calling thread. Failures throw
 * Error; the codec turns them into CorruptChunkError. Frames handed in have been checked
 * against the stored size (`cbytes`) and the chunk's size already.
 */
export interface BloscBackend {
  readonly name: string;
  /** Starts whatever loading the backend needs, so that it overlaps the first chunk's read. */
  prepare(): void;
  compress(bytes: Uint8Array, options: CBloscCompressOptions): Promise<Uint8Array>;
  /** A frame that declares exactly `target.length` bytes, into `target`. */
  decompressInto(frame: Uint8Array, target: Uint8Array): Promise<void>;
  /** decompressInto across `runs` (their total is the frame's size), off the calling thread. */
  decompressIntoRuns?(frame: Uint8Array, runs: Runs): Promise<void>;
  /**
   * What `from` selects of a frame's content (`size` bytes, which it declares) into `to`,
   * decoding only the blocks that hold it, off the calling thread.
   */
  decompressSelected?: SelectedDecode;
  /**
   * decompressSelected of a frame the same job reads from a file ("unsupported" for a snappy
   * frame, which the caller decodes another way).
   */
  decompressFileSelected?: FileSelectedDecode;
  /** decompressFileSelected of several frames (of one file or several) in one job. */
  decompressFileSelectedMany?: FileSelectedManyDecode;
  /** compress of the concatenation of `runs`, gathered off the calling thread. */
  compressRuns?(runs: Runs, options: CBloscCompressOptions): Promise<Uint8Array>;
  /** compressRuns of many chunks laid out alike in one job (see encodeStridedMany). */
  compressMany?(
    runs: StridedRuns,
    offsets: Float64Array,
    options: CBloscCompressOptions,
  ): Promise<readonly [encoded: Uint8Array, sizes: readonly number[]]>;
  /** Bytes `offset` to `offset + length` of the content (c-blosc's getitem for whole items). */
  decompressRange(frame: Uint8Array, offset: number, length: number): Promise<Uint8Array>;
}

/** c-blosc in WebAssembly (cblosc.ts), instantiated on first use. */
export const wasmBlosc: BloscBackend = {
  name: "c-blosc (WebAssembly)",
  prepare() {
    // A failed load is reported by the first call that needs the module.
    loadCBlosc().catch(() => undefined);
  },
  compress: async (bytes, options) => (await loadCBlosc()).compress(bytes, options),
  decompressInto: async (frame, target) => (await loadCBlosc()).decompressInto(frame, target),
  decompressRange: async (frame, offset, length) =>
    (await loadCBlosc()).decompressRange(frame, offset, length),
};
