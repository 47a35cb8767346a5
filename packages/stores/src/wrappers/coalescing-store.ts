import type { ByteRange, ReadableStore, Store, StoreGetOptions } from "@zarrkit/core";

interface Waiting {
  readonly offset: number;
  readonly length: number;
  readonly onVersion: ((version: string) => void) | undefined;
  resolve(value: Uint8Array | undefined): void;
  reject(error: unknown): void;
}

export interface CoalescingOptions {
  /** Ranges at most this many bytes apart are fetched in one request (default 16 KiB). */
  maxGap?: number;
  /** A merged request never spans more than this (default 16 MiB). */
  maxRequest?: number;
}

/**
 * Merges nearby range reads of the same key that are issued together (within one turn of the
 * event loop) into single requests, and slices each caller's bytes out of the result: the
 * shape of reads that sharded and remote arrays make. Everything else passes straight through.
 */
export class CoalescingStore implements ReadableStore {
  readonly store: Store;
  readonly #maxGap: number;
  readonly #maxRequest: number;
  /** Reads waiting to be merged, by key and the version they read (see StoreGetOptions). */
  readonly #pending = new Map<string, { ifVersion: string | undefined; waiting: Waiting[] }>();
  #scheduled = false;
  /** Requests actually sent to the wrapped store (for tests and tuning). */
  requests = 0;

  constructor(store: Store, options: CoalescingOptions = {}) {
    this.store = store;
    this.#maxGap = options.maxGap ?? 16 << 10;
    this.#maxRequest = options.maxRequest ?? 16 << 20;
  }

  get capabilities() {
    return this.store.capabilities;
  }

  get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    const { range } = options;
    // Abortable reads, whole values and suffixes are not merged.
    if (range === undefined || "suffix" in range || options.signal !== undefined) {
      this.requests++;
      return this.store.get(key, options);
    }
    const { ifVersion, onVersion } = options;
    return new Promise((resolve, reject) => {
      const id = `${key}\u0000${ifVersion ?? ""}`;
      const pending = this.#pending.get(id) ?? { ifVersion, waiting: [] };
      pending.waiting.push({
        offset: range.offset,
        length: range.length,
        onVersion,
        resolve,
        reject,
      });
      this.#pending.set(id, pending);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setTimeout(() => this.#flush(), 0);
      }
    });
  }

  getRanges(key: string, ranges: readonly ByteRange[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(ranges.map((range) => this.get(key, { range })));
  }

  #flush(): void {
    this.#scheduled = false;
    const batches = [...this.#pending];
    this.#pending.clear();
    for (const [id, { ifVersion, waiting }] of batches) {
      const key = id.slice(0, id.indexOf("\u0000"));
      waiting.sort((a, b) => a.offset - b.offset);
      let group: Waiting[] = [];
      let end = 0;
      for (const w of waiting) {
        const start = group[0]?.offset ?? w.offset;
        if (
          group.length > 0 &&
          (w.offset > end + this.#maxGap || w.offset + w.length - start > this.#maxRequest)
        ) {
          this.#fetch(key, ifVersion, group, end);
          group = [];
        }
        group.push(w);
        end = Math.max(group.length === 1 ? 0 : end, w.offset + w.length);
      }
      if (group.length > 0) this.#fetch(key, ifVersion, group, end);
    }
  }

  #fetch(key: string, ifVersion: string | undefined, group: readonly Waiting[], end: number): void {
    const start = group[0]!.offset;
    this.requests++;
    const onVersion = (version: string) => {
      for (const w of group) w.onVersion?.(version);
    };
    const range = { offset: start, length: end - start };
    this.store.get(key, { range, onVersion, ...(ifVersion !== undefined && { ifVersion }) }).then(
      (bytes) => {
        for (const w of group) {
          w.resolve(
            bytes === undefined
              ? undefined
              : bytes.slice(w.offset - start, w.offset - start + w.length),
          );
        }
      },
      (error: unknown) => {
        for (const w of group) w.reject(error);
      },
    );
  }
}
