import { describe, expect, it } from "vitest";
import { coreExtension } from "../core-extension.js";
import type { JsonObject } from "../json/json-value.js";
import { createRegistry } from "../registry/registry.js";
import { numpyDtypeString, parseNumpyDtype } from "./numpy-dtype.js";

const registry = createRegistry(coreExtension);
const type = registry
  .get("data-type", "null_terminated_bytes")
  .fromConfig("null_terminated_bytes", { length_bytes: 4 });

describe("null_terminated_bytes (NumPy's S)", () => {
  it("holds NUL-padded byte strings; a scalar has no trailing NULs, as in NumPy", () => {
    expect([type.kind, type.itemSize, type.lanes, type.laneSize]).toEqual(["fixed_bytes", 4, 4, 1]);
    expect(type.fromScalar(Uint8Array.of(97, 0, 98))).toEqual(Uint8Array.of(97, 0, 98, 0));
    expect(type.toScalar(Uint8Array.of(97, 0, 98, 0))).toEqual(Uint8Array.of(97, 0, 98));
    expect(type.toScalar(new Uint8Array(4))).toEqual(new Uint8Array(0));
    expect(() => type.fromScalar(new Uint8Array(5))).toThrow(
      expect.objectContaining({ code: "InvalidValue" }),
    );
    expect(() => type.fromScalar("ab")).toThrow(expect.objectContaining({ code: "InvalidValue" }));
  });

  it("keeps fill values in base64, as zarr-python writes them", () => {
    // "YWIAYw==" is base64 of "ab\0c".
    expect(type.decodeFillValue("YWIAYw==")).toEqual(Uint8Array.of(97, 98, 0, 99));
    expect(type.decodeFillValue("")).toEqual(new Uint8Array(4));
    expect(type.encodeFillValue(Uint8Array.of(97, 98, 0, 0))).toBe("YWI=");
    for (const bad of ["YWJjZGU=", "not base64", 0, null])
      expect(() => type.decodeFillValue(bad), String(bad)).toThrow(
        expect.objectContaining({ code: "InvalidMetadata" }),
      );
  });

  it("is |S<n> in NumPy's spelling, and refuses bad lengths", () => {
    const parsed = parseNumpyDtype("|S12");
    expect(parsed?.dataType.name).toBe("null_terminated_bytes");
    expect(parsed?.dataType.configuration).toEqual({ length_bytes: 12 });
    expect(parsed?.endian).toBeUndefined();
    expect(numpyDtypeString(parsed!.dataType)).toBe("|S12");
    expect(parseNumpyDtype("<S3")).toBeUndefined();
    const bad: (JsonObject | undefined)[] = [
      undefined,
      { length_bytes: 0 },
      { length_bytes: 2, x: 1 },
    ];
    for (const configuration of bad)
      expect(() =>
        registry
          .get("data-type", "null_terminated_bytes")
          .fromConfig("null_terminated_bytes", configuration),
      ).toThrow(/length_bytes|unknown configuration/);
  });
});
