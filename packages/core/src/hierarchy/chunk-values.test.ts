import { describe, expect, it } from "vitest";
import { complex64, int16 } from "../data-types/core-data-types.js";
import { stringDataType } from "../data-types/variable-length-data-types.js";
import { isAllElement } from "./chunk-values.js";

const le16 = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff);

describe("isAllElement", () => {
  // A 6x8 int16 array: 7 everywhere but the top-left 2x2 block, which holds 1, 2, 3, 4.
  const data = new Int16Array(6 * 8).fill(7);
  data.set([1, 2], 0);
  data.set([3, 4], 8);
  const view = (offset: number, shape: number[], stride: number[]) => ({
    data,
    shape,
    stride,
    offset,
    dataType: int16,
  });

  it("looks at the elements a view selects, not at the rest of its array", () => {
    // Rows 2..5, columns 4..7: all 7, though the array is not.
    expect(isAllElement(view(2 * 8 + 4, [4, 4], [8, 1]), le16(7))).toBe(true);
    // Rows 0..1, columns 1..2 hold 2 and 4.
    expect(isAllElement(view(1, [2, 2], [8, 1]), le16(7))).toBe(false);
    // Every other row and column from (1, 1): (1, 1) is 4.
    expect(isAllElement(view(9, [3, 4], [16, 2]), le16(7))).toBe(false);
    // The same from (2, 2): all 7.
    expect(isAllElement(view(18, [2, 3], [16, 2]), le16(7))).toBe(true);
    // Walking backwards from (5, 7) over the bottom-right 3x3.
    expect(isAllElement(view(5 * 8 + 7, [3, 3], [-8, -1]), le16(7))).toBe(true);
    // The whole array, contiguous.
    expect(isAllElement(view(0, [6, 8], [8, 1]), le16(7))).toBe(false);
    // No elements (at the end of the array): vacuously all 7.
    expect(isAllElement(view(6 * 8, [0, 4], [8, 1]), le16(7))).toBe(true);
  });

  it("takes a repeated (stride 0) element as that element", () => {
    expect(isAllElement(view(2, [50, 1000], [0, 0]), le16(7))).toBe(true);
    expect(isAllElement(view(1, [50, 1000], [0, 0]), le16(7))).toBe(false);
    expect(isAllElement(view(8, [1000, 2], [0, 1]), le16(3))).toBe(false);
  });

  it("compares whole elements of several lanes", () => {
    // complex64 (1, 0) four times, then (0, 1): float32 lanes.
    const lanes = new Float32Array([1, 0, 1, 0, 1, 0, 1, 0, 0, 1]);
    const one = new Uint8Array(Float32Array.of(1, 0).buffer);
    const chunk = (offset: number, n: number) => ({
      data: lanes,
      shape: [n],
      stride: [1],
      offset,
      dataType: complex64,
    });
    expect(isAllElement(chunk(0, 4), one)).toBe(true);
    expect(isAllElement(chunk(0, 5), one)).toBe(false);
  });

  it("variable-length elements: those of the view only", () => {
    const strings = ["a", "b", "x", "x", "c", "x"];
    const x = new TextEncoder().encode("x");
    const chunk = (offset: number, shape: number[], stride: number[]) => ({
      data: strings,
      shape,
      stride,
      offset,
      dataType: stringDataType,
    });
    expect(isAllElement(chunk(2, [2], [1]), x)).toBe(true);
    expect(isAllElement(chunk(3, [2], [2]), x)).toBe(true);
    expect(isAllElement(chunk(0, [2, 3], [3, 1]), x)).toBe(false);
  });
});
