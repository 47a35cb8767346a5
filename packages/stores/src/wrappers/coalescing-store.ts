import type { ByteRange, ReadableStore, Store, StoreGetOptions } from "@zarrkit/core";

interface Waiting {
  readonly offset: number;
  readonly length: number;
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
  readonly #pending = new Map<string, Waiting[]>();
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
    return new Promise((resolve, reject) => {
      const list = this.#pending.get(key) ?? [];
      list.push({ offset: range.offset, length: range.length, resolve, reject });
      this.#pending.set(key, list);
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
    for (const [key, waiting] of batches) {
      waiting.sort((a, b) => a.offset - b.offset);
      let group: Waiting[] = [];
      let end = 0;
      for (const w of waiting) {
        const start = group[0]?.offset ?? w.offset;
        if (
          group.length > 0 &&
          (w.offset > end + this.#maxGap || w.offset + w.length - start > this.#maxRequest)
        ) {
          this.#fetch(key, group, end);
          group = [];
        }
        group.push(w);
        end = Math.max(group.length === 1 ? 0 : end, w.offset + w.length);
      }
      if (group.length > 0) this.#fetch(key, group, end);
    }
  }

  #fetch(key: string, group: readonly Waiting[], end: number): void {
    const start = group[0]!.offset;
    this.requests++;
    this.store.get(key, { range: { offset: start, length: end - start } }).then(
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
