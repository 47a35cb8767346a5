import { CorruptChunkError } from "@zarrkit/core";

/** 2^64 - 1 in both fields marks an inner chunk that is not stored (the fill value). */
export const EMPTY = 0xffffffffffffffffn;

/** A decoded shard index: per inner chunk (C order), its byte offset and length in the shard. */
export class ShardIndex {
  /** Interleaved (offset, nbytes) pairs. */
  readonly entries: BigUint64Array;

  constructor(entries: BigUint64Array) {
    this.entries = entries;
  }

  static empty(count: number): ShardIndex {
    return new ShardIndex(new BigUint64Array(count * 2).fill(EMPTY));
  }

  get count(): number {
    return this.entries.length / 2;
  }

  /** [offset, nbytes] of inner chunk `i`, or undefined if it is empty. */
  get(i: number): [number, number] | undefined {
    const offset = this.entries[2 * i]!;
    const nbytes = this.entries[2 * i + 1]!;
    if (offset === EMPTY && nbytes === EMPTY) return undefined;
    return [Number(offset), Number(nbytes)];
  }

  set(i: number, offset: number, nbytes: number): void {
    this.entries[2 * i] = BigInt(offset);
    this.entries[2 * i + 1] = BigInt(nbytes);
  }

  /** Checks every stored range lies inside `[dataStart, dataEnd)` and that none overlap. */
  validate(dataStart: number, dataEnd: number, key?: string): void {
    const ranges: [number, number][] = [];
    for (let i = 0; i < this.count; i++) {
      const offset = this.entries[2 * i]!;
      const nbytes = this.entries[2 * i + 1]!;
      if (offset === EMPTY && nbytes === EMPTY) continue;
      if (
        offset === EMPTY ||
        nbytes === EMPTY ||
        offset + nbytes > BigInt(dataEnd) ||
        offset < BigInt(dataStart)
      ) {
        throw new CorruptChunkError(
          `shard index entry ${i} (offset ${offset}, ${nbytes} bytes) lies outside the shard's data`,
          { key },
        );
      }
      ranges.push([Number(offset), Number(nbytes)]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < ranges.length; k++) {
      if (ranges[k]![0] < ranges[k - 1]![0] + ranges[k - 1]![1]) {
        throw new CorruptChunkError(`shard index entries overlap at byte ${ranges[k]![0]}`, {
          key,
        });
      }
    }
  }
}
