import { type DataType, numpyDtypeString, parseNumpyDtype } from "@zarrkit/core";

/** A .npy file that zarrkit cannot read or that is malformed. */
export class NpyError extends Error {
  override readonly name = "NpyError";
}

export interface NpyType {
  readonly dataType: DataType;
  readonly bigEndian: boolean;
}

/**
 * A NumPy descr string ('<i4', '>c16', '|V2', '<U8', '|S3', '<M8[ns]', ...) as a Zarr data
 * type: every fixed-size dtype Zarr v2 knows, read the same way as a `.zarray` dtype.
 */
export function descrToZarr(descr: string): NpyType {
  const parsed = parseNumpyDtype(descr);
  if (parsed === undefined)
    throw new NpyError(
      `unsupported .npy dtype ${JSON.stringify(descr)} (no matching Zarr data type)`,
    );
  return { dataType: parsed.dataType, bigEndian: parsed.endian === "big" };
}

/** The little-endian NumPy descr of a Zarr data type. */
export function zarrToDescr(dataType: DataType): string {
  const descr = numpyDtypeString(dataType, "little");
  if (descr === undefined) throw new NpyError(`data type ${dataType.name} has no .npy equivalent`);
  return descr;
}
