import { describe, expect, it } from "vitest";
import { coreExtension } from "../core-extension.js";
import { isZarrkitError } from "../errors/errors.js";
import type { JsonObject } from "../json/json-value.js";
import { createRegistry } from "../registry/registry.js";
import { numpyDtypeString, parseNumpyDtype } from "./numpy-dtype.js";

const registry = createRegistry(coreExtension);
const type = registry.get("data-type", "fixed_length_utf32").fromConfig("fixed_length_utf32", {
  length_bytes: 12,
});

describe("fixed_length_utf32", () => {
  it("holds up to length_bytes / 4 code points as zero-padded UTF-32LE", () => {
    expect([type.itemSize, type.lanes, type.laneSize]).toEqual([12, 3, 4]);
    // "a🧊" is two code points: U+0061, U+1F9CA, then one padding zero.
    expect(Array.from(type.fromScalar("a🧊"))).toEqual([
      0x61, 0, 0, 0, 0xca, 0xf9, 0x01, 0, 0, 0, 0, 0,
    ]);
    expect(type.toScalar(type.fromScalar("a🧊"))).toBe("a🧊");
    expect(type.toScalar(type.fromScalar(""))).toBe("");
    expect(type.decodeFillValue("xyz")).toEqual(type.fromScalar("xyz"));
    expect(type.encodeFillValue(type.fromScalar("xy"))).toBe("xy");
    expect(type.configuration).toEqual({ length_bytes: 12 });
  });

  it("refuses strings that do not fit, NULs, and bad configurations", () => {
    expect(() => type.fromScalar("abcd")).toThrow(
      expect.objectContaining({ code: "InvalidValue" }),
    );
    expect(() => type.fromScalar("a\0b")).toThrow(
      expect.objectContaining({ code: "InvalidValue" }),
    );
    expect(() => type.decodeFillValue(3)).toThrow(
      expect.objectContaining({ code: "InvalidMetadata" }),
    );
    const bad: (JsonObject | undefined)[] = [
      undefined,
      { length_bytes: 6 },
      { length_bytes: 0 },
      { length_bytes: 4, x: 1 },
    ];
    for (const configuration of bad) {
      let error: unknown;
      try {
        registry
          .get("data-type", "fixed_length_utf32")
          .fromConfig("fixed_length_utf32", configuration);
      } catch (err) {
        error = err;
      }
      expect(isZarrkitError(error), JSON.stringify(configuration)).toBe(true);
    }
  });

  it("is NumPy's U dtype, counted in code points", () => {
    const parsed = parseNumpyDtype(">U7")!;
    expect(parsed.dataType.name).toBe("fixed_length_utf32");
    expect(parsed.dataType.itemSize).toBe(28);
    expect(parsed.endian).toBe("big");
    expect(numpyDtypeString(type)).toBe("<U3");
  });
});
