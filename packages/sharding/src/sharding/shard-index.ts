import { CorruptChunkError } from "@zarrkit/core";

/** 2^64 - 1 in both fields marks an inner chunk that is not stored (the fill value). */
export const EMPTY = 0xffffffffffffffffn;

/** Where the low 32 bits of each uint64 lie in the platform's byte order (its typed arrays'). */
const LOW = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 0 : 1;
const EMPTY_HALF = 0xffffffff;
/** The high half of the first value past Number.MAX_SAFE_INTEGER (2^53). */
const UNSAFE_HIGH = 0x200000;

/** A decoded shard index: per inner chunk (C order), its byte offset and length in the shard. */
export class ShardIndex {
  /** Interleaved (offset, nbytes) pairs. */
  readonly entries: BigUint64Array;
  /**
   * The same memory as 32-bit halves: reading a BigUint64Array allocates a BigInt per element,
   * and readers look entries up (and validate them all) on every shard they open.
   */
  readonly #halves: Uint32Array;

  constructor(entries: BigUint64Array) {
    this.entries = entries;
    this.#halves = new Uint32Array(entries.buffer, entries.byteOffset, entries.length * 2);
  }

  static empty(count: number): ShardIndex {
    return new ShardIndex(new BigUint64Array(count * 2).fill(EMPTY));
  }

  get count(): number {
    return this.entries.length / 2;
  }

  /** Field `f` (0 offset, 1 nbytes) of entry `i` as a number; NaN when 2^64 - 1 or unsafe. */
  #field(i: number, f: number): number {
    const at = 2 * (2 * i + f);
    const low = this.#halves[at + LOW]!;
    const high = this.#halves[at + 1 - LOW]!;
    if (high >= UNSAFE_HIGH) return Number.NaN;
    return high * 0x100000000 + low;
  }

  #isEmpty(i: number): boolean {
    const h = this.#halves;
    const at = 4 * i;
    return (h[at]! & h[at + 1]! & h[at + 2]! & h[at + 3]!) === (EMPTY_HALF | 0);
  }

  /** [offset, nbytes] of inner chunk `i`, or undefined if it is empty. */
  get(i: number): [number, number] | undefined {
    if (this.#isEmpty(i)) return undefined;
    return [this.#field(i, 0), this.#field(i, 1)];
  }

  set(i: number, offset: number, nbytes: number): void {
    this.entries[2 * i] = BigInt(offset);
    this.entries[2 * i + 1] = BigInt(nbytes);
  }

  /** Checks every stored range lies inside `[dataStart, dataEnd)` and that none overlap. */
  validate(dataStart: number, dataEnd: number, key?: string): void {
    let previousEnd = dataStart;
    let ascending = true;
    for (let i = 0; i < this.count; i++) {
      if (this.#isEmpty(i)) continue;
      const offset = this.#field(i, 0);
      const nbytes = this.#field(i, 1);
      // NaN (2^64 - 1 in one field only, or past 2^53) fails these comparisons too.
      if (!(offset >= dataStart && offset + nbytes <= dataEnd)) {
        throw new CorruptChunkError(
          `shard index entry ${i} (offset ${this.entries[2 * i]}, ${this.entries[2 * i + 1]} bytes) lies outside the shard's data`,
          { key },
        );
      }
      if (offset < previousEnd) ascending = false;
      previousEnd = offset + nbytes;
    }
    // Writers store inner chunks in index order, so this is rarely needed.
    if (!ascending) this.#checkOverlaps(key);
  }

  #checkOverlaps(key: string | undefined): void {
    const stored: number[] = [];
    for (let i = 0; i < this.count; i++) if (!this.#isEmpty(i)) stored.push(i);
    stored.sort((a, b) => this.#field(a, 0) - this.#field(b, 0));
    for (let k = 1; k < stored.length; k++) {
      const before = stored[k - 1]!;
      const start = this.#field(stored[k]!, 0);
      if (start < this.#field(before, 0) + this.#field(before, 1)) {
        throw new CorruptChunkError(`shard index entries overlap at byte ${start}`, { key });
      }
    }
  }
}
