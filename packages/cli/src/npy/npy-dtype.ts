/** A .npy file that zarrkit cannot read or that is malformed. */
export class NpyError extends Error {
  override readonly name = "NpyError";
}

const BY_CODE: Record<string, string> = {
  b1: "bool",
  i1: "int8",
  i2: "int16",
  i4: "int32",
  i8: "int64",
  u1: "uint8",
  u2: "uint16",
  u4: "uint32",
  u8: "uint64",
  f2: "float16",
  f4: "float32",
  f8: "float64",
  c8: "complex64",
  c16: "complex128",
};

const BY_TYPE: Record<string, string> = Object.fromEntries(
  Object.entries(BY_CODE).map(([code, type]) => [type, code]),
);

export interface NpyType {
  readonly dataType: string;
  readonly itemSize: number;
  /** Bytes per swapped unit: the item size, half of it for complex, 1 for raw bytes. */
  readonly laneSize: number;
  readonly bigEndian: boolean;
}

/** A NumPy descr string ('<i4', '>c16', '|V2', ...) as a Zarr data type. */
export function descrToZarr(descr: string): NpyType {
  const match = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (match === null) throw new NpyError(`unsupported .npy dtype ${JSON.stringify(descr)}`);
  const [, order, kind, digits] = match;
  const size = Number(digits);
  if (kind === "V") {
    if (size < 1) throw new NpyError(`unsupported .npy dtype ${descr}`);
    return { dataType: `r${size * 8}`, itemSize: size, laneSize: 1, bigEndian: false };
  }
  const dataType = BY_CODE[`${kind}${digits}`];
  if (dataType === undefined)
    throw new NpyError(
      `unsupported .npy dtype ${JSON.stringify(descr)} (no matching Zarr data type)`,
    );
  return {
    dataType,
    itemSize: size,
    laneSize: kind === "c" ? size / 2 : size,
    bigEndian: order === ">" && size > 1,
  };
}

/** The little-endian NumPy descr of a Zarr data type. */
export function zarrToDescr(dataType: string): string {
  const raw = /^r(\d+)$/.exec(dataType);
  if (raw !== null) return `|V${Number(raw[1]) / 8}`;
  const code = BY_TYPE[dataType];
  if (code === undefined) throw new NpyError(`data type ${dataType} has no .npy equivalent`);
  return code.endsWith("1") ? `|${code}` : `<${code}`;
}
