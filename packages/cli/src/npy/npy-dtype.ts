import {
  type DataType,
  numpyDtypeJson,
  parseV2Dtype,
  type V2Dtype,
  type V2Field,
  ZarrkitError,
} from "@zarrkit/core";
import { type PyValue, pythonString } from "./python-literal.js";

/** A .npy file that zarrkit cannot read or that is malformed. */
export class NpyError extends Error {
  override readonly name = "NpyError";
}

export interface NpyType {
  readonly dataType: DataType;
  readonly bigEndian: boolean;
}

/**
 * A .npy header's descr ('<i4', '>c16', '|V2', '<U8', '|S3', '<M8[ns]', or a structured
 * dtype's [('x', '<f4'), ...]) as a Zarr data type: the same dtypes a `.zarray` holds.
 */
export function descrToZarr(descr: PyValue): NpyType {
  const dtype = dtypeOf(descr);
  let parsed: ReturnType<typeof parseV2Dtype>;
  try {
    parsed = dtype === undefined ? undefined : parseV2Dtype(dtype);
  } catch (err) {
    if (err instanceof ZarrkitError) throw new NpyError(`unsupported .npy dtype: ${err.message}`);
    throw err;
  }
  if (parsed === undefined)
    throw new NpyError(
      `unsupported .npy dtype ${JSON.stringify(descr)} (no matching Zarr data type)`,
    );
  return { dataType: parsed.dataType, bigEndian: parsed.endian === "big" };
}

/** The little-endian NumPy descr of a Zarr data type, as the Python literal a header holds. */
export function zarrToDescr(dataType: DataType): string {
  const dtype = numpyDtypeJson(dataType, "little");
  if (dtype === undefined) throw new NpyError(`data type ${dataType.name} has no .npy equivalent`);
  return literal(dtype);
}

function literal(dtype: V2Dtype): string {
  if (typeof dtype === "string") return pythonString(dtype);
  return `[${dtype.map(([name, inner]) => `(${pythonString(name)}, ${literal(inner)})`).join(", ")}]`;
}

/** A descr as a v2 dtype; undefined when it has another form. */
function dtypeOf(descr: PyValue): V2Dtype | undefined {
  if (typeof descr === "string") return descr;
  if (!Array.isArray(descr)) return undefined;
  const fields: V2Field[] = [];
  for (const field of descr) {
    if (!Array.isArray(field) || typeof field[0] !== "string") return undefined;
    const inner = field[1] === undefined ? undefined : dtypeOf(field[1]);
    if (inner === undefined) return undefined;
    const shape = field[2];
    if (field.length === 2) fields.push([field[0], inner]);
    else if (
      field.length === 3 &&
      Array.isArray(shape) &&
      shape.every((n) => typeof n === "number")
    )
      fields.push([field[0], inner, shape.map(Number)]);
    else return undefined;
  }
  return fields;
}
