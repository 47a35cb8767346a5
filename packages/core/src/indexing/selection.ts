import { InvalidSelectionError } from "../errors/errors.js";

/** A NumPy-style slice; `null`/undefined fields take NumPy's defaults. */
export interface Slice {
  readonly kind: "slice";
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}

/** `slice(stop)` or `slice(start, stop, step?)`, as in Python. */
export function slice(start: number | null, stop?: number | null, step?: number | null): Slice {
  if (stop === undefined) return { kind: "slice", start: null, stop: start, step: step ?? null };
  return { kind: "slice", start, stop, step: step ?? null };
}

/** One entry of a selection: an index, a slice, `null` (the whole dimension), or "..." (ellipsis). */
export type SelectionItem = number | Slice | null | "...";

/**
 * NumPy basic indexing: an array of items, a string like "0:100, ..., ::-2, 5", or
 * null/undefined for everything.
 */
export type Selection = readonly SelectionItem[] | string | null | undefined;

/** A dimension after normalisation: one index (the dimension is dropped) or an arithmetic run. */
export type DimIndexer =
  | { readonly kind: "index"; readonly index: number }
  | {
      readonly kind: "range";
      readonly start: number;
      readonly step: number;
      readonly count: number;
    };

/** Parses NumPy basic-indexing text ("3", "-1", "2:10", "::2", "10:2:-3", "...") per dimension. */
export function parseSelection(text: string): SelectionItem[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  return trimmed.split(",").map((raw, position) => {
    const part = raw.trim();
    if (part === "...") return "...";
    if (part === ":" || part === "::") return null;
    const pieces = part.split(":");
    if (pieces.length === 1) return parseInteger(part, text, position);
    if (pieces.length > 3)
      throw new InvalidSelectionError(`selection "${text}": "${part}" has too many colons`);
    const [a, b, c] = pieces.map((p) =>
      p.trim() === "" ? null : parseInteger(p.trim(), text, position),
    );
    return { kind: "slice", start: a ?? null, stop: b ?? null, step: c ?? null };
  });
}

export function parseInteger(s: string, text: string, position: number): number {
  if (!/^[+-]?\d+$/.test(s)) {
    throw new InvalidSelectionError(
      `selection "${text}": item ${position} ("${s}") is not an integer, slice or "..."`,
    );
  }
  const n = Number(s);
  if (!Number.isSafeInteger(n))
    throw new InvalidSelectionError(`selection "${text}": ${s} is out of range`);
  return n;
}

/** Resolves a selection against a shape into one indexer per dimension. */
export function normalizeSelection(selection: Selection, shape: readonly number[]): DimIndexer[] {
  const items: readonly SelectionItem[] =
    selection === null || selection === undefined
      ? []
      : typeof selection === "string"
        ? parseSelection(selection)
        : selection;
  return expandEllipsis(items, shape.length).map((item, d) => normalizeItem(item, shape[d]!, d));
}

/**
 * One item per dimension: "..." (at most one) stands for as many `null`s as the items leave
 * dimensions, and dimensions after the last item are `null` too.
 */
export function expandEllipsis<T>(items: readonly T[], rank: number): (Exclude<T, "..."> | null)[] {
  if (!Array.isArray(items))
    throw new InvalidSelectionError(
      `selection must be an array, a string or null, got ${typeof items}`,
    );
  const ellipses = items.filter((item) => item === "...").length;
  if (ellipses > 1)
    throw new InvalidSelectionError(`selection has ${ellipses} ellipses; at most one is allowed`);
  const explicit = items.length - ellipses;
  if (explicit > rank) {
    throw new InvalidSelectionError(
      `selection has ${explicit} items but the array has ${rank} dimensions`,
    );
  }
  const expanded: (Exclude<T, "..."> | null)[] = [];
  for (const item of items) {
    if (isEllipsis(item)) for (let i = 0; i < rank - explicit; i++) expanded.push(null);
    else expanded.push(item);
  }
  while (expanded.length < rank) expanded.push(null);
  return expanded;
}

function isEllipsis<T>(item: T): item is Extract<T, "..."> {
  return item === "...";
}

/** One basic item resolved against a dimension of `length` (position `d`, for messages). */
export function normalizeItem(item: SelectionItem, length: number, d: number): DimIndexer {
  if (item === null) return { kind: "range", start: 0, step: 1, count: length };
  if (typeof item === "number") {
    if (!Number.isInteger(item))
      throw new InvalidSelectionError(`selection[${d}]: ${item} is not an integer`);
    const index = item < 0 ? item + length : item;
    if (index < 0 || index >= length) {
      throw new InvalidSelectionError(
        `selection[${d}]: index ${item} is out of bounds for a dimension of length ${length}`,
      );
    }
    return { kind: "index", index };
  }
  if (typeof item !== "object" || item.kind !== "slice") {
    throw new InvalidSelectionError(
      `selection[${d}]: expected an integer, a slice, null or "...", got ${String(item)}`,
    );
  }
  return normalizeSlice(item, length, d);
}

/** Python's slice.indices() followed by the element count. */
function normalizeSlice(s: Slice, length: number, d: number): DimIndexer {
  for (const [name, v] of [
    ["start", s.start],
    ["stop", s.stop],
    ["step", s.step],
  ] as const) {
    if (v !== null && v !== undefined && !Number.isSafeInteger(v)) {
      throw new InvalidSelectionError(`selection[${d}]: slice ${name} ${v} is not an integer`);
    }
  }
  const step = s.step ?? 1;
  if (step === 0) throw new InvalidSelectionError(`selection[${d}]: slice step cannot be zero`);
  const clamp = (v: number | null | undefined, lo: number, hi: number, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    const w = v < 0 ? v + length : v;
    return Math.min(Math.max(w, lo), hi);
  };
  let start: number;
  let stop: number;
  let count: number;
  if (step > 0) {
    start = clamp(s.start, 0, length, 0);
    stop = clamp(s.stop, 0, length, length);
    count = stop > start ? Math.ceil((stop - start) / step) : 0;
  } else {
    start = clamp(s.start, -1, length - 1, length - 1);
    stop = clamp(s.stop, -1, length - 1, -1);
    count = start > stop ? Math.ceil((start - stop) / -step) : 0;
  }
  return { kind: "range", start: count === 0 ? 0 : start, step, count };
}
