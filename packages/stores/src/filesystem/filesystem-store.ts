import type { Dirent } from "node:fs";
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import {
  assertValidKey,
  assertValidPrefix,
  type ByteRange,
  expandRuns,
  isZarrkitError,
  type ListableStore,
  resolveRange,
  type StoreCapabilities,
  type StoreEntry,
  StoreError,
  type StoreGetOptions,
  type StridedRuns,
  throwIfAborted,
  type WritableStore,
} from "@zarrkit/core";
import type { NativeFileIO } from "@zarrkit/native";
import { loadNativeFileIO } from "./native-file-io.js";

export interface FileSystemStoreOptions {
  /** Refuse writes and deletes (default false). */
  readOnly?: boolean;
  /**
   * Read and write whole values through @zarrkit/native when it is installed (default true):
   * one thread-pool job per value instead of node:fs's one per system call.
   */
  native?: boolean;
}

const TEMP_SUFFIX = ".zarrkit-tmp";
const nativeIO = await loadNativeFileIO();

/**
 * Keys as files under a root directory. Reads of ranges touch only those bytes; writes go to a
 * temporary file in the same directory and are renamed into place, so readers never see half a
 * chunk. Deleting a key leaves its (possibly empty) directory: other writers may be using it.
 */
export class FileSystemStore implements WritableStore, ListableStore {
  readonly root: string;
  readonly capabilities: StoreCapabilities;
  readonly #readOnly: boolean;
  readonly #native: NativeFileIO | undefined;
  /** The root with a trailing separator: a checked key appended to it names its file. */
  readonly #prefix: string;
  /** Names this instance's temporary files (made on the first write); `#writes` numbers them. */
  #tempTag: string | undefined;
  #writes = 0;

  constructor(root: string | URL, options: FileSystemStoreOptions = {}) {
    this.root = resolve(
      root instanceof URL || root.startsWith("file:") ? fileURLToPath(root) : root,
    );
    this.#prefix = this.root.endsWith(sep) ? this.root : this.root + sep;
    this.#readOnly = options.readOnly ?? false;
    this.#native = options.native === false ? undefined : nativeIO;
    // Chunk writes at once, as measured fastest here (128 MiB of zstd or sharded zstd chunks):
    // 4 on node:fs (10-15% faster than 16), 8 with native jobs that each write a whole file.
    // Reads keep the context's concurrency.
    this.capabilities = {
      readable: true,
      writable: !this.#readOnly,
      listable: true,
      ranges: true,
      writeConcurrency: this.#native === undefined ? 4 : 8,
      copiesValues: true,
    };
  }

  /**
   * The file of a key. A valid key has no empty, "." or ".." segments, no backslash and no
   * leading "/" or drive letter, so appended to the root it stays below it.
   */
  #path(key: string): string {
    assertValidKey(key);
    return this.#prefix + (sep === "/" ? key : key.replaceAll("/", sep));
  }

  async get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    if (this.#native !== undefined)
      return this.#readNative(key, this.#native, options.range, options.signal);
    const [value] = await this.#read(key, [options.range], options.signal);
    return value;
  }

  /**
   * The file's identity, size and modification time: a rewrite (renamed into place, so a new
   * file) changes it, whichever process made it.
   */
  async version(key: string): Promise<string | undefined> {
    try {
      const s = await stat(this.#path(key), { bigint: true });
      return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw storeError("stat", key, err);
    }
  }

  async getRanges(
    key: string,
    ranges: readonly ByteRange[],
    options: { signal?: AbortSignal } = {},
  ): Promise<(Uint8Array | undefined)[]> {
    return this.#read(key, ranges, options.signal);
  }

  /**
   * On node:fs, reads the value into the memory `lend` gives. Natively, into the addon's own
   * recycled memory instead (one job, no size asked first): memory touched before, where new
   * memory costs a page fault per 4 KiB, and still reused by the next operation.
   */
  async getWith(
    key: string,
    lend: (size: number) => Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<Uint8Array | undefined> {
    const native = this.#native;
    if (native !== undefined) return this.#readNative(key, native, undefined, options.signal);
    const [value] = await this.#read(key, [undefined], options.signal, lend);
    return value;
  }

  /**
   * The file of `key`, for codecs that read and decode it in one job (the addon's): offered
   * only with the addon's file I/O, as `native: false` keeps every read on node:fs. Such reads
   * do not go through `get`: a subclass that must see every read overrides this to return
   * undefined (as it would getWith and getInto).
   */
  localFile(key: string): string | undefined {
    return this.#native === undefined ? undefined : this.#path(key);
  }

  async #readNative(
    key: string,
    native: NativeFileIO,
    range: ByteRange | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Uint8Array | undefined> {
    const path = this.#path(key);
    throwIfAborted(signal, { key });
    // Checked as resolveRange checks them; the addon checks the end against the file.
    if (range !== undefined) resolveRange(range, Number.MAX_SAFE_INTEGER, key);
    let value: Uint8Array | undefined;
    try {
      value = await native.readFile(path, range);
    } catch (err) {
      if (isErrno(err, "EISDIR")) return undefined;
      throw storeError("read", key, err);
    }
    throwIfAborted(signal, { key });
    return value;
  }

  /** getInto for strided targets: one description to the addon, else their views to node:fs. */
  async getIntoStrided(
    key: string,
    targets: StridedRuns,
    options: { signal?: AbortSignal } = {},
  ): Promise<number | undefined> {
    if (this.#native === undefined)
      return this.#readFsInto(key, expandRuns(targets), options.signal);
    return this.#readNativeInto(this.#native, key, targets, options.signal);
  }

  /** The addon's one-job scatter read (readFileInto), as getInto resolves. */
  async #readNativeInto(
    native: NativeFileIO,
    key: string,
    targets: readonly Uint8Array[] | StridedRuns,
    signal: AbortSignal | undefined,
  ): Promise<number | undefined> {
    const path = this.#path(key);
    throwIfAborted(signal, { key });
    let size: number;
    try {
      size = await native.readFileInto(path, targets);
    } catch (err) {
      throw storeError("read", key, err);
    }
    throwIfAborted(signal, { key });
    return size < 0 ? undefined : size;
  }

  /** A scatter read (readv) of the whole file, when its size is the targets' total. */
  async getInto(
    key: string,
    targets: readonly Uint8Array[],
    options: { signal?: AbortSignal } = {},
  ): Promise<number | undefined> {
    if (this.#native !== undefined)
      return this.#readNativeInto(this.#native, key, targets, options.signal);
    return this.#readFsInto(key, targets, options.signal);
  }

  /** node:fs's scatter read: open, fstat, readv until done, close. */
  async #readFsInto(
    key: string,
    targets: readonly Uint8Array[],
    signal: AbortSignal | undefined,
  ): Promise<number | undefined> {
    const path = this.#path(key);
    throwIfAborted(signal, { key });
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw storeError("open", key, err);
    }
    try {
      const info = await handle.stat();
      if (info.isDirectory()) return undefined;
      const total = targets.reduce((n, t) => n + t.byteLength, 0);
      if (info.size !== total) return info.size;
      let position = 0;
      await transferAll(targets, async (views) => {
        const { bytesRead } = await handle.readv(views, position);
        if (bytesRead === 0)
          throw new StoreError(`${key} shrank while being read (${position} of ${total} bytes)`, {
            key,
          });
        position += bytesRead;
        return bytesRead;
      });
      throwIfAborted(signal, { key });
      return total;
    } catch (err) {
      if (isZarrkitError(err)) throw err;
      if (isErrno(err, "EISDIR")) return undefined;
      throw storeError("read", key, err);
    } finally {
      await handle.close();
    }
  }

  /** One open file handle for any number of (range) reads. */
  async #read(
    key: string,
    ranges: readonly (ByteRange | undefined)[],
    signal: AbortSignal | undefined,
    lend: (size: number) => Uint8Array = (size) => new Uint8Array(size),
  ): Promise<(Uint8Array | undefined)[]> {
    const path = this.#path(key);
    throwIfAborted(signal, { key });
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (err) {
      if (isMissing(err)) return ranges.map(() => undefined);
      throw storeError("open", key, err);
    }
    try {
      const info = await handle.stat();
      if (info.isDirectory()) return ranges.map(() => undefined);
      const out: Uint8Array[] = [];
      for (const range of ranges) {
        const [start, end] =
          range === undefined ? [0, info.size] : resolveRange(range, info.size, key);
        const buffer = lend(end - start);
        if (buffer.length !== end - start)
          throw new RangeError(`lent ${buffer.length} bytes for a value of ${end - start}`);
        let done = 0;
        while (done < buffer.length) {
          const { bytesRead } = await handle.read(buffer, done, buffer.length - done, start + done);
          if (bytesRead === 0)
            throw new StoreError(
              `${key} shrank while being read (${done} of ${buffer.length} bytes)`,
              { key },
            );
          done += bytesRead;
        }
        out.push(buffer);
      }
      throwIfAborted(signal, { key });
      return out;
    } catch (err) {
      if (isZarrkitError(err)) throw err;
      if (isErrno(err, "EISDIR")) return ranges.map(() => undefined);
      throw storeError("read", key, err);
    } finally {
      await handle.close();
    }
  }

  async set(key: string, value: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#write(key, [value], options.signal);
  }

  async setParts(
    key: string,
    parts: readonly Uint8Array[],
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    await this.#write(key, parts, options.signal);
  }

  /** setParts for strided parts: one description to the addon, else their views to node:fs. */
  async setPartsStrided(
    key: string,
    parts: StridedRuns,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    await this.#write(key, parts, options.signal);
  }

  /**
   * Natively, every file in one job (each still written to a temporary file and renamed);
   * on node:fs, one after another.
   */
  async setMany(
    entries: readonly StoreEntry[],
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const { signal } = options;
    const native = this.#native;
    if (native === undefined) {
      for (const [key, value] of entries) await this.#write(key, [value], signal);
      return;
    }
    const keys = entries.map(([key]) => key);
    const values = entries.map(([, value]) => value);
    await this.#writeMany(keys, signal, (paths, temps) =>
      native.writeFilesAtomic(paths, temps, values),
    );
  }

  /** setMany for runs moved to each offset: natively one job, else one write each. */
  async setManyStrided(
    keys: readonly string[],
    runs: StridedRuns,
    offsets: Float64Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const { signal } = options;
    const native = this.#native;
    if (keys.length !== offsets.length)
      throw new RangeError(`${keys.length} keys but ${offsets.length} offsets`);
    if (native === undefined) {
      for (const [i, key] of keys.entries())
        await this.#write(key, { ...runs, offset: offsets[i]! }, signal);
      return;
    }
    await this.#writeMany(keys, signal, (paths, temps) =>
      native.writeFilesAtomic(paths, temps, runs, offsets),
    );
  }

  /** Writes the files of `keys` in one native call, a failure naming the key it failed at. */
  async #writeMany(
    keys: readonly string[],
    signal: AbortSignal | undefined,
    write: (paths: readonly string[], temps: readonly string[]) => Promise<void>,
  ): Promise<void> {
    const paths = keys.map((key) => {
      this.#assertWritable(key);
      return this.#path(key);
    });
    throwIfAborted(signal, {});
    try {
      await write(
        paths,
        paths.map((path) => this.#tempFor(path)),
      );
    } catch (err) {
      const at = err instanceof Error && "index" in err ? Number(err.index) : 0;
      throw storeError("write", keys[at] ?? "", err);
    }
  }

  /**
   * A temporary file beside `path`, unique without asking for randomness per write: this
   * store's tag (the process, and 48 random bits for stores of processes with the same pid on
   * other hosts), then a counter. Not node:crypto: ~7 ms to import, for names that need no
   * secrecy.
   */
  #tempFor(path: string): string {
    this.#tempTag ??= `${process.pid.toString(36)}-${Math.floor(Math.random() * 2 ** 48).toString(36)}`;
    // `path` is this store's root joined with a checked key: its directory ends at the last sep.
    const dir = path.slice(0, path.lastIndexOf(sep) + 1);
    return `${dir}.${this.#tempTag}-${this.#writes++}${TEMP_SUFFIX}`;
  }

  /** Gathers `parts` into a temporary file (one writev) that is then renamed into place. */
  async #write(
    key: string,
    parts: readonly Uint8Array[] | StridedRuns,
    signal: AbortSignal | undefined,
  ) {
    const path = this.#path(key);
    this.#assertWritable(key);
    throwIfAborted(signal, { key });
    const temp = this.#tempFor(path);
    if (this.#native !== undefined) {
      try {
        await this.#native.writeFileAtomic(path, temp, parts);
      } catch (err) {
        throw storeError("write", key, err);
      }
      return;
    }
    try {
      let handle: FileHandle;
      try {
        handle = await open(temp, "w");
      } catch (err) {
        // The directory is made on the first write below it, not checked on every write.
        if (!isErrno(err, "ENOENT")) throw err;
        await mkdir(dirname(path), { recursive: true });
        handle = await open(temp, "w");
      }
      try {
        await transferAll("bytes" in parts ? expandRuns(parts) : parts, (views) =>
          handle.writev(views).then((r) => r.bytesWritten),
        );
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw storeError("write", key, err);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    this.#assertWritable(key);
    try {
      await unlink(path);
    } catch (err) {
      if (isMissing(err)) return;
      throw storeError("delete", key, err);
    }
  }

  /**
   * Removes the empty directories left under `prefix` (and its own, unless it is the root)
   * once its keys are deleted. Files that are not keys stay, with the directories holding them.
   */
  async deletePrefix(prefix: string): Promise<void> {
    assertValidPrefix(prefix);
    this.#assertWritable(prefix);
    const key = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
    try {
      await removeEmptyDirectories(key === "" ? this.root : this.#path(key), key !== "");
    } catch (err) {
      throw storeError("delete", prefix, err);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    // Walk only the directory the prefix names (or its parent when it ends mid-name).
    const slash = prefix.lastIndexOf("/");
    const base = prefix.slice(0, slash + 1);
    const keys: string[] = [];
    await this.#walk(base, keys);
    for (const key of keys.sort()) if (key.startsWith(prefix)) yield key;
  }

  async #walk(dirKey: string, into: string[]): Promise<void> {
    const dir = dirKey === "" ? this.root : this.#path(dirKey.slice(0, -1));
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw storeError("list", dirKey, err);
    }
    for (const entry of entries) {
      if (entry.name.endsWith(TEMP_SUFFIX)) continue;
      if (entry.isDirectory()) await this.#walk(`${dirKey}${entry.name}/`, into);
      else if (entry.isFile()) into.push(`${dirKey}${entry.name}`);
    }
  }

  async listDir(prefix: string): Promise<{ keys: string[]; prefixes: string[] }> {
    assertValidPrefix(prefix);
    if (prefix !== "" && !prefix.endsWith("/"))
      throw new StoreError(
        `listDir prefix must be "" or end in "/", got ${JSON.stringify(prefix)}`,
        { key: prefix },
      );
    const dir = prefix === "" ? this.root : this.#path(prefix.slice(0, -1));
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return { keys: [], prefixes: [] };
      throw storeError("list", prefix, err);
    }
    const keys: string[] = [];
    const prefixes: string[] = [];
    for (const entry of entries) {
      if (entry.name.endsWith(TEMP_SUFFIX)) continue;
      if (entry.isDirectory()) prefixes.push(`${entry.name}/`);
      else if (entry.isFile()) keys.push(entry.name);
    }
    return { keys: keys.sort(), prefixes: prefixes.sort() };
  }

  #assertWritable(key: string): void {
    if (this.#readOnly)
      throw new StoreError(`store at ${this.root} is read-only (writing ${key})`, { key });
  }
}

/**
 * Moves every byte of `views` through `move` (one readv/writev), which may move fewer than
 * asked (the kernel caps the pieces per call): it is called again on what is left.
 */
async function transferAll(
  views: readonly Uint8Array[],
  move: (views: Uint8Array[]) => Promise<number>,
): Promise<void> {
  let rest = views.filter((v) => v.byteLength > 0);
  while (rest.length > 0) {
    let moved = await move(rest);
    if (moved === 0) throw new Error("the file system moved no bytes");
    let i = 0;
    while (i < rest.length && moved >= rest[i]!.byteLength) moved -= rest[i++]!.byteLength;
    rest = rest.slice(i);
    if (moved > 0) rest[0] = rest[0]!.subarray(moved);
  }
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  return (
    err instanceof Error &&
    "code" in err &&
    typeof err.code === "string" &&
    codes.includes(err.code)
  );
}

/** A missing file, or a path through something that is not a directory: "not found". */
function isMissing(err: unknown): boolean {
  return isErrno(err, "ENOENT", "ENOTDIR");
}

function storeError(action: string, key: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new StoreError(`cannot ${action} ${key}: ${why}`, { key, cause: err });
}

/** Removes the empty directories below `dir` (and `dir` itself when `self`); whether it was empty. */
async function removeEmptyDirectories(dir: string, self: boolean): Promise<boolean> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return true;
    throw err;
  }
  let empty = true;
  for (const entry of entries) {
    const removed =
      entry.isDirectory() && (await removeEmptyDirectories(resolve(dir, entry.name), true));
    if (!removed) empty = false;
  }
  if (!empty || !self) return empty;
  try {
    await rmdir(dir);
  } catch (err) {
    // A key written there meanwhile keeps its directory.
    if (err instanceof Error && "code" in err && err.code === "ENOTEMPTY") return false;
    throw err;
  }
  return true;
}
