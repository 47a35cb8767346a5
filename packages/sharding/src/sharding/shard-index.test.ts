import { isZarrkitError } from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { EMPTY, ShardIndex } from "./shard-index.js";

/** An index of (offset, nbytes) pairs as ZEP2 stores them; `null` for an empty entry. */
function indexOf(pairs: ([bigint, bigint] | null)[]): ShardIndex {
  return new ShardIndex(BigUint64Array.from(pairs.flatMap((p) => p ?? [EMPTY, EMPTY])));
}

const corrupt = (message: RegExp) => (e: unknown) =>
  isZarrkitError(e, "CorruptChunk") && message.test(e.message) && e.key === "a/c/0";

describe("ShardIndex", () => {
  it("reads entries as numbers, past 2^32 too; empty entries as undefined", () => {
    const index = indexOf([[5n, 7n], null, [2n ** 40n + 3n, 2n ** 33n], [0n, 0n]]);
    expect(index.count).toBe(4);
    expect(index.get(0)).toEqual([5, 7]);
    expect(index.get(1)).toBeUndefined();
    expect(index.get(2)).toEqual([2 ** 40 + 3, 2 ** 33]);
    expect(index.get(3)).toEqual([0, 0]);
    index.set(1, 2 ** 50, 9);
    expect(index.get(1)).toEqual([2 ** 50, 9]);
    expect(index.entries[2]).toBe(2n ** 50n);
  });

  it("accepts stored ranges inside the data in any order, touching but not overlapping", () => {
    indexOf([[0n, 10n], [10n, 5n], null, [15n, 0n], [15n, 85n]]).validate(0, 100, "a/c/0");
    indexOf([[50n, 50n], null, [0n, 50n]]).validate(0, 100, "a/c/0");
    indexOf([
      [16n, 4n],
      [20n, 80n],
    ]).validate(16, 100, "a/c/0");
    indexOf([null, null]).validate(0, 0, "a/c/0");
  });

  it("rejects entries outside the data, half empty, or past 2^53, naming the entry", () => {
    const outside = /entry 1 .* outside the shard's data/;
    const cases: [bigint, bigint][] = [
      [95n, 6n],
      [100n, 1n],
      [5n, 0n], // before dataStart 10
      [EMPTY, 4n],
      [10n, EMPTY],
      [2n ** 53n + 10n, 0n],
      [10n, 2n ** 60n],
    ];
    for (const entry of cases) {
      expect(() => indexOf([[10n, 5n], entry]).validate(10, 100, "a/c/0")).toThrow(
        expect.toSatisfy(corrupt(outside)),
      );
    }
  });

  it("rejects overlapping ranges, whether stored in order or not", () => {
    const overlap = /entries overlap at byte (\d+)/;
    expect(() =>
      indexOf([
        [0n, 10n],
        [9n, 5n],
      ]).validate(0, 100, "a/c/0"),
    ).toThrow(expect.toSatisfy(corrupt(/overlap at byte 9/)));
    expect(() =>
      indexOf([
        [40n, 10n],
        [0n, 20n],
        [45n, 1n],
      ]).validate(0, 100, "a/c/0"),
    ).toThrow(expect.toSatisfy(corrupt(/overlap at byte 45/)));
    // An empty range inside another one counts, as its start lies inside it.
    expect(() =>
      indexOf([
        [0n, 10n],
        [5n, 0n],
      ]).validate(0, 100, "a/c/0"),
    ).toThrow(expect.toSatisfy(corrupt(overlap)));
  });
});
