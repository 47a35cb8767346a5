import {
  type ChunkGrid,
  type Context,
  createArray,
  createGroup,
  isListable,
  type JsonObject,
  type JsonValue,
  MemoryStore,
  type NamedConfig,
  type NamedConfigJson,
  runLimited,
  type Store,
  storeForLocation,
  v3ToV2Encoding,
  writeConsolidatedMetadata,
  type ZarrArray,
  type ZarrGroup,
} from "zarrkit";
import { walkHierarchy } from "../hierarchy-walk.js";
import { openLocation } from "../location.js";
import { formatBytes, Progress } from "../progress.js";
import { UsageError } from "../usage-error.js";
import {
  type EncodingOptions,
  isAny,
  isObject,
  jsonOption,
  type ParsedEncoding,
  parseChunks,
  parseEncodingOptions,
} from "./import.js";

export interface CpOptions extends EncodingOptions {
  chunks: string | undefined;
  fillValue: string | undefined;
  dimensionNames: string | undefined;
  attributes: string | undefined;
  overwrite: boolean;
}

export interface CpIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (a live progress bar) or not (one summary line). */
  isTTY: boolean;
}

/** Destination chunks (or shards) copied at once; bounds memory to this many chunks. */
const CHUNKS_IN_FLIGHT = 4;

/**
 * `zarrkit cp SRC DST`: copies an array or a whole hierarchy chunk by chunk, re-encoding on the
 * way. Each array keeps its shape, chunks, data type, fill value, attributes, dimension names and
 * codecs (v2 ones as their v3 equivalents) unless options say otherwise.
 */
export async function cp(
  src: string,
  dst: string,
  options: CpOptions,
  context: Context,
  io: CpIo,
): Promise<void> {
  const encoding = parseEncodingOptions(options, context, false);
  const source = await openLocation(src, context, "node");
  const store = await storeForLocation(dst, context, { writable: true });
  const nodes: (ZarrArray | ZarrGroup)[] = [];
  await walkHierarchy(source, context, (node) => {
    nodes.push(node);
  });

  // Create every node on a scratch store first, so that bad options fail before anything is
  // written; then for real, then copy the data.
  await createNodes(new MemoryStore(), nodes, source, encoding, options, context);
  const copies = await createNodes(store, nodes, source, encoding, options, context);

  const units = copies.flatMap(({ from, to }) =>
    [...chunkRegions(to.shape, to.chunkGrid)].map((region) => ({ from, to, region })),
  );
  const bytesOf = (region: Region, array: ZarrArray) =>
    region.reduce((n, [a, b]) => n * (b - a), Math.max(1, array.dataType.itemSize));
  const progress = new Progress(
    { items: units.length, bytes: units.reduce((n, u) => n + bytesOf(u.region, u.from), 0) },
    io.stderr,
    io.isTTY,
  );
  await runLimited(units, CHUNKS_IN_FLIGHT, async ({ from, to, region }) => {
    const selection = region.length === 0 ? null : region.map(([a, b]) => `${a}:${b}`).join(",");
    await to.set(selection, await from.get(selection));
    progress.add(1, bytesOf(region, from));
  });
  if (source.kind === "group" && isListable(store)) await consolidate(store);
  const seconds = progress.finish();
  const arrays = copies.length;
  const groups = nodes.length - arrays;
  const bytes = units.reduce((n, u) => n + bytesOf(u.region, u.from), 0);
  io.stdout(
    `copied ${arrays} array${arrays === 1 ? "" : "s"} and ${groups} group${groups === 1 ? "" : "s"} (${units.length} chunks, ${formatBytes(bytes)}) to ${dst} as Zarr v${encoding.zarrFormat} in ${seconds.toFixed(2)} s (${formatBytes(bytes / Math.max(seconds, 1e-3))}/s)\n`,
  );
}

async function createNodes(
  store: Store,
  nodes: readonly (ZarrArray | ZarrGroup)[],
  source: ZarrArray | ZarrGroup,
  encoding: ParsedEncoding,
  options: CpOptions,
  context: Context,
): Promise<{ from: ZarrArray; to: ZarrArray }[]> {
  const copies: { from: ZarrArray; to: ZarrArray }[] = [];
  for (const node of nodes) {
    const overwrite = node === source && options.overwrite;
    if (node.kind === "group") {
      await createGroup(store, node.path, {
        zarrFormat: encoding.zarrFormat,
        attributes: node.attributes,
        overwrite,
        context,
      });
    } else {
      const to = await createArray(store, node.path, {
        ...arrayOptions(node, encoding, options, context),
        overwrite,
        context,
      });
      copies.push({ from: node, to });
    }
  }
  return copies;
}

async function consolidate(store: Store): Promise<void> {
  await writeConsolidatedMetadata(store);
}

type Region = [number, number][];

/** The destination's chunk (or shard) boxes, clipped to the shape; one empty box for 0-d. */
function* chunkRegions(shape: readonly number[], grid: ChunkGrid): Generator<Region> {
  if (shape.some((n) => n === 0)) return;
  const dims = grid.dimensions;
  const index = dims.map(() => 0);
  while (true) {
    yield index.map((i, d) => {
      const start = dims[d]!.chunkStart(i);
      return [start, Math.min(shape[d]!, start + dims[d]!.chunkSize(i))];
    });
    let d = dims.length - 1;
    while (d >= 0 && ++index[d]! === dims[d]!.chunkCount) index[d--] = 0;
    if (d < 0) return;
  }
}

/** What the destination array is created with: the source's settings, overridden by flags. */
function arrayOptions(
  from: ZarrArray,
  encoding: ParsedEncoding,
  options: CpOptions,
  context: Context,
) {
  const where = from.path === "" ? "the source array" : `array "${from.path}"`;
  // Another grid than the regular one (rectilinear) is copied as it is, unless --chunks asks
  // for regular chunks.
  const parseChunkOption = (chunks: string): readonly number[] => {
    try {
      return parseChunks(chunks, from.shape.length);
    } catch (err) {
      throw new UsageError(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const chunking =
    options.chunks !== undefined
      ? { chunkShape: parseChunkOption(options.chunks) }
      : from.metadata.chunkGrid.name === "regular"
        ? { chunkShape: from.chunkShape }
        : { chunkGrid: asJson(from.metadata.chunkGrid) };
  // v2's _ARRAY_DIMENSIONS is the dimension names; it moves to dimension_names (and back).
  const { _ARRAY_DIMENSIONS: _names, ...attributes } = from.attributes;
  const dimensionNames =
    options.dimensionNames === undefined
      ? from.dimensionNames
      : jsonOption("--dimension-names", options.dimensionNames, isNameList);
  const v2Source = from.v2Metadata;
  const fillValueJson: JsonValue =
    options.fillValue !== undefined
      ? jsonOption("--fill-value", options.fillValue, isAny)
      : encoding.zarrFormat === 2 && v2Source?.fillValue === null
        ? null
        : from.metadata.fillValue;
  const common = {
    shape: from.shape,
    dataType: from.dataType.name,
    ...(from.dataType.configuration === undefined
      ? {}
      : { dataTypeConfiguration: from.dataType.configuration }),
    ...chunking,
    fillValueJson,
    attributes:
      options.attributes === undefined
        ? attributes
        : jsonOption<JsonObject>("--attributes", options.attributes, isObject),
    ...(dimensionNames === undefined ||
    (encoding.zarrFormat === 2 && dimensionNames.some((n) => n === null))
      ? {}
      : { dimensionNames }),
  };
  if (encoding.zarrFormat === 3) {
    const codecs: NamedConfigJson[] = encoding.codecs ?? from.metadata.codecs.map(asJson);
    const chunkKeyEncoding =
      encoding.chunkKeyEncoding ??
      (from.zarrFormat === 3 ? asJson(from.metadata.chunkKeyEncoding) : undefined);
    return {
      ...common,
      zarrFormat: 3 as const,
      codecs,
      ...(chunkKeyEncoding === undefined ? {} : { chunkKeyEncoding }),
    };
  }
  const inherited = v2Source ?? v3ToV2Encoding(context.registry, from.metadata);
  return {
    ...common,
    zarrFormat: 2 as const,
    compressor: encoding.compressor === undefined ? inherited.compressor : encoding.compressor,
    filters: encoding.filters === undefined ? inherited.filters : encoding.filters,
    order: encoding.order ?? inherited.order,
    dimensionSeparator: encoding.dimensionSeparator ?? inherited.dimensionSeparator,
  };
}

function asJson(config: NamedConfig): NamedConfigJson {
  return config.configuration === undefined
    ? { name: config.name }
    : { name: config.name, configuration: config.configuration };
}

function isNameList(v: JsonValue): v is (string | null)[] {
  return Array.isArray(v) && v.every((n) => n === null || typeof n === "string");
}
