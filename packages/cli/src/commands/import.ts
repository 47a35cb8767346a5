import { readFile } from "node:fs/promises";
import {
  type Context,
  copyBytes,
  createArray,
  type JsonObject,
  type JsonValue,
  type NamedConfigJson,
  parseJson,
  stringifyJson,
  type V2CreateOptions,
} from "zarrkit";
import { resolveLocation } from "../location.js";
import { parseNpy } from "../npy/npy-format.js";
import { UsageError } from "../usage-error.js";

export interface ImportOptions extends EncodingOptions {
  chunks: string | undefined;
  fillValue: string | undefined;
  dimensionNames: string | undefined;
  attributes: string | undefined;
  overwrite: boolean;
}

/** `zarrkit import IN.npy LOCATION [options]` */
export async function importNpy(
  input: string,
  location: string,
  options: ImportOptions,
  context: Context,
): Promise<void> {
  const encoding = parseEncodingOptions(options, context);
  const npy = parseNpy(await readFile(input));
  const { store, path } = await resolveLocation(location, context, { writable: true });
  const { name, configuration } = npy.dataType;
  const dataType = context.registry.dataType(name, configuration);
  const attributes =
    options.attributes === undefined
      ? undefined
      : jsonOption<JsonObject>("--attributes", options.attributes, isObject);
  const dimensionNames =
    options.dimensionNames === undefined
      ? undefined
      : jsonOption("--dimension-names", options.dimensionNames, isNameList);
  const array = await createArray(store, path, {
    ...encoding,
    shape: npy.shape,
    dataType: name,
    ...(configuration === undefined ? {} : { dataTypeConfiguration: configuration }),
    ...(options.chunks === undefined
      ? {}
      : { chunkShape: parseChunks(options.chunks, npy.shape.length) }),
    ...(options.fillValue === undefined
      ? {}
      : { fillValueJson: jsonOption("--fill-value", options.fillValue, isAny) }),
    ...(attributes === undefined ? {} : { attributes }),
    ...(dimensionNames === undefined ? {} : { dimensionNames }),
    overwrite: options.overwrite,
    context,
  });
  const count = npy.shape.reduce((a, b) => a * b, 1);
  // Typed arrays need aligned memory; the .npy payload usually is (64-byte header), else copy.
  const bytes = npy.data.byteOffset % dataType.laneSize === 0 ? npy.data : copyBytes(npy.data);
  await array.set(null, dataType.view(bytes.buffer, bytes.byteOffset, count));
}

/** How arrays are stored: the format and its codec settings (import and cp share these). */
export interface EncodingOptions {
  zarrFormat: string | undefined;
  codecs: string | undefined;
  chunkKeyEncoding: string | undefined;
  compressor: string | undefined;
  filters: string | undefined;
  order: string | undefined;
  dimensionSeparator: string | undefined;
}

/** The createArray settings the encoding flags ask for; defaults filled in where omitted. */
export type ParsedEncoding =
  | { zarrFormat: 3; codecs?: NamedConfigJson[]; chunkKeyEncoding?: NamedConfigJson }
  | ({ zarrFormat: 2 } & V2CreateOptions);

/**
 * Validates the encoding flags. `withDefaults` fills in the codecs that CONTRACTS.md names
 * (bytes + zstd for v3; blosc-lz4 for v2) for what was not given; cp keeps the source's instead.
 */
export function parseEncodingOptions(
  options: EncodingOptions,
  context: Context,
  withDefaults = true,
): ParsedEncoding {
  const zarrFormat = options.zarrFormat ?? "3";
  if (zarrFormat !== "2" && zarrFormat !== "3")
    throw new UsageError(`--zarr-format must be 2 or 3, got ${zarrFormat}`);
  const v2Flags = [
    ["--compressor", options.compressor],
    ["--filters", options.filters],
    ["--order", options.order],
    ["--dimension-separator", options.dimensionSeparator],
  ] as const;
  const v3Flags = [
    ["--codecs", options.codecs],
    ["--chunk-key-encoding", options.chunkKeyEncoding],
  ] as const;
  for (const [flag, value] of zarrFormat === "3" ? v2Flags : v3Flags) {
    if (value !== undefined)
      throw new UsageError(`${flag} applies to --zarr-format ${zarrFormat === "3" ? 2 : 3} only`);
  }
  if (zarrFormat === "3") {
    const codecs =
      options.codecs === undefined
        ? withDefaults
          ? defaultCodecs(context)
          : undefined
        : codecList(options.codecs);
    const chunkKeyEncoding =
      options.chunkKeyEncoding === undefined
        ? undefined
        : namedConfig(
            "--chunk-key-encoding",
            jsonOption("--chunk-key-encoding", options.chunkKeyEncoding, isAny),
          );
    return {
      zarrFormat: 3,
      ...(codecs === undefined ? {} : { codecs }),
      ...(chunkKeyEncoding === undefined ? {} : { chunkKeyEncoding }),
    };
  }
  const order = options.order;
  if (order !== undefined && order !== "C" && order !== "F")
    throw new UsageError(`--order must be C or F, got ${order}`);
  const separator = options.dimensionSeparator;
  if (separator !== undefined && separator !== "." && separator !== "/")
    throw new UsageError(`--dimension-separator must be . or /, got ${separator}`);
  return {
    zarrFormat: 2,
    ...(options.compressor === undefined
      ? {}
      : { compressor: jsonOption("--compressor", options.compressor, isObjectOrNull) }),
    ...(options.filters === undefined
      ? {}
      : { filters: jsonOption("--filters", options.filters, isObjectListOrNull) }),
    ...(order === undefined ? {} : { order }),
    ...(separator === undefined ? {} : { dimensionSeparator: separator }),
  };
}

/** bytes + zstd when a zstd codec is registered; bytes alone otherwise. */
function defaultCodecs(context: Context): NamedConfigJson[] {
  const bytes: NamedConfigJson = { name: "bytes", configuration: { endian: "little" } };
  if (context.registry.find("codec", "zstd") === undefined) return [bytes];
  return [bytes, { name: "zstd", configuration: { level: 3, checksum: false } }];
}

export function parseChunks(text: string, rank: number): number[] {
  const parts = text.split(",").map((s) => s.trim());
  const chunks = parts.map((p) => (/^[1-9][0-9]*$/.test(p) ? Number(p) : Number.NaN));
  if (chunks.some((c) => !Number.isSafeInteger(c)) || chunks.length !== rank) {
    throw new UsageError(
      `--chunks must be ${rank} positive integers separated by commas, got "${text}"`,
    );
  }
  return chunks;
}

export function jsonOption<T extends JsonValue>(
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

export function isAny(_v: JsonValue): _v is JsonValue {
  return true;
}
export function isObject(v: JsonValue): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isObjectOrNull(v: JsonValue): v is JsonObject | null {
  return v === null || (isObject(v) && typeof v.id === "string");
}
function isObjectListOrNull(v: JsonValue): v is JsonObject[] | null {
  return (
    v === null || (Array.isArray(v) && v.every((f) => isObject(f) && typeof f.id === "string"))
  );
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
