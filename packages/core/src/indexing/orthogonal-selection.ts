import { InvalidSelectionError } from "../errors/errors.js";
import {
  type DimIndexer,
  expandEllipsis,
  normalizeItem,
  parseInteger,
  parseSelection,
  type SelectionItem,
} from "./selection.js";

/**
 * Positions along one dimension, in the order wanted: repeats allowed, negative ones counted
 * from the end. (A boolean mask is a `boolean[]`; a Uint8Array is positions, not a mask.)
 */
export type IndexList =
  | readonly number[]
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float64Array;

/** One item of an orthogonal selection: a basic item, positions, or a mask as long as the dimension. */
export type OrthogonalSelectionItem = SelectionItem | IndexList | readonly boolean[];

/**
 * Orthogonal (outer) indexing, as zarr-python's `oindex` and tensorstore's `.oindex`: each
 * dimension is selected on its own, and the result holds every combination. An array of
 * items, text such as "[0, 5, -1], 2:10" (positions in brackets), or null for everything.
 */
export type OrthogonalSelection = readonly OrthogonalSelectionItem[] | string | null | undefined;

/** A dimension of an orthogonal selection: basic, or positions (in bounds, non-negative). */
export type OrthogonalDimIndexer =
  | DimIndexer
  | { readonly kind: "list"; readonly indices: Float64Array };

/** Resolves an orthogonal selection against a shape into one indexer per dimension. */
export function normalizeOrthogonalSelection(
  selection: OrthogonalSelection,
  shape: readonly number[],
): OrthogonalDimIndexer[] {
  const items: readonly OrthogonalSelectionItem[] =
    selection === null || selection === undefined
      ? []
      : typeof selection === "string"
        ? parseOrthogonalSelection(selection)
        : selection;
  return expandEllipsis(items, shape.length).map((item, d) => {
    const length = shape[d]!;
    if (isList(item)) return { kind: "list", indices: listIndices(item, length, d) };
    return normalizeItem(item, length, d);
  });
}

/** Basic-indexing text whose items may also be bracketed positions: "[0, 5, -1], 2:10". */
export function parseOrthogonalSelection(text: string): OrthogonalSelectionItem[] {
  const items: OrthogonalSelectionItem[] = [];
  let depth = 0;
  let from = 0;
  const take = (end: number): void => {
    const part = text.slice(from, end).trim();
    if (part.startsWith("[")) {
      if (!part.endsWith("]"))
        throw new InvalidSelectionError(`selection "${text}": "${part}" has text after "]"`);
      const inner = part.slice(1, -1).trim();
      items.push(
        inner === "" ? [] : inner.split(",").map((p) => parseInteger(p.trim(), text, items.length)),
      );
    } else {
      const parsed = parseSelection(part);
      if (parsed.length !== 1)
        throw new InvalidSelectionError(`selection "${text}": item ${items.length} is empty`);
      items.push(parsed[0]!);
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "[") depth++;
    else if (c === "]" && --depth < 0)
      throw new InvalidSelectionError(`selection "${text}": unbalanced "]"`);
    else if (c === "," && depth === 0) {
      take(i);
      from = i + 1;
    }
  }
  if (depth !== 0) throw new InvalidSelectionError(`selection "${text}": unbalanced "["`);
  if (text.trim() !== "") take(text.length);
  return items;
}

/** Positions (or a mask's true positions) along dimension `d` of `length`, checked and made non-negative. */
export function listIndices(
  item: IndexList | readonly boolean[],
  length: number,
  d: number,
): Float64Array {
  if (isMask(item)) {
    if (item.length !== length)
      throw new InvalidSelectionError(
        `selection[${d}]: a mask of length ${item.length} for a dimension of length ${length}`,
      );
    const indices: number[] = [];
    item.forEach((on, i) => {
      if (typeof on !== "boolean")
        throw new InvalidSelectionError(
          `selection[${d}]: a mask holds booleans only; position ${i} is ${String(on)}`,
        );
      if (on) indices.push(i);
    });
    return Float64Array.from(indices);
  }
  const indices = new Float64Array(item.length);
  for (let i = 0; i < item.length; i++) {
    const given: unknown = item[i];
    if (typeof given !== "number" || !Number.isInteger(given))
      throw new InvalidSelectionError(
        `selection[${d}]: position ${i} is ${String(given)}, not an integer (masks are boolean[])`,
      );
    const index = given < 0 ? given + length : given;
    if (index < 0 || index >= length)
      throw new InvalidSelectionError(
        `selection[${d}]: index ${given} is out of bounds for a dimension of length ${length}`,
      );
    indices[i] = index;
  }
  return indices;
}

function isList(item: OrthogonalSelectionItem | null): item is IndexList | readonly boolean[] {
  return Array.isArray(item) || ArrayBuffer.isView(item);
}

function isMask(item: IndexList | readonly boolean[]): item is readonly boolean[] {
  return Array.isArray(item) && item.length > 0 && typeof item[0] === "boolean";
}

/** The selection as basic indexers, when no dimension lists positions. */
export function basicIndexers(indexers: readonly OrthogonalDimIndexer[]): DimIndexer[] | undefined {
  const basic: DimIndexer[] = [];
  for (const ix of indexers) {
    if (ix.kind === "list") return undefined;
    basic.push(ix);
  }
  return basic;
}
