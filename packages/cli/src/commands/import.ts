import { readFile } from "node:fs/promises";
import {
  type Context,
  createArray,
  type JsonObject,
  type JsonValue,
  type NamedConfigJson,
  parseJson,
  stringifyJson,
  UnsupportedFeatureError,
} from "zarrkit";
import { resolveLocation } from "../location.js";
import { parseNpy } from "../npy/npy-format.js";
import { UsageError } from "../usage-error.js";

export interface ImportOptions {
  zarrFormat: string | undefined;
  chunks: string | undefined;
  codecs: string | undefined;
  chunkKeyEncoding: string | undefined;
  fillValue: string | undefined;
  dimensionNames: string | undefined;
  attributes: string | undefined;
  compressor: string | undefined;
  filters: string | undefined;
  order: string | undefined;
  dimensionSeparator: string | undefined;
  overwrite: boolean;
}

/** `zarrkit import IN.npy LOCATION [options]` */
export async function importNpy(
  input: string,
  location: string,
  options: ImportOptions,
  context: Context,
): Promise<void> {
  const zarrFormat = options.zarrFormat ?? "3";
  if (zarrFormat === "2")
    throw new UnsupportedFeatureError(
      "import: --zarr-format 2 is not supported yet (Zarr v2 support is planned)",
    );
  if (zarrFormat !== "3")
    throw new UsageError(`import: --zarr-format must be 2 or 3, got ${zarrFormat}`);
  for (const [flag, value] of [
    ["--compressor", options.compressor],
    ["--filters", options.filters],
    ["--order", options.order],
    ["--dimension-separator", options.dimensionSeparator],
  ] as const) {
    if (value !== undefined)
      throw new UsageError(`import: ${flag} applies to --zarr-format 2 only`);
  }
  const npy = parseNpy(await readFile(input));
  const { store, path } = await resolveLocation(location, context, { writable: true });
  const dataType = context.registry
    .get("data-type", npy.dataType)
    .fromConfig(npy.dataType, undefined);
  const attributes =
    options.attributes === undefined
      ? undefined
      : jsonOption<JsonObject>("--attributes", options.attributes, isObject);
  const dimensionNames =
    options.dimensionNames === undefined
      ? undefined
      : jsonOption("--dimension-names", options.dimensionNames, isNameList);
  const codecs = options.codecs === undefined ? defaultCodecs(context) : codecList(options.codecs);
  const chunkKeyEncoding =
    options.chunkKeyEncoding === undefined
      ? undefined
      : namedConfig(
          "--chunk-key-encoding",
          jsonOption("--chunk-key-encoding", options.chunkKeyEncoding, isAny),
        );
  const array = await createArray(store, path, {
    shape: npy.shape,
    dataType: npy.dataType,
    ...(options.chunks === undefined
      ? {}
      : { chunkShape: parseChunks(options.chunks, npy.shape.length) }),
    ...(options.fillValue === undefined
      ? {}
      : { fillValueJson: jsonOption("--fill-value", options.fillValue, isAny) }),
    codecs,
    ...(chunkKeyEncoding === undefined ? {} : { chunkKeyEncoding }),
    ...(attributes === undefined ? {} : { attributes }),
    ...(dimensionNames === undefined ? {} : { dimensionNames }),
    overwrite: options.overwrite,
    context,
  });
  const count = npy.shape.reduce((a, b) => a * b, 1);
  // Typed arrays need aligned memory; the .npy payload usually is (64-byte header), else copy.
  const bytes = npy.data.byteOffset % dataType.laneSize === 0 ? npy.data : npy.data.slice();
  await array.set(null, dataType.view(bytes.buffer, bytes.byteOffset, count));
}

/** bytes + zstd when a zstd codec is registered; bytes alone otherwise. */
function defaultCodecs(context: Context): NamedConfigJson[] {
  const bytes: NamedConfigJson = { name: "bytes", configuration: { endian: "little" } };
  if (context.registry.find("codec", "zstd") === undefined) return [bytes];
  return [bytes, { name: "zstd", configuration: { level: 3, checksum: false } }];
}

function parseChunks(text: string, rank: number): number[] {
  const parts = text.split(",").map((s) => s.trim());
  const chunks = parts.map((p) => (/^[1-9][0-9]*$/.test(p) ? Number(p) : Number.NaN));
  if (chunks.some((c) => !Number.isSafeInteger(c)) || chunks.length !== rank) {
    throw new UsageError(
      `--chunks must be ${rank} positive integers separated by commas, got "${text}"`,
    );
  }
  return chunks;
}

function jsonOption<T extends JsonValue>(
  flag: string,
  text: string,
  check: (v: JsonValue) => v is T,
): T {
  let value: JsonValue;
  try {
    value = parseJson(text);
  } catch (err) {
    throw new UsageError(
      `${flag} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!check(value)) throw new UsageError(`${flag} has the wrong shape: ${text}`);
  return value;
}

function isAny(_v: JsonValue): _v is JsonValue {
  return true;
}
function isObject(v: JsonValue): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isList(v: JsonValue): v is JsonValue[] {
  return Array.isArray(v);
}
function isNameList(v: JsonValue): v is (string | null)[] {
  return Array.isArray(v) && v.every((n) => n === null || typeof n === "string");
}

/** A codec or key-encoding entry: "name" or {"name": ..., "configuration": {...}}. */
function namedConfig(flag: string, v: JsonValue): NamedConfigJson {
  if (typeof v === "string") return v;
  if (isObject(v) && typeof v.name === "string") {
    const { name, configuration, ...rest } = v;
    if (
      Object.keys(rest).length === 0 &&
      (configuration === undefined || isObject(configuration))
    ) {
      return configuration === undefined ? { name } : { name, configuration };
    }
  }
  throw new UsageError(
    `${flag}: each entry must be "name" or {"name": ..., "configuration": {...}}, got ${stringifyJson(v, 0)}`,
  );
}

function codecList(text: string): NamedConfigJson[] {
  const value = jsonOption("--codecs", text, isList);
  return value.map((entry) => namedConfig("--codecs", entry));
}
