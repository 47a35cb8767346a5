import { InvalidSelectionError } from "../errors/errors.js";
import { cOrderStride, elementCount, type NDArray } from "../ndarray.js";
import { type IndexList, listIndices } from "./orthogonal-selection.js";
import { stridedCopy } from "./strided-copy.js";

/**
 * Points, as zarr-python's `vindex` / coordinate selection: one list of positions per
 * dimension, all as long; point i is `[coordinates[0][i], coordinates[1][i], ...]`. Negative
 * positions count from the end; points may repeat and come in any order.
 */
export type CoordinateSelection = readonly IndexList[];

/**
 * A boolean mask of the array's shape, as zarr-python's mask selection: an NDArray of bool, or
 * its values in C order (a Uint8Array of 0/1, or booleans). It selects the true positions.
 */
export type MaskSelection = NDArray<"bool"> | Uint8Array | readonly boolean[];

/** Points checked against a shape: point i at `coordinates[d][i]` (non-negative, in bounds). */
export interface Points {
  readonly coordinates: readonly Float64Array[];
  readonly count: number;
}

/** Checks points against a shape. */
export function normalizeCoordinates(
  coordinates: CoordinateSelection,
  shape: readonly number[],
): Points {
  if (!Array.isArray(coordinates) || coordinates.length !== shape.length)
    throw new InvalidSelectionError(
      `a coordinate selection needs one list of positions per dimension (${shape.length}), got ${
        Array.isArray(coordinates) ? coordinates.length : typeof coordinates
      }`,
    );
  const lists: readonly IndexList[] = coordinates;
  const count = lists[0]?.length ?? 0;
  const checked = lists.map((list, d) => {
    if (!Array.isArray(list) && !ArrayBuffer.isView(list))
      throw new InvalidSelectionError(`coordinates[${d}] is not a list of positions`);
    if (list.length !== count)
      throw new InvalidSelectionError(
        `coordinates[${d}] has ${list.length} positions, coordinates[0] ${count}: each point needs one per dimension`,
      );
    if (list.length > 0 && typeof list[0] === "boolean")
      throw new InvalidSelectionError(
        `coordinates[${d}] is a mask: select by mask with getMask/setMask`,
      );
    return listIndices(list, shape[d]!, d);
  });
  return { coordinates: checked, count };
}

/** The true positions of a mask of `shape`, as points in C order. */
export function maskCoordinates(mask: MaskSelection, shape: readonly number[]): Points {
  const flags = maskFlags(mask, shape);
  const positions: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i]) positions.push(i);
  const coordinates = shape.map(() => new Float64Array(positions.length));
  positions.forEach((flat, i) => {
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      coordinates[d]![i] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
  });
  return { coordinates, count: positions.length };
}

function maskFlags(mask: MaskSelection, shape: readonly number[]): ArrayLike<unknown> {
  const count = elementCount(shape);
  if (Array.isArray(mask) || mask instanceof Uint8Array) {
    if (mask.length !== count)
      throw new InvalidSelectionError(
        `the mask holds ${mask.length} values; the array's shape [${shape}] holds ${count}`,
      );
    return mask;
  }
  if (
    !("dataType" in mask) ||
    mask.dataType.name !== "bool" ||
    mask.shape.length !== shape.length ||
    mask.shape.some((n, d) => n !== shape[d])
  )
    throw new InvalidSelectionError(
      `the mask must be bool of shape [${shape}], got ${
        "dataType" in mask ? `${mask.dataType.name} [${mask.shape}]` : typeof mask
      }`,
    );
  const flags = new Uint8Array(count);
  const dense = { data: flags, offset: 0, stride: cOrderStride(shape) };
  stridedCopy(dense, mask, shape, 1);
  return flags;
}
