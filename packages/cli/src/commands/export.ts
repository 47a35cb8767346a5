import { writeFile } from "node:fs/promises";
import { type Context, dataTypeJson, type JsonValue, type NDArray, stringifyJson } from "zarrkit";
import { openLocation } from "../location.js";
import { serializeNpy } from "../npy/npy-format.js";
import { UsageError } from "../usage-error.js";

export interface ExportOptions {
  select: string | undefined;
  zarrFormat?: 2 | 3;
}

/**
 * `zarrkit export LOCATION OUT [--select SELECTION]`: OUT ends in .npy or .json. SELECTION is
 * NumPy basic indexing whose items may also be bracketed positions ("[0, 5, -1], 2:10"), taken
 * per dimension (orthogonal indexing).
 */
export async function exportArray(
  location: string,
  out: string,
  options: ExportOptions,
  context: Context,
): Promise<void> {
  const format = out.endsWith(".npy") ? "npy" : out.endsWith(".json") ? "json" : undefined;
  if (format === undefined)
    throw new UsageError(`export: OUT must end in .npy or .json, got ${out}`);
  const array = await openLocation(location, context, "array", options.zarrFormat);
  const values = await array.getOrthogonal(options.select ?? null);
  if (format === "npy") {
    const { data } = values;
    if (!ArrayBuffer.isView(data))
      throw new UsageError(
        `export: ${array.dataType.name} elements have no fixed size for .npy; export to .json`,
      );
    await writeFile(
      out,
      serializeNpy(
        array.dataType,
        values.shape,
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      ),
    );
  } else {
    await writeFile(
      out,
      `${stringifyJson({ shape: [...values.shape], data_type: dataTypeJson(array.dataType), data: nestedElements(values) }, 0)}\n`,
    );
  }
}

/** The elements as nested lists in C order, each in the v3 fill-value JSON encoding. */
export function nestedElements(values: NDArray): JsonValue {
  const { data, dataType, shape } = values;
  const size = dataType.itemSize;
  const element: (i: number) => Uint8Array = ArrayBuffer.isView(data)
    ? (i) => new Uint8Array(data.buffer, data.byteOffset + i * size, size)
    : (i) => dataType.fromScalar(data[i]);
  let next = values.offset;
  // `get` returns C-contiguous arrays, so elements are visited in storage order.
  const build = (d: number): JsonValue => {
    if (d === shape.length) return dataType.encodeFillValue(element(next++));
    return Array.from({ length: shape[d]! }, () => build(d + 1));
  };
  return build(0);
}
