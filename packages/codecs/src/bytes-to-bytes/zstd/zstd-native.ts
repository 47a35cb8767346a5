import { createRequire } from "node:module";
import { wasmZstd, type ZstdBackend } from "./zstd-backend.js";

/** The part of zstd-napi's low-level binding used here. */
interface Binding {
  CCtx: new () => {
    setParameter(param: number, value: number): void;
    compress2(dst: Uint8Array, src: Uint8Array): number;
  };
  DCtx: new () => { decompress(dst: Uint8Array, src: Uint8Array): number };
  CParameter: { compressionLevel: number; checksumFlag: number };
  compressBound(size: number): number;
}

/** Largest frame decoded straight into a buffer of its declared size. */
const MAX_DIRECT = 1 << 30;

function loadBinding(): Binding | undefined {
  try {
    return createRequire(import.meta.url)("zstd-napi/binding") as Binding;
  } catch {
    return undefined;
  }
}

/**
 * libzstd as a native addon (zstd-napi, an optional dependency built on install), about four
 * times numcodecs' WebAssembly speed. Frames decode straight into a buffer of the size their
 * header declares (the caller has checked it against the chunk); frames that do not declare it
 * go to the WebAssembly backend. undefined when the addon is not installed.
 */
export function nativeZstd(): ZstdBackend | undefined {
  const binding = loadBinding();
  if (binding === undefined) return undefined;
  const cctx = new binding.CCtx();
  const dctx = new binding.DCtx();
  const decodeInto = async (bytes: Uint8Array, target: Uint8Array): Promise<void> => {
    const written = dctx.decompress(target, bytes);
    if (written !== target.length)
      throw new RangeError(`the frame declares ${target.length} bytes and holds ${written}`);
  };
  return {
    name: "libzstd (zstd-napi)",
    async encode(bytes, level, checksum) {
      cctx.setParameter(binding.CParameter.compressionLevel, level);
      cctx.setParameter(binding.CParameter.checksumFlag, checksum ? 1 : 0);
      const out = new Uint8Array(binding.compressBound(bytes.length));
      return out.subarray(0, cctx.compress2(out, bytes));
    },
    async decode(bytes, declared) {
      // Unknown (streamed) or implausibly large sizes go the bounded WebAssembly way.
      if (declared === undefined || declared > MAX_DIRECT) return wasmZstd.decode(bytes, declared);
      const out = new Uint8Array(declared);
      await decodeInto(bytes, out);
      return out;
    },
    decodeInto,
  };
}
