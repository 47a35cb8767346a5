import { describe, expect, it } from "vitest";
import { regularChunkGrid } from "../chunk-grids/regular-chunk-grid.js";
import { projectDimension } from "./chunk-projection.js";
import { normalizeSelection, parseSelection } from "./selection.js";

/** The array indices a projection list selects, in output order (for checking against a formula). */
function selected(length: number, chunk: number, sel: string): number[] {
  const [ix] = normalizeSelection(sel, [length]);
  const dim = regularChunkGrid([length], [chunk]).dimensions[0]!;
  const out: number[] = [];
  for (const p of projectDimension(ix!, dim)) {
    expect(p.outStart).toBe(out.length);
    for (let k = 0; k < p.count; k++) {
      const inChunk = p.chunkStart + k * p.step;
      expect(inChunk).toBeGreaterThanOrEqual(0);
      expect(inChunk).toBeLessThan(chunk);
      out.push(p.chunk * chunk + inChunk);
    }
  }
  return out;
}

/** Python's range(*slice(start, stop, step).indices(n)), written from the language reference. */
function pythonSlice(n: number, start: number | null, stop: number | null, step: number): number[] {
  const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const s =
    start === null ? (step > 0 ? 0 : n - 1) : norm(start, step > 0 ? 0 : -1, step > 0 ? n : n - 1);
  const e =
    stop === null ? (step > 0 ? n : -1) : norm(stop, step > 0 ? 0 : -1, step > 0 ? n : n - 1);
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

describe("projecting a slice onto chunks", () => {
  it("selects exactly Python's slice indices, for many slices and chunk sizes", () => {
    const values = [null, -15, -11, -10, -3, -1, 0, 1, 2, 5, 9, 10, 11, 15];
    for (const n of [0, 1, 7, 10]) {
      for (const chunk of [1, 3, 4, 20]) {
        for (const start of values) {
          for (const stop of values) {
            for (const step of [1, 2, 3, -1, -2, -4]) {
              const sel = `${start ?? ""}:${stop ?? ""}:${step}`;
              expect(selected(n, chunk, sel), `n=${n} chunk=${chunk} ${sel}`).toEqual(
                pythonSlice(n, start, stop, step),
              );
            }
          }
        }
      }
    }
  });

  it("parses NumPy index text", () => {
    expect(parseSelection("3, -1, 2:10, ::2, 10:2:-3, ...")).toEqual([
      3,
      -1,
      { kind: "slice", start: 2, stop: 10, step: null },
      { kind: "slice", start: null, stop: null, step: 2 },
      { kind: "slice", start: 10, stop: 2, step: -3 },
      "...",
    ]);
  });
});

describe("a chunk grid that contradicts itself", () => {
  it("is an error, not a loop without end", () => {
    // chunkIndexOf says chunk 1 for every index, but chunk 1 spans [4, 8).
    const broken = {
      chunkCount: 2,
      chunkStart: (i: number) => i * 4,
      chunkSize: () => 4,
      chunkIndexOf: () => 1,
      chunkSizes: () => [4],
    };
    const [ix] = normalizeSelection("0:8", [8]);
    expect(() => projectDimension(ix!, broken)).toThrow(
      /the chunk grid puts index 0 in chunk 1, which spans \[4, 8\)/,
    );
  });
});
