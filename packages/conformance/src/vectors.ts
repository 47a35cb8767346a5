import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  InvalidMetadataError,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type NamedConfigJson,
  parseJson,
} from "@zarrkit/core";
import type { Box } from "./formula.js";

/** One array vector, as the generator's manifest describes it. */
export interface ArrayVector {
  readonly kind: "array";
  readonly id: string;
  readonly peer: string;
  readonly zarrFormat: 2 | 3;
  readonly dataType: string;
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  readonly fillValue: JsonValue;
  /** The box the peer wrote (the formula there, the fill value elsewhere); null: nothing. */
  readonly written: Box | null;
  /** Floats without NaN, infinities or -0 (for filters that cannot carry them). */
  readonly finite: boolean;
  /** Lossy filters: values within the filter's resolution of the formula. */
  readonly tolerance: number;
  readonly codecs?: readonly NamedConfigJson[];
  readonly chunkKeyEncoding?: NamedConfigJson;
  readonly v2?: {
    readonly dtype: string;
    readonly order: "C" | "F";
    readonly dimensionSeparator: "." | "/";
    readonly compressor: JsonObject | null;
    readonly filters: readonly JsonObject[] | null;
  };
}

export interface HierarchyVector {
  readonly kind: "hierarchy";
  readonly id: string;
  readonly peer: string;
  readonly zarrFormat: 2 | 3;
  readonly groups: Readonly<Record<string, JsonObject>>;
  /** Arrays inside, with ids "<hierarchy id>/<path>". */
  readonly arrays: readonly ArrayVector[];
  readonly consolidated: boolean;
}

export type Vector = ArrayVector | HierarchyVector;

/** A vector's files: store key -> bytes (the vector's directory is the store root). */
export type VectorFiles = Map<string, Uint8Array>;

export const VECTORS_DIR = fileURLToPath(new URL("../vectors/", import.meta.url));

function fail(where: string, why: string): never {
  throw new InvalidMetadataError(`conformance manifest ${where}: ${why}`);
}

function tolerance(filters: readonly JsonObject[] | null): number {
  for (const f of filters ?? []) {
    if (f.id === "fixedscaleoffset") return 0.5 / Number(f.scale) + 1e-6;
    if (f.id === "bitround") return 2 ** -Number(f.keepbits);
  }
  return 0;
}

function parseArray(doc: JsonValue, where: string): ArrayVector {
  if (!isJsonObject(doc)) return fail(where, "an entry must be an object");
  const id = String(doc.id);
  const v2doc = doc.v2;
  const v2 = isJsonObject(v2doc)
    ? {
        dtype: String(v2doc.dtype),
        order: v2doc.order === "F" ? ("F" as const) : ("C" as const),
        dimensionSeparator: v2doc.dimension_separator === "/" ? ("/" as const) : ("." as const),
        compressor: isJsonObject(v2doc.compressor) ? v2doc.compressor : null,
        filters: Array.isArray(v2doc.filters) ? v2doc.filters.filter(isJsonObject) : null,
      }
    : undefined;
  const numbers = (value: JsonValue | undefined, field: string): number[] => {
    if (!Array.isArray(value) || !value.every((n) => typeof n === "number"))
      return fail(`${where} ${id}`, `${field} must be a list of integers`);
    return value.map(Number);
  };
  const written = doc.written;
  return {
    kind: "array",
    id,
    peer: String(doc.peer),
    zarrFormat: doc.zarr_format === 2 ? 2 : 3,
    dataType: String(doc.data_type),
    shape: numbers(doc.shape, "shape"),
    chunks: numbers(doc.chunks, "chunks"),
    fillValue: doc.fill_value ?? null,
    written: Array.isArray(written)
      ? written.map((pair) => {
          const [a, b] = numbers(pair, "written");
          return [a!, b!] as const;
        })
      : null,
    finite: doc.finite === true,
    tolerance: tolerance(v2?.filters ?? null),
    ...(Array.isArray(doc.codecs) ? { codecs: doc.codecs.filter(isNamedConfig) } : {}),
    ...(isNamedConfig(doc.chunk_key_encoding) ? { chunkKeyEncoding: doc.chunk_key_encoding } : {}),
    ...(v2 === undefined ? {} : { v2 }),
  };
}

function isNamedConfig(
  value: JsonValue | undefined,
): value is { name: string; configuration?: JsonObject } {
  return isJsonObject(value) && typeof value.name === "string";
}

/** Every vector of every peer, with the folder its files are in. */
export async function loadVectors(root = VECTORS_DIR): Promise<{ vector: Vector; dir: string }[]> {
  const out: { vector: Vector; dir: string }[] = [];
  for (const peer of (await readdir(root)).sort()) {
    const manifestPath = join(root, peer, "manifest.json");
    const manifest = parseJson(await readFile(manifestPath, "utf8"));
    if (!isJsonObject(manifest) || !Array.isArray(manifest.vectors))
      fail(manifestPath, 'must be {"vectors": [...]}');
    for (const entry of manifest.vectors) {
      if (!isJsonObject(entry)) fail(manifestPath, "entries must be objects");
      const id = String(entry.id);
      const dir = join(root, peer, id);
      if (entry.kind === "hierarchy") {
        const groups = isJsonObject(entry.groups) ? entry.groups : {};
        out.push({
          dir,
          vector: {
            kind: "hierarchy",
            id,
            peer: String(entry.peer),
            zarrFormat: entry.zarr_format === 2 ? 2 : 3,
            groups: Object.fromEntries(
              Object.entries(groups).map(([k, v]) => [k, isJsonObject(v) ? v : {}]),
            ),
            arrays: Array.isArray(entry.arrays)
              ? entry.arrays.map((a) => parseArray(a, manifestPath))
              : [],
            consolidated: entry.consolidated === true,
          },
        });
      } else out.push({ dir, vector: parseArray(entry, manifestPath) });
    }
  }
  return out;
}

/** A vector's files as store keys. */
export async function readVectorFiles(dir: string): Promise<VectorFiles> {
  const files: VectorFiles = new Map();
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else
        files.set(relative(dir, path).split("\\").join("/"), new Uint8Array(await readFile(path)));
    }
  };
  await walk(dir);
  return files;
}
