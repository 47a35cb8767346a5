import {
  type DataType,
  type ElementArray,
  isStructDataType,
  type SmallFloatFormat,
  smallFloatFormat,
} from "@zarrkit/core";

/**
 * The "standard-1" formula (scripts/FORMULA.md), the same one the vector generator computes in
 * Python: the scalar at flat C-order index `i` of the full array.
 */
export function formulaScalar(dataType: DataType, i: number, finite: boolean): unknown {
  const name = dataType.name;
  if (name === "bool") return i % 3 === 0;
  const int = /^(u?)int(2|4|8|16|32|64)$/.exec(name);
  if (int !== null) {
    const bits = BigInt(int[2]!);
    let v = (BigInt(i) * 2654435761n + 12345n) % (1n << bits);
    if (int[1] === "" && v >= 1n << (bits - 1n)) v -= 1n << bits;
    return bits === 64n ? v : Number(v);
  }
  const small = smallFloatFormat(name);
  if (small !== undefined) return smallFloatFormula(small, i, finite);
  // complex_<format>: the format's formula at i (real) and at i + 5 (imaginary).
  const parts = name.startsWith("complex_") ? smallFloatFormat(name.slice(8)) : undefined;
  if (parts !== undefined)
    return [smallFloatFormula(parts, i, finite), smallFloatFormula(parts, i + 5, finite)];
  if (name.startsWith("float")) {
    if (!finite) {
      if (i % 11 === 3) return Number.NaN;
      if (i % 11 === 5) return -0;
      if (i % 11 === 7) return Number.POSITIVE_INFINITY;
    }
    return i * 0.25 - 7;
  }
  if (name.startsWith("complex")) return [i * 0.5, (i - 10) / 4];
  if (dataType.kind === "raw")
    return Uint8Array.from({ length: dataType.itemSize }, (_, k) => (i * 7 + k) & 255);
  if (dataType.kind === "string") return i % 5 === 0 ? "" : `${i}:ünï${"🧊".repeat(i % 3)}`;
  if (dataType.kind === "bytes")
    return Uint8Array.from({ length: i % 4 }, (_, k) => (i * 7 + k) % 256);
  if (dataType.kind === "fixed_string")
    return Array.from(i % 5 === 0 ? "" : `${i}:ü🧊`)
      .slice(0, dataType.lanes)
      .join("");
  if (dataType.kind === "fixed_bytes")
    return Uint8Array.from({ length: i % (dataType.itemSize + 1) }, (_, k) => (i * 7 + k) % 256);
  if (dataType.kind === "datetime" || dataType.kind === "timedelta")
    return !finite && i % 11 === 3 ? "NaT" : BigInt(i) * 86_400_000_123n - 10n ** 12n;
  if (isStructDataType(dataType))
    return Object.fromEntries(
      dataType.fields.map((f) => [f.name, formulaScalar(f.dataType, i, finite)]),
    );
  // A third party's data type: its zero element, which every type can represent.
  return dataType.toScalar(new Uint8Array(dataType.itemSize));
}

/** bfloat16 and the 8-, 6- and 4-bit floats: the float formula where the format can hold it. */
function smallFloatFormula(small: SmallFloatFormat, i: number, finite: boolean): number {
  if (small.specials === "e8m0") return !finite && i % 11 === 3 ? Number.NaN : 2 ** ((i % 16) - 8);
  if (!finite) {
    if (i % 11 === 3 && small.hasNaN) return Number.NaN;
    if (i % 11 === 5 && small.specials !== "fnuz") return -0;
    if (i % 11 === 7 && small.hasInfinity) return Number.POSITIVE_INFINITY;
  }
  return i * 0.25 - 7;
}

/** Element bytes of the formula's value at flat index `i`. */
export function formulaElement(dataType: DataType, i: number, finite: boolean): Uint8Array {
  return dataType.fromScalar(formulaScalar(dataType, i, finite));
}

/** A box per dimension, [start, stop). */
export type Box = readonly (readonly [number, number])[];

export function boxShape(box: Box): number[] {
  return box.map(([a, b]) => b - a);
}

/** Flat C-order indices (over `shape`) of the elements of `box`, in the box's C order. */
export function boxIndices(shape: readonly number[], box: Box): number[] {
  const sub = boxShape(box);
  const count = sub.reduce((a, b) => a * b, 1);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const out = new Array<number>(count);
  for (let k = 0; k < count; k++) {
    let rest = k;
    let i = 0;
    for (let d = sub.length - 1; d >= 0; d--) {
      i += (box[d]![0] + (rest % sub[d]!)) * strides[d]!;
      rest = Math.floor(rest / sub[d]!);
    }
    out[k] = i;
  }
  return out;
}

/** Element data (C order) holding the formula at `indices`. */
export function formulaData(
  dataType: DataType,
  indices: readonly number[],
  finite: boolean,
): ElementArray {
  const data = dataType.allocate(indices.length);
  if (!ArrayBuffer.isView(data)) {
    const values = indices.map((i) => formulaScalar(dataType, i, finite));
    return dataType.kind === "string"
      ? values.filter((v): v is string => typeof v === "string")
      : values.filter((v): v is Uint8Array => v instanceof Uint8Array);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  indices.forEach((i, k) => {
    bytes.set(formulaElement(dataType, i, finite), k * dataType.itemSize);
  });
  return data;
}

/**
 * The whole array's expected element bytes: the formula inside `written`, the fill value
 * elsewhere.
 */
export function expectedElements(
  dataType: DataType,
  shape: readonly number[],
  written: Box | null,
  fill: Uint8Array,
  finite: boolean,
): Uint8Array[] {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Array<Uint8Array>(count).fill(fill);
  if (written !== null)
    for (const i of boxIndices(shape, written)) out[i] = formulaElement(dataType, i, finite);
  return out;
}
