import { describe, expect, it } from "vitest";
import { stridedCopy } from "./strided-copy.js";

/** Element (C order index `i` over `shape`) of a strided view, by the definition of strides. */
function at(shape: readonly number[], stride: readonly number[], offset: number, i: number) {
  let flat = offset;
  for (let d = shape.length - 1; d >= 0; d--) {
    flat += (i % shape[d]!) * stride[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return flat;
}

/** A view of `shape` inside a larger buffer: C order, padded, or walked backwards. */
function layout(shape: readonly number[], kind: "c" | "padded" | "reversed") {
  const stride = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = step;
    step *= shape[d]! + (kind === "padded" && d === shape.length - 1 ? 3 : 0);
  }
  if (kind !== "reversed") return { stride, offset: 2, size: step + 4 };
  // Every dimension walked backwards: the view starts at its last element.
  const offset = shape.reduce((o, n, d) => o + (n - 1) * stride[d]!, 1);
  return { stride: stride.map((s) => -s), offset, size: step + 2 };
}

describe("stridedCopy", () => {
  const shapes = [[1], [7], [3, 4], [1, 5], [5, 1], [2, 1, 3], [2, 3, 4], [1, 1], [2, 2, 1, 3]];
  const kinds = ["c", "padded", "reversed"] as const;
  for (const shape of shapes) {
    for (const from of kinds) {
      for (const to of kinds) {
        it(`copies ${JSON.stringify(shape)} from ${from} to ${to} views`, () => {
          const src = layout(shape, from);
          const dst = layout(shape, to);
          const count = shape.reduce((a, b) => a * b, 1);
          const source = Float32Array.from({ length: src.size }, (_, i) => i + 0.5);
          const target = new Float32Array(dst.size).fill(-1);
          stridedCopy(
            { data: target, offset: dst.offset, stride: dst.stride },
            { data: source, offset: src.offset, stride: src.stride },
            shape,
            1,
          );
          const expected = new Float32Array(dst.size).fill(-1);
          for (let i = 0; i < count; i++)
            expected[at(shape, dst.stride, dst.offset, i)] =
              source[at(shape, src.stride, src.offset, i)]!;
          expect(target).toEqual(expected);
        });
      }
    }
  }

  it("keeps NaN payloads and copies multi-lane elements", () => {
    const bits = Uint32Array.of(0x7fc00001, 0x7f800001, 0xffc12345, 0);
    const source = new Float32Array(bits.buffer);
    const target = new Float32Array(4);
    stridedCopy(
      { data: target, offset: 0, stride: [2, 1] },
      { data: source, offset: 0, stride: [2, 1] },
      [2, 2],
      1,
    );
    expect(new Uint32Array(target.buffer)).toEqual(bits);
    const pairs = Float64Array.from({ length: 12 }, (_, i) => i);
    const out = new Float64Array(12);
    // Three complex elements with a step of two, to the start of `out`.
    stridedCopy(
      { data: out, offset: 0, stride: [1] },
      { data: pairs, offset: 0, stride: [2] },
      [3],
      2,
    );
    expect(Array.from(out.subarray(0, 6))).toEqual([0, 1, 4, 5, 8, 9]);
  });
});
