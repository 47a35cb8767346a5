import { type ByteRange, MemoryStore, type StoreGetOptions } from "../index.js";

/**
 * A MemoryStore that behaves like a store across a network: a read takes the value at once and
 * answers `readMs` later (failing then if its signal was aborted), a write lands `writeMs` after
 * it is made. Reads and writes of one key then overlap the way they do in production, which a
 * store that waits before reading hides. `reads` lists the reads asked for, in order.
 */
export function answersLaterStore({ readMs = 0, writeMs = 0 } = {}) {
  const inner = new MemoryStore();
  const reads: { key: string; range: ByteRange | undefined }[] = [];
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    inner,
    reads,
    get: async (key: string, options?: StoreGetOptions) => {
      reads.push({ key, range: options?.range });
      const value = await inner.get(key, options);
      await later(readMs);
      options?.signal?.throwIfAborted();
      return value;
    },
    set: async (key: string, value: Uint8Array) => {
      await later(writeMs);
      await inner.set(key, value);
    },
    delete: (key: string) => inner.delete(key),
  };
}
