import type { DataType, ElementArray, JsonValue } from "@zarrkit/core";
import { stringifyJson } from "@zarrkit/core";

/** How far a lossy codec may move a value: absolute (fixedscaleoffset) or relative (bitround). */
export interface Tolerance {
  readonly kind: "abs" | "rel";
  readonly value: number;
}

function elementAt(dataType: DataType, data: ElementArray, i: number): Uint8Array {
  if (ArrayBuffer.isView(data)) {
    const size = dataType.itemSize;
    return new Uint8Array(data.buffer, data.byteOffset + i * size, size);
  }
  return dataType.fromScalar(data[i]);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function close(
  dataType: DataType,
  got: Uint8Array,
  want: Uint8Array,
  tolerance: Tolerance,
): boolean {
  const g = Number(dataType.toScalar(got));
  const w = Number(dataType.toScalar(want));
  if (g === w) return true;
  if (Number.isNaN(w)) return Number.isNaN(g);
  const allowed = tolerance.kind === "abs" ? tolerance.value : Math.abs(w) * tolerance.value;
  return Math.abs(g - w) <= allowed * (1 + 1e-9) + Number.EPSILON;
}

function show(dataType: DataType, element: Uint8Array): string {
  let json: JsonValue;
  try {
    json = dataType.encodeFillValue(element);
  } catch {
    json = Array.from(element);
  }
  return stringifyJson(json, 0);
}

function multiIndex(shape: readonly number[], flat: number): number[] {
  const out = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = rest % shape[d]!;
    rest = Math.floor(rest / shape[d]!);
  }
  return out;
}

/**
 * The first element of `got` (C order, `shape`) that differs from `expected`, described for a
 * failure message; undefined when all agree. Lossless comparisons are byte for byte (NaN
 * payloads and -0 included).
 */
export function firstMismatch(
  dataType: DataType,
  shape: readonly number[],
  got: ElementArray,
  expected: readonly Uint8Array[],
  tolerance?: Tolerance,
): string | undefined {
  if (got.length !== expected.length * (ArrayBuffer.isView(got) ? dataType.lanes : 1))
    return `expected ${expected.length} elements, got ${got.length}`;
  for (let i = 0; i < expected.length; i++) {
    const g = elementAt(dataType, got, i);
    const w = expected[i]!;
    const ok =
      tolerance === undefined || tolerance.value === 0
        ? sameBytes(g, w)
        : close(dataType, g, w, tolerance);
    if (!ok)
      return `first wrong element [${multiIndex(shape, i).join(", ")}]: expected ${show(dataType, w)}, got ${show(dataType, g)}`;
  }
  return undefined;
}
