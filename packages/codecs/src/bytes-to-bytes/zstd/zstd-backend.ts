import Zstd from "numcodecs/zstd";
import xxhash from "xxhash-wasm";

/**
 * Where libzstd comes from: a native addon in Node when it is installed (zstd-napi), else
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
}

let hasher: ReturnType<typeof xxhash> | undefined;

/**
 * Appends the frame checksum (the low 32 bits of XXH64 of the content, seed 0) to a frame
 * written without one, and sets its Content_Checksum_flag (frame header descriptor bit 2).
 */
async function withChecksum(frame: Uint8Array, content: Uint8Array): Promise<Uint8Array> {
  hasher ??= xxhash();
  const digest = (await hasher).h64Raw(content, 0n);
  const out = new Uint8Array(frame.length + 4);
  out.set(frame);
  out[4]! |= 0x04;
  new DataView(out.buffer).setUint32(frame.length, Number(digest & 0xffffffffn), true);
  return out;
}

const wasmCodecs = new Map<number, ReturnType<typeof Zstd.fromConfig>>();
const wasmCodec = (level: number) => {
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
    const frame = await wasmCodec(level).encode(bytes);
    return checksum ? withChecksum(frame, bytes) : frame;
  },
  decode: (bytes) => wasmCodec(0).decode(bytes),
};
