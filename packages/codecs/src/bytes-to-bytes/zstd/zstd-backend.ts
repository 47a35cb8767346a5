import type { StridedRuns } from "@zarrkit/core";
import type { Runs } from "../byte-runs.js";
import type {
  FileSelectedDecode,
  FileSelectedManyDecode,
  SelectedDecode,
} from "../native-file-source.js";

type NumcodecsZstd = typeof import("numcodecs/zstd")["default"];
type XxHash = Awaited<ReturnType<typeof import("xxhash-wasm")["default"]>>;

/**
 * Where libzstd comes from: a native addon in Node when it is installed (@zarrkit/native), else
 * numcodecs' WebAssembly build. Errors propagate; the codec turns them into CorruptChunkError.
 */
export interface ZstdBackend {
  readonly name: string;
  /** One frame of `bytes` at `level`, with a content checksum when asked. */
  encode(bytes: Uint8Array, level: number, checksum: boolean): Promise<Uint8Array>;
  /**
   * The frame's content. `declared` is the size the frame header gives (checked against the
   * chunk's size by the caller), undefined when the header does not say.
   */
  decode(bytes: Uint8Array, declared: number | undefined): Promise<Uint8Array>;
  /** A frame that declares exactly `target.length` bytes, decoded into `target`. */
  decodeInto?(bytes: Uint8Array, target: Uint8Array): Promise<void>;
  /** decodeInto across `runs` (their total is the frame's size), off the calling thread. */
  decodeIntoRuns?(bytes: Uint8Array, runs: Runs): Promise<void>;
  /**
   * What `from` selects of a frame's content (`size` bytes, which the frame declares) into
   * `to`, decoding no further than the selection needs, off the calling thread.
   */
  decodeSelected?: SelectedDecode;
  /** decodeSelected of a frame the same job reads from a file (errors left to the caller). */
  decodeFileSelected?: FileSelectedDecode;
  /** decodeFileSelected of several frames (of one file or several) in one job. */
  decodeFileSelectedMany?: FileSelectedManyDecode;
  /** encode of the concatenation of `runs`, gathered off the calling thread. */
  encodeRuns?(runs: Runs, level: number, checksum: boolean): Promise<Uint8Array>;
  /** encodeRuns of many chunks laid out alike in one job (see encodeStridedMany). */
  encodeMany?(
    runs: StridedRuns,
    offsets: Float64Array,
    level: number,
    checksum: boolean,
  ): Promise<readonly [encoded: Uint8Array, sizes: readonly number[]]>;
}

/** Loaded on first use (WebAssembly modules cost start-up time, also in every worker). */
let hasher: Promise<XxHash> | undefined;
let numcodecsZstd: Promise<NumcodecsZstd> | undefined;

/**
 * Appends the frame checksum (the low 32 bits of XXH64 of the content, seed 0) to a frame
 * written without one, and sets its Content_Checksum_flag (frame header descriptor bit 2).
 */
async function withChecksum(frame: Uint8Array, content: Uint8Array): Promise<Uint8Array> {
  hasher ??= import("xxhash-wasm").then((m) => m.default());
  const digest = (await hasher).h64Raw(content, 0n);
  const out = new Uint8Array(frame.length + 4);
  out.set(frame);
  out[4]! |= 0x04;
  new DataView(out.buffer).setUint32(frame.length, Number(digest & 0xffffffffn), true);
  return out;
}

const wasmCodecs = new Map<number, ReturnType<NumcodecsZstd["fromConfig"]>>();
const wasmCodec = async (level: number) => {
  numcodecsZstd ??= import("numcodecs/zstd").then((m) => m.default);
  const Zstd = await numcodecsZstd;
  let codec = wasmCodecs.get(level);
  if (codec === undefined) {
    codec = Zstd.fromConfig({ level });
    wasmCodecs.set(level, codec);
  }
  return codec;
};

/** numcodecs' WebAssembly libzstd (it writes no checksum: we add it, as libzstd would). */
export const wasmZstd: ZstdBackend = {
  name: "numcodecs WASM",
  async encode(bytes, level, checksum) {
    const frame = await (await wasmCodec(level)).encode(bytes);
    return checksum ? withChecksum(frame, bytes) : frame;
  },
  decode: async (bytes) => (await wasmCodec(0)).decode(bytes),
};
