import {
  assertValidKey,
  assertValidPrefix,
  type ByteRange,
  CorruptChunkError,
  childrenOf,
  type ListableStore,
  type ReadableStore,
  resolveRange,
  type StoreCapabilities,
  type StoreGetOptions,
} from "@zarrkit/core";
import {
  localHeaderLength,
  locateDirectory,
  parseDirectory,
  readZip64Record,
  type ZipEntry,
} from "./zip-directory.js";

/**
 * A read-only store over a zip archive that is itself a value in another store (a file, an HTTP
 * URL, ...). Only range reads touch the archive: its tail, the central directory, and then the
 * entries asked for, so a remote zip is never downloaded whole. Stored entries serve sub-ranges
 * directly; deflated ones are inflated whole (DecompressionStream, so browsers work too).
 */
export class ZipStore implements ReadableStore, ListableStore {
  readonly source: ReadableStore;
  readonly archive: string;
  /** Path inside the archive that this store is rooted at ("" or ending in "/"). */
  readonly prefix: string;
  readonly capabilities: StoreCapabilities = {
    readable: true,
    writable: false,
    listable: true,
    ranges: true,
  };
  #directory: Promise<Map<string, ZipEntry>> | undefined;
  readonly #dataOffsets = new Map<string, Promise<number>>();

  constructor(source: ReadableStore, archive: string, options: { prefix?: string } = {}) {
    this.source = source;
    this.archive = archive;
    const prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
    this.prefix = prefix === "" ? "" : `${prefix}/`;
  }

  #read(range: ByteRange, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    return this.source.get(this.archive, signal === undefined ? { range } : { range, signal });
  }

  /** The central directory, read once (an archive that does not exist is an empty store). */
  directory(): Promise<Map<string, ZipEntry>> {
    this.#directory ??= (async () => {
      const tail = await this.#read({ suffix: 22 + 0xffff });
      if (tail === undefined) return new Map();
      let location = locateDirectory(tail, this.archive);
      if (location.zip64RecordOffset !== undefined) {
        const record = await this.#read({ offset: location.zip64RecordOffset, length: 56 });
        location = readZip64Record(record ?? new Uint8Array(0), this.archive);
      }
      const directory = await this.#read({ offset: location.offset, length: location.size });
      return parseDirectory(directory ?? new Uint8Array(0), this.archive);
    })();
    const pending = this.#directory;
    // A failed read is not remembered: the next call tries again.
    pending.catch(() => {
      if (this.#directory === pending) this.#directory = undefined;
    });
    return pending;
  }

  async #dataOffset(entry: ZipEntry, signal?: AbortSignal): Promise<number> {
    let offset = this.#dataOffsets.get(entry.name);
    if (offset === undefined) {
      offset = this.#read({ offset: entry.localHeaderOffset, length: 30 }, signal).then(
        (header) =>
          entry.localHeaderOffset +
          localHeaderLength(header ?? new Uint8Array(0), this.archive, entry.name),
      );
      this.#dataOffsets.set(entry.name, offset);
      offset.catch(() => this.#dataOffsets.delete(entry.name));
    }
    return offset;
  }

  async get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    assertValidKey(key);
    const entry = (await this.directory()).get(this.prefix + key);
    if (entry === undefined) return undefined;
    const start = await this.#dataOffset(entry, options.signal);
    if (entry.method === 0) {
      const [from, to] =
        options.range === undefined
          ? [0, entry.size]
          : resolveRange(options.range, entry.size, key);
      return (
        (await this.#read({ offset: start + from, length: to - from }, options.signal)) ??
        this.#vanished(key)
      );
    }
    if (entry.method !== 8)
      throw new CorruptChunkError(
        `zip entry ${entry.name} uses compression method ${entry.method}`,
        { key },
      );
    const compressed =
      (await this.#read({ offset: start, length: entry.compressedSize }, options.signal)) ??
      this.#vanished(key);
    const value = await inflateRaw(compressed, entry, key);
    if (options.range === undefined) return value;
    const [from, to] = resolveRange(options.range, value.length, key);
    return value.subarray(from, to);
  }

  #vanished(key: string): never {
    throw new CorruptChunkError(`zip archive ${this.archive} ended before entry ${key}`, { key });
  }

  async getRanges(
    key: string,
    ranges: readonly ByteRange[],
    options: { signal?: AbortSignal } = {},
  ): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(ranges.map((range) => this.get(key, { range, ...options })));
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    const keys = [...(await this.directory()).keys()]
      .filter((name) => name.startsWith(this.prefix + prefix))
      .map((name) => name.slice(this.prefix.length))
      .sort();
    yield* keys;
  }

  async listDir(prefix: string): Promise<{ keys: string[]; prefixes: string[] }> {
    const keys: string[] = [];
    for await (const key of this.list(prefix)) keys.push(key);
    return childrenOf(keys, prefix);
  }
}

async function inflateRaw(
  compressed: Uint8Array,
  entry: ZipEntry,
  key: string,
): Promise<Uint8Array> {
  let value: Uint8Array;
  try {
    const stream = new Blob([compressed])
      .stream()
      .pipeThrough(new DecompressionStream("deflate-raw"));
    value = new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    throw new CorruptChunkError(`zip entry ${entry.name} cannot be inflated`, { key, cause: err });
  }
  if (value.length !== entry.size) {
    throw new CorruptChunkError(
      `zip entry ${entry.name} inflated to ${value.length} bytes, not ${entry.size}`,
      { key },
    );
  }
  return value;
}
