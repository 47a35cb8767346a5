import {
  type CodecExtension,
  type Context,
  createArray,
  createContext,
  createRegistry,
  type DataType,
  type Extension,
  isListable,
  type JsonObject,
  type NamedConfigJson,
  open,
  openArray,
  openGroup,
  type Registry,
  type Store,
} from "@zarrkit/core";
import { ConsolidatedStore, FileSystemStore } from "@zarrkit/stores";
import { firstMismatch, type Tolerance } from "./compare.js";
import { conformanceExtensions } from "./extensions.js";
import { type Box, boxIndices, expectedElements, formulaData } from "./formula.js";
import { type PeerCheck, runPeerChecks } from "./peers.js";
import { openStoreKinds, type StoreKind } from "./store-kinds.js";
import {
  type ArrayVector,
  loadVectors,
  readVectorFiles,
  VECTORS_DIR,
  type Vector,
} from "./vectors.js";

export interface ConformanceOptions {
  /** Extensions to test besides zarrkit's own (third parties'). */
  readonly extensions?: readonly Extension[];
  /** Store kinds (default: memory, filesystem, http, zip, s3, and registered test stores). */
  readonly stores?: readonly string[];
  /** Have the peer implementations read zarrkit's output (default true). */
  readonly peers?: boolean;
  /** Missing peers and servers fail instead of being skipped (default: ZARRKIT_REQUIRE_PEERS=1). */
  readonly requirePeers?: boolean;
  readonly vectorsDir?: string;
  /** Called as each combination finishes. */
  readonly onResult?: (result: CombinationResult) => void;
}

/** One combination of the matrix and how it went. */
export interface CombinationResult {
  /** The full name, e.g. "write numcodecs.zlib {"level":1} x int16 x v2(.) @ s3". */
  readonly case: string;
  /** Row of the printed matrix: a vector id, or a codec configuration. */
  readonly row: string;
  /** Which table it is shown in: peer vectors, or registered codec samples. */
  readonly section: "vectors" | "samples";
  /** Column: the store kind (and read/write for vectors, or the peer that reads). */
  readonly column: string;
  readonly status: "passed" | "failed" | "skipped" | "not applicable";
  readonly reason?: string;
}

export interface ConformanceReport {
  readonly combinations: number;
  readonly passed: number;
  readonly failed: readonly { case: string; reason: string }[];
  readonly skipped: readonly { case: string; reason: string }[];
  readonly results: readonly CombinationResult[];
}

const FULL_MATRIX_STORES = new Set(["memory", "filesystem"]);
/**
 * Stores whose every combination costs a server's round trips (moto's S3 answers a request
 * in ~5 ms) take a sparser subset: what they see of a combination is keys and bytes.
 */
const SPARSE_STORES = new Map([["s3", 3]]);

/** Runs the conformance matrix and reports every combination. */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const registry = createRegistry(...conformanceExtensions(options.extensions ?? []));
  const context = createContext({ registry });
  const requirePeers = options.requirePeers ?? process.env.ZARRKIT_REQUIRE_PEERS === "1";
  const results: CombinationResult[] = [];
  const record = (result: CombinationResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  const { kinds, skipped } = await openStoreKinds(registry, options.stores);
  for (const s of skipped)
    record({
      case: `store ${s.name}`,
      row: "(store unavailable)",
      section: "vectors",
      column: s.name,
      status: requirePeers ? "failed" : "skipped",
      reason: s.reason,
    });
  const peerChecks: PeerCheck[] = [];
  try {
    const vectors = await loadVectors(options.vectorsDir ?? VECTORS_DIR);
    for (const { vector, dir } of vectors) {
      const files = await readVectorFiles(dir);
      for (const kind of kinds) await runVector(vector, files, kind, context, record, peerChecks);
    }
    await runExtensionSamples(registry, context, kinds, record);
    // Before the stores close: the peers read zarrkit's files where they were written.
    if (options.peers !== false)
      for (const result of await runPeerChecks(peerChecks, requirePeers)) record(result);
  } finally {
    await Promise.all(kinds.map((k) => k.close().catch(() => {})));
  }
  return summarize(results);
}

function summarize(results: readonly CombinationResult[]): ConformanceReport {
  const counted = results.filter((r) => r.status !== "not applicable");
  return {
    combinations: counted.length,
    passed: counted.filter((r) => r.status === "passed").length,
    failed: counted
      .filter((r) => r.status === "failed")
      .map((r) => ({ case: r.case, reason: r.reason ?? "" })),
    skipped: results
      .filter((r) => r.status === "skipped" || r.status === "not applicable")
      .map((r) => ({ case: r.case, reason: r.reason ?? r.status })),
    results,
  };
}

async function attempt(
  run: () => Promise<string | undefined>,
): Promise<{ status: "passed" | "failed"; reason?: string }> {
  try {
    const mismatch = await run();
    return mismatch === undefined ? { status: "passed" } : { status: "failed", reason: mismatch };
  } catch (err) {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { status: "failed", reason };
  }
}

// ---- vectors: read what peers wrote, write the same with zarrkit ----

function toleranceOf(vector: ArrayVector): Tolerance | undefined {
  const filters = vector.v2?.filters ?? [];
  for (const f of filters) {
    if (f.id === "fixedscaleoffset") return { kind: "abs", value: (0.5 / Number(f.scale)) * 1.01 };
    if (f.id === "bitround") return { kind: "rel", value: 2 ** -Number(f.keepbits) };
  }
  return undefined;
}

/** Compares the array at `path` with the vector's formula. */
async function checkArray(
  store: Store,
  path: string,
  vector: ArrayVector,
  context: Context,
): Promise<string | undefined> {
  const array = await openArray(store, path, { context, zarrFormat: vector.zarrFormat });
  if (array.dataType.name !== vector.dataType)
    return `data type ${array.dataType.name}, expected ${vector.dataType}`;
  if (array.shape.join() !== vector.shape.join())
    return `shape [${array.shape}], expected [${vector.shape}]`;
  const fill = array.dataType.decodeFillValue(array.metadata.fillValue);
  const expected = expectedElements(
    array.dataType,
    vector.shape,
    vector.written,
    fill,
    vector.finite,
  );
  return firstMismatch(
    array.dataType,
    vector.shape,
    (await array.get()).data,
    expected,
    toleranceOf(vector),
  );
}

async function runVector(
  vector: Vector,
  files: Map<string, Uint8Array>,
  kind: StoreKind,
  context: Context,
  record: (r: CombinationResult) => void,
  peerChecks: PeerCheck[],
): Promise<void> {
  const row = vector.id;
  const read = await attempt(async () => {
    const base = await kind.withFiles(files);
    if (vector.kind === "array") return checkArray(base, "", vector, context);
    // A hierarchy: through its consolidated metadata when it has some, else as stored.
    const store = vector.consolidated ? ((await ConsolidatedStore.open(base)) ?? base) : base;
    for (const [path, attributes] of Object.entries(vector.groups)) {
      const group = await openGroup(store, path, { context });
      if (JSON.stringify(group.attributes) !== JSON.stringify(attributes))
        return `group "${path}" has attributes ${JSON.stringify(group.attributes)}, expected ${JSON.stringify(attributes)}`;
    }
    if (isListable(store)) {
      const children = (await (await openGroup(store, "", { context })).children())
        .map((c) => c.name)
        .sort();
      const want = [
        ...new Set(
          [...Object.keys(vector.groups), ...vector.arrays.map((a) => a.id.split("/")[1]!)]
            .filter((p) => p !== "")
            .map((p) => p.split("/")[0]!),
        ),
      ].sort();
      if (children.join() !== want.join()) return `children [${children}], expected [${want}]`;
    }
    for (const array of vector.arrays) {
      const path = array.id.slice(vector.id.length + 1);
      const mismatch = await checkArray(store, path, array, context);
      if (mismatch !== undefined) return `array "${path}": ${mismatch}`;
    }
    return undefined;
  });
  record({
    case: `read ${vector.id} @ ${kind.name}`,
    row,
    section: "vectors",
    column: `${kind.name} read`,
    ...read,
  });

  const column = `${kind.name} write`;
  const empty = kind.empty;
  if (empty === undefined || vector.kind !== "array") {
    record({
      case: `write ${vector.id} @ ${kind.name}`,
      row,
      section: "vectors",
      column,
      status: "not applicable",
      reason: empty === undefined ? `${kind.name} is read-only` : "hierarchies are read only",
    });
    return;
  }
  const write = await attempt(async () => {
    const store = await empty();
    await writeVector(store, vector, context);
    const mismatch = await checkArray(
      kind.forReading === undefined ? store : await kind.forReading(store),
      "",
      vector,
      context,
    );
    if (mismatch === undefined && store instanceof FileSystemStore)
      peerChecks.push({ vector, path: store.root });
    return mismatch;
  });
  record({ case: `write ${vector.id} @ ${kind.name}`, row, section: "vectors", column, ...write });
}

/** zarrkit writes a vector's array: the same metadata, the formula in the same box. */
async function writeVector(store: Store, vector: ArrayVector, context: Context): Promise<void> {
  const common = {
    shape: vector.shape,
    chunkShape: vector.chunks,
    dataType: vector.dataType,
    fillValueJson: vector.fillValue,
    context,
  };
  const array =
    vector.v2 === undefined
      ? await createArray(store, "", {
          ...common,
          ...(vector.codecs === undefined ? {} : { codecs: vector.codecs }),
          ...(vector.chunkKeyEncoding === undefined
            ? {}
            : { chunkKeyEncoding: vector.chunkKeyEncoding }),
        })
      : await createArray(store, "", {
          ...common,
          zarrFormat: 2,
          compressor: vector.v2.compressor,
          filters: vector.v2.filters,
          order: vector.v2.order,
          dimensionSeparator: vector.v2.dimensionSeparator,
        });
  if (vector.written === null) return;
  const selection =
    vector.written.length === 0 ? null : vector.written.map(([a, b]) => `${a}:${b}`).join(",");
  await array.set(
    selection,
    formulaData(array.dataType, boxIndices(vector.shape, vector.written), vector.finite),
  );
}

// ---- every registered codec sample x data type x key encoding ----

const GEOMETRY: Record<number, { shape: number[]; chunks: number[]; shards: number[] }> = {
  1: { shape: [11], chunks: [4], shards: [8] },
  2: { shape: [5, 7], chunks: [2, 3], shards: [4, 6] },
  3: { shape: [5, 7, 3], chunks: [2, 3, 2], shards: [4, 6, 2] },
};

function rankOf(configuration: JsonObject | undefined): number {
  const c = configuration ?? {};
  const list = Array.isArray(c.order) ? c.order : Array.isArray(c.chunk_shape) ? c.chunk_shape : [];
  return list.length > 0 ? list.length : 2;
}

function accepts(extension: CodecExtension, dataType: DataType): boolean {
  if (extension.dataTypes === "all") return true;
  if (extension.dataTypes === "fixed-size") return !dataType.variableLength;
  return extension.dataTypes.includes(dataType.name);
}

/** The chain that puts a codec configuration in its place, with a serializer where needed. */
function chainFor(
  extension: CodecExtension,
  configuration: JsonObject | undefined,
  dataType: DataType,
): NamedConfigJson[] {
  const serializer: NamedConfigJson = dataType.variableLength
    ? { name: dataType.kind === "string" ? "vlen-utf8" : "vlen-bytes" }
    : { name: "bytes", configuration: { endian: "little" } };
  const own: NamedConfigJson =
    configuration === undefined
      ? { name: extension.name }
      : { name: extension.name, configuration };
  if (extension.codecKind === "array_to_bytes") {
    // Sharding's samples start their inner chain with `bytes`; variable-length types need vlen.
    if (dataType.variableLength && Array.isArray(configuration?.codecs)) {
      const inner = [serializer, ...configuration.codecs.slice(1)];
      return [{ name: extension.name, configuration: { ...configuration, codecs: inner } }];
    }
    return [own];
  }
  if (extension.codecKind === "array_to_array") return [own, serializer];
  return [serializer, own];
}

function lossyTolerance(
  name: string,
  configuration: JsonObject | undefined,
): Tolerance | undefined {
  if (name === "numcodecs.bitround")
    return { kind: "rel", value: 2 ** -Number(configuration?.keepbits ?? 0) };
  // Half a step of the stored integers, and 1% for float32 arithmetic on the way.
  if (name === "numcodecs.fixedscaleoffset")
    return { kind: "abs", value: (0.5 / Number(configuration?.scale ?? 1)) * 1.01 };
  return undefined;
}

function describeKeys(config: NamedConfigJson): string {
  if (typeof config === "string") return config;
  const sep = config.configuration?.separator;
  return typeof sep === "string" ? `${config.name}(${sep})` : config.name;
}

async function runExtensionSamples(
  registry: Registry,
  context: Context,
  kinds: readonly StoreKind[],
  record: (r: CombinationResult) => void,
): Promise<void> {
  // One type per name and configuration (a type's samples differ in their fill values).
  const typeSamples = new Map(
    registry
      .list("data-type")
      .flatMap((e) => e.samples)
      .map((s) => [JSON.stringify([s.name, s.configuration ?? null]), s] as const),
  );
  const dataTypes = [...typeSamples.values()].map(({ name, configuration }) =>
    registry.dataType(name, configuration),
  );
  const keyEncodings: NamedConfigJson[] = registry
    .list("chunk-key-encoding")
    .flatMap((e) =>
      e.samples.map(
        (s): NamedConfigJson =>
          s === undefined ? { name: e.name } : { name: e.name, configuration: s },
      ),
    );
  const samples = registry
    .list("codec")
    .flatMap((extension) =>
      extension.samples.map((configuration) => ({ extension, configuration })),
    );
  // The regular grid (the geometry's chunks), then every other grid's samples, which are
  // tried on the 2-d geometry.
  const grids: (NamedConfigJson | undefined)[] = [
    undefined,
    ...registry
      .list("chunk-grid")
      .filter((e) => e.name !== "regular")
      .flatMap((e) =>
        e.samples.map(
          (s): NamedConfigJson =>
            s === undefined ? { name: e.name } : { name: e.name, configuration: s },
        ),
      ),
  ];
  for (const kind of kinds) {
    const empty = kind.empty;
    let n = 0;
    for (const [s, { extension, configuration }] of samples.entries()) {
      const row = sampleLabel(extension, configuration);
      const types = dataTypes.filter((t) => accepts(extension, t));
      for (const [t, dataType] of types.entries()) {
        for (const [k, keys] of keyEncodings.entries())
          for (const [g, grid] of grids.entries()) {
            // memory and filesystem get every combination on the regular grid, memory on the
            // others too; the rest a rotating subset (sparser on the other grids, whose chunks
            // reach a store as any others do) in which every codec sample, data type, key
            // encoding and grid still appears.
            const full =
              kind.name === "memory" || (grid === undefined && FULL_MATRIX_STORES.has(kind.name));
            const every = (grid === undefined ? 4 : 8) * (SPARSE_STORES.get(kind.name) ?? 1);
            if (!full && (s + t + k + g) % every !== 0) continue;
            const gridLabel = grid === undefined ? "" : ` x ${describeKeys(grid)}`;
            const label = `${row} x ${dataType.name} x ${describeKeys(keys)}${gridLabel} @ ${kind.name}`;
            const column = kind.name;
            if (grid !== undefined && rankOf(configuration) !== 2) continue;
            if (grid !== undefined && extension.name === "sharding_indexed") {
              // A sample's inner chunks tile its own shards, not another grid's chunks.
              if (t === 0 && k === 0)
                record({
                  case: `write ${label}`,
                  row,
                  section: "samples",
                  column,
                  status: "not applicable",
                  reason: "a sharding sample's inner chunks are made for the regular grid's shards",
                });
              continue;
            }
            if (empty === undefined) {
              if (n++ === 0)
                record({
                  case: `write samples @ ${kind.name}`,
                  row: "(samples)",
                  section: "samples",
                  column,
                  status: "not applicable",
                  reason: `${kind.name} is read-only`,
                });
              continue;
            }
            const result = await attempt(async () => {
              const { shape, chunks, shards } =
                GEOMETRY[grid === undefined ? rankOf(configuration) : 2]!;
              const store = await empty();
              const array = await createArray(store, "", {
                shape,
                ...(grid === undefined
                  ? { chunkShape: extension.name === "sharding_indexed" ? shards : chunks }
                  : { chunkGrid: grid }),
                dataType: dataType.name,
                ...(dataType.configuration === undefined
                  ? {}
                  : { dataTypeConfiguration: dataType.configuration }),
                codecs: chainFor(extension, configuration, dataType),
                chunkKeyEncoding: keys,
                context,
              });
              const count = shape.reduce((a, b) => a * b, 1);
              const indices = Array.from({ length: count }, (_, i) => i);
              // A NaN poisons every later element of a delta's running sum (in numcodecs too).
              const finite =
                extension.name === "numcodecs.delta" ||
                lossyTolerance(extension.name, configuration) !== undefined;
              await array.set(null, formulaData(dataType, indices, finite));
              const reading = kind.forReading === undefined ? store : await kind.forReading(store);
              const back = await open(reading, "", { context });
              if (back.kind !== "array") return "reopened as a group";
              const fill = new Uint8Array(dataType.itemSize);
              const expected = expectedElements(dataType, shape, wholeBox(shape), fill, finite);
              const tolerance = lossyTolerance(extension.name, configuration);
              const whole = firstMismatch(
                dataType,
                shape,
                (await back.get()).data,
                expected,
                tolerance,
              );
              if (whole !== undefined) return whole;
              // Points: the paths that read and update parts of chunks (partial decoders).
              const at = [count - 1, 0, Math.floor(count / 2), 0];
              const read = await back.getCoordinates(coordinatesOf(shape, at));
              const points = firstMismatch(
                dataType,
                [at.length],
                read.data,
                at.map((i) => expected[i]!),
                tolerance,
              );
              if (points !== undefined) return `points read: ${points}`;
              await array.setCoordinates(
                coordinatesOf(shape, [count - 1, 0]),
                formulaData(dataType, [1, 2], finite),
              );
              const rereading =
                kind.forReading === undefined ? store : await kind.forReading(store);
              const again = await open(rereading, "", { context });
              if (again.kind !== "array") return "reopened as a group";
              const changed = firstMismatch(
                dataType,
                [3],
                (await again.getCoordinates(coordinatesOf(shape, [count - 1, 0, 1]))).data,
                [expected[1]!, expected[2]!, expected[1]!],
                tolerance,
              );
              return changed === undefined ? undefined : `points written: ${changed}`;
            });
            record({
              case: `write ${label}`,
              row: `${row} ${dataType.name}`,
              section: "samples",
              column,
              ...result,
            });
          }
      }
    }
  }
}

/** "gzip {"level":5}", or "sharding_indexed #2" when the configuration is long. */
function sampleLabel(extension: CodecExtension, configuration: JsonObject | undefined): string {
  const text = JSON.stringify(configuration ?? {});
  if (text.length <= 48) return `${extension.name} ${text}`;
  return `${extension.name} #${extension.samples.indexOf(configuration) + 1}`;
}

/** Flat C-order indices of `shape` as a coordinate selection. */
function coordinatesOf(shape: readonly number[], flat: readonly number[]): number[][] {
  return shape.map((n, d) => {
    const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    return flat.map((i) => Math.floor(i / inner) % n);
  });
}

function wholeBox(shape: readonly number[]): Box {
  return shape.map((n) => [0, n] as const);
}
