import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ByteRuns,
  type EncodedSource,
  type NativeCodecs,
  nativeCodecs,
  type RunLayout,
} from "./index.js";

// Seeded random calls of every decoder with damaged frames, wrong sizes, odd layouts and
// targets, from memory and from files: each call must settle (resolve, or reject with an
// Error) and never touch memory outside what it was given. In this suite that shows as a
// crash or a wrong byte outside a target; built with AddressSanitizer (see README.md,
// "Checking the addon's memory safety"), as a report. Undamaged calls must also decode the
// selection correctly, checked against the plain bytes.
// Skipped (with the rest of the addon's tests' warning) where the addon is not built.

const native = nativeCodecs as NativeCodecs;
const ITERATIONS = Number(process.env.ZARRKIT_FUZZ_ITERATIONS ?? 3000);

/** A 64x48 float32 chunk: smooth values with a little noise, as arrays hold. */
const ROWS = 64;
const COLS = 48;
const SIZE = ROWS * COLS * 4;
const plain = new Uint8Array(
  Float32Array.from({ length: ROWS * COLS }, (_, i) => Math.sin(i / 50) + (i % 7) / 100).buffer,
);

/** Byte equality, compared as buffers (a deep comparison of 12 KiB per call is slow). */
function expectBytes(actual: Uint8Array, expected: Uint8Array, what: string) {
  if (Buffer.compare(actual, expected) !== 0) expect(actual, what).toEqual(expected);
}

/** A small deterministic generator (a linear congruential one), so failures replay. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]! };
}
type Random = ReturnType<typeof generator>;

type Kind = "zstd" | "blosc" | "gzip" | "zlib" | "stored";

function damaged(random: Random, bytes: Uint8Array): { bytes: Uint8Array; intact: boolean } {
  const copy = bytes.slice();
  switch (random.int(0, 6)) {
    case 0:
    case 1:
      return { bytes: copy, intact: true };
    case 2:
      for (let i = random.int(1, 8); i > 0; i--)
        copy[random.int(0, copy.length - 1)] = random.int(0, 255);
      return { bytes: copy, intact: false };
    case 3:
      return { bytes: copy.subarray(0, random.int(0, copy.length - 1)), intact: false };
    case 4: {
      const longer = new Uint8Array(copy.length + random.int(1, 64)).fill(random.int(0, 255));
      longer.set(copy);
      return { bytes: longer, intact: false };
    }
    case 5:
      // The header, where sizes and offsets are declared.
      for (let i = 0; i < Math.min(20, copy.length); i++)
        if (random.next() < 0.3) copy[i] = random.int(0, 255);
      return { bytes: copy, intact: false };
    default:
      return {
        bytes: Uint8Array.from({ length: random.int(0, 64) }, () => random.int(0, 255)),
        intact: false,
      };
  }
}

/** A region of the chunk as runs (sometimes nonsense: outside it, negative strides, empty). */
function layout(random: Random): { from: RunLayout; sane: boolean } {
  const odd = random.next();
  if (odd < 0.1)
    return {
      from: {
        offset: random.int(-100, SIZE + 100),
        runBytes: random.int(0, 300),
        shape: [random.int(0, 70)],
        strides: [random.int(-400, 400)],
      },
      sane: false,
    };
  if (odd < 0.15)
    return {
      from: {
        offset: random.int(0, 50),
        runBytes: random.int(1, 8),
        shape: [random.int(1, 5), random.int(1, 5)],
        strides: [random.int(-64, 64), random.int(-16, 16)],
      },
      sane: false,
    };
  const r0 = random.int(0, ROWS - 1);
  const r1 = random.int(r0 + 1, ROWS);
  const c0 = random.int(0, COLS - 1);
  const c1 = random.int(c0 + 1, COLS);
  return {
    from: {
      offset: (r0 * COLS + c0) * 4,
      runBytes: (c1 - c0) * 4,
      shape: [r1 - r0],
      strides: [COLS * 4],
    },
    sane: true,
  };
}

/** The bytes a layout selects from `bytes`, in order (what a decoder must write). */
function selected(bytes: Uint8Array, from: RunLayout): Uint8Array {
  const out: number[] = [];
  const [rows = 1] = from.shape;
  const [stride = 0] = from.strides;
  for (let r = 0; r < rows; r++) {
    const at = from.offset + r * stride;
    out.push(...bytes.subarray(at, at + from.runBytes));
  }
  return Uint8Array.from(out);
}

/**
 * Where a decoder writes `length` bytes: one buffer, a list of them, or strided runs, each
 * inside a larger buffer whose other bytes must stay 0xee; sometimes of the wrong length.
 */
function target(random: Random, length: number) {
  const wrong = random.next() < 0.1 ? random.int(-3, 3) : 0;
  const total = Math.max(0, length + wrong);
  const backing = new Uint8Array(total * 2 + 32).fill(0xee);
  const start = random.int(0, 16);
  let runs: ByteRuns;
  let read: () => Uint8Array;
  switch (random.int(0, 2)) {
    case 0:
      runs = backing.subarray(start, start + total);
      read = () => backing.slice(start, start + total);
      break;
    case 1: {
      const parts: Uint8Array[] = [];
      for (let at = start, left = total; left > 0; ) {
        const size = Math.min(left, random.int(1, 500));
        parts.push(backing.subarray(at, at + size));
        at += size + 1;
        left -= size;
      }
      runs = parts;
      read = () => Uint8Array.from(parts.flatMap((p) => [...p]));
      break;
    }
    default: {
      const runBytes = random.int(1, 64);
      const count = Math.ceil(total / runBytes);
      const strided = {
        bytes: backing,
        offset: start,
        runBytes,
        shape: [count],
        strides: [runBytes + 1],
      };
      runs = count * runBytes === total ? strided : backing.subarray(start, start + total);
      read = () =>
        "bytes" in runs
          ? Uint8Array.from(
              Array.from({ length: count }, (_, i) => [
                ...backing.subarray(
                  start + i * (runBytes + 1),
                  start + i * (runBytes + 1) + runBytes,
                ),
              ]).flat(),
            )
          : backing.slice(start, start + total);
    }
  }
  /** The bytes outside the target's pieces: untouched? */
  const untouched = () => {
    const inside = new Uint8Array(backing.length);
    const mark = (offset: number, size: number) => inside.fill(1, offset, offset + size);
    if (runs instanceof Uint8Array) mark(runs.byteOffset - backing.byteOffset, runs.length);
    else if (Array.isArray(runs)) for (const p of runs) mark(p.byteOffset, p.length);
    else if ("bytes" in runs)
      for (let i = 0; i < runs.shape[0]!; i++)
        mark(runs.offset + i * runs.strides[0]!, runs.runBytes);
    return backing.every((b, i) => inside[i] === 1 || b === 0xee);
  };
  return { runs, read, exact: wrong === 0, untouched };
}

describe.skipIf(nativeCodecs === undefined)("@zarrkit/native with malformed input", () => {
  let dir: string;
  let frames: [Kind, Uint8Array][];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "zarrkit-native-malformed-"));
    frames = [
      ["zstd", await native.zstdCompress(plain, 3, 0)],
      ["zstd", await native.zstdCompress(plain, 1, 1)],
      ["blosc", await native.bloscCompress(plain, 5, 1, 4, 0, "lz4")],
      ["blosc", await native.bloscCompress(plain, 5, 2, 4, 256, "blosclz")],
      ["blosc", await native.bloscCompress(plain, 3, 1, 4, 1024, "zstd")],
      ["blosc", await native.bloscCompress(plain, 0, 0, 4, 0, "lz4")],
      ["gzip", await native.deflate(plain, 5, 0)],
      ["zlib", await native.deflate(plain, 5, 1)],
      ["stored", plain.slice()],
    ];
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(`settles ${ITERATIONS} seeded calls of every decoder, writing only into their targets`, async () => {
    const random = generator(Number(process.env.ZARRKIT_FUZZ_SEED ?? 20261203));
    let files = 0;
    const source = async (
      bytes: Uint8Array,
    ): Promise<{ source: EncodedSource; intact: boolean }> => {
      if (random.next() < 0.5) return { source: bytes, intact: true };
      const path = join(dir, `f${files++ % 8}`);
      const pad = random.int(0, 20);
      const file = new Uint8Array(bytes.length + pad + random.int(0, 20));
      file.set(bytes, pad);
      await writeFile(path, file);
      const odd = random.next();
      if (odd < 0.05) return { source: { path: `${path}-missing` }, intact: false };
      if (odd < 0.2)
        return {
          source: {
            path,
            offset: random.int(0, file.length + 5),
            length: random.int(0, file.length + 5),
          },
          intact: false,
        };
      return { source: { path, offset: pad, length: bytes.length }, intact: true };
    };
    let decoded = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const [kind, frame] = random.pick(frames);
      const input = damaged(random, frame);
      const size = random.next() < 0.9 ? SIZE : random.int(0, 2 * SIZE);
      const { from, sane } = layout(random);
      const whole = random.next() < 0.3;
      const count = whole
        ? size
        : Math.max(
            0,
            from.shape.reduce((n, s) => n * s, from.runBytes),
          );
      const into = target(random, count);
      const { source: encoded, intact: sourceIntact } = await source(input.bytes);
      if (random.next() < 0.15) {
        // Several slices of one file in one job: frames (damaged or not) one after another,
        // each selection into its own place in one buffer, some slices or places off.
        const count = random.int(0, 4);
        const pieces = Array.from({ length: count }, () => damaged(random, frame));
        const file = join(dir, `many${files++ % 8}`);
        await writeFile(file, Buffer.concat(pieces.map((p) => p.bytes)));
        const selection = sane ? from : layout(random).from;
        const runBytes = Math.max(1, selection.runBytes);
        const rows = selection.shape.reduce((n, s) => n * s, 1);
        const backing = new Uint8Array(Math.max(count, 1) * rows * runBytes + 16).fill(0xee);
        const to = { bytes: backing, offset: 0, runBytes, shape: [rows], strides: [runBytes] };
        const slices: number[] = [];
        let at = 0;
        // Slices placed elsewhere in the file or the buffer (then they may overlap others).
        let moved = false;
        for (const piece of pieces) {
          const inFile = random.next() < 0.05;
          const inBuffer = random.next() < 0.05;
          moved ||= inFile || inBuffer;
          slices.push(
            0,
            inFile ? random.int(0, 2 * at + 10) : at,
            inFile ? random.int(0, 100) : piece.bytes.length,
            inBuffer ? random.int(0, backing.length) : (slices.length / 4) * rows * runBytes,
          );
          at += piece.bytes.length;
        }
        const codec = kind === "stored" ? "copy" : kind;
        let answer: unknown;
        try {
          answer = await native.decodeFileSelectedMany(
            codec,
            [file],
            size,
            selection,
            to,
            Float64Array.from(slices),
          );
        } catch (err) {
          if (!(err instanceof Error)) throw new Error(`call ${i} threw ${String(err)}`);
          answer = err;
        }
        if (!moved)
          expect(
            backing.subarray(count * rows * runBytes).every((b) => b === 0xee),
            `call ${i} (many) wrote outside its targets`,
          ).toBe(true);
        if (!moved && sane && size === SIZE && pieces.every((p) => p.intact)) {
          if (!Array.isArray(answer)) throw new Error(`call ${i} (many) failed: ${String(answer)}`);
          for (let k = 0; k < count; k++) {
            if (answer[k] === native.NEEDS_FALLBACK) continue;
            const start = slices[4 * k + 3]!;
            expectBytes(
              backing.subarray(start, start + rows * runBytes),
              selected(plain, from),
              `call ${i} (many ${k})`,
            );
          }
        }
        continue;
      }
      if (kind === "blosc" && random.next() < 0.1) {
        // Items of a frame, decoded on the calling thread.
        const start = random.int(-2, 800);
        const items = random.int(-2, 800);
        const out = target(random, Math.max(0, items) * 4);
        const buffer =
          out.runs instanceof Uint8Array ? out.runs : new Uint8Array(Math.max(0, items) * 4);
        let got: number | Error;
        try {
          got = native.bloscGetItem(input.bytes, start, items, buffer);
        } catch (err) {
          if (!(err instanceof Error)) throw new Error(`call ${i} threw ${String(err)}`);
          got = err;
        }
        expect(out.untouched(), `call ${i} (getItem) wrote outside its target`).toBe(true);
        if (input.intact && start >= 0 && items > 0 && start + items <= ROWS * COLS && out.exact) {
          expect(got, `call ${i} (getItem)`).toBe(items * 4);
          expectBytes(
            buffer,
            plain.subarray(start * 4, (start + items) * 4),
            `call ${i} (getItem)`,
          );
        }
        continue;
      }
      const call = (): Promise<number> => {
        const zlib = kind === "zlib" ? 1 : 0;
        switch (kind) {
          case "zstd":
            return whole
              ? native.zstdDecompress(input.bytes, into.runs)
              : native.zstdDecompressSelected(encoded, size, from, into.runs);
          case "blosc":
            return whole
              ? native.bloscDecompress(input.bytes, into.runs)
              : native.bloscDecompressSelected(encoded, size, from, into.runs);
          case "gzip":
          case "zlib":
            return whole
              ? native.inflate(input.bytes, into.runs, zlib)
              : native.inflateSelected(encoded, size, from, into.runs, zlib);
          case "stored": {
            const all = { offset: 0, runBytes: size, shape: [], strides: [] };
            return native.copySelected(encoded, size, whole ? all : from, into.runs);
          }
        }
      };
      let result: number | Error;
      try {
        result = await call();
      } catch (err) {
        if (!(err instanceof Error)) throw new Error(`call ${i} threw ${String(err)}`);
        result = err;
      }
      expect(into.untouched(), `call ${i} (${kind}) wrote outside its target`).toBe(true);
      // Nothing damaged, a sane request: it must decode, and decode right.
      if (input.intact && sourceIntact && into.exact && size === SIZE && (whole || sane)) {
        if (result instanceof Error)
          throw new Error(`call ${i} (${kind}) failed: ${result.message}`);
        expect(result, `call ${i} (${kind})`).toBe(count);
        expectBytes(into.read(), whole ? plain : selected(plain, from), `call ${i} (${kind})`);
        decoded++;
      }
    }
    // The generator must keep exercising the good paths too.
    expect(decoded).toBeGreaterThan(ITERATIONS / 10);
  });
});
