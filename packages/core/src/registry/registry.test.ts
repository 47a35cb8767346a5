import { describe, expect, it } from "vitest";
import { coreExtension } from "../core-extension.js";
import { isZarrkitError } from "../errors/errors.js";
import type { ChunkKeyEncodingExtension, Extension } from "./extension.js";
import { createRegistry } from "./registry.js";

const reversed: ChunkKeyEncodingExtension = {
  kind: "chunk-key-encoding",
  name: "reversed",
  fromConfig: () => ({
    name: "reversed",
    encode: (coords) => [...coords].reverse().join("_"),
    decode: (key) => key.split("_").map(Number).reverse(),
    toConfig: () => ({ name: "reversed" }),
  }),
  samples: [undefined],
};

describe("registry", () => {
  it("finds core's own extensions only once they are registered", () => {
    expect(createRegistry().find("chunk-grid", "regular")).toBeUndefined();
    const registry = createRegistry(coreExtension);
    expect(registry.get("chunk-grid", "regular").name).toBe("regular");
    expect(registry.get("chunk-key-encoding", "v2").fromConfig(undefined).encode([1, 2])).toBe(
      "1.2",
    );
    expect(
      registry.get("chunk-key-encoding", "default").fromConfig({ separator: "." }).encode([1, 2]),
    ).toBe("c.1.2");
    expect(registry.get("chunk-key-encoding", "default").fromConfig(undefined).encode([])).toBe(
      "c",
    );
    expect(registry.get("chunk-key-encoding", "v2").fromConfig(undefined).encode([])).toBe("0");
    expect(registry.get("data-type", "r24").fromConfig("r24", undefined).itemSize).toBe(3);
    expect(registry.find("data-type", "r7")).toBeUndefined();
    expect(registry.bundles().map((b) => b.name)).toEqual(["@zarrkit/core"]);
  });

  it("throws UnknownExtension naming what is missing", () => {
    const registry = createRegistry(coreExtension);
    expect(() => registry.get("codec", "zstd", { path: "a/b" })).toThrow(/unknown codec "zstd"/);
    try {
      registry.get("codec", "zstd", { path: "a/b" });
    } catch (err) {
      expect(isZarrkitError(err, "UnknownExtension") && err.path).toBe("a/b");
    }
  });

  it("refuses a second registration of a name unless overriding, and undoes registrations", () => {
    const registry = createRegistry(coreExtension);
    const third: Extension = {
      name: "third-party",
      module: "file:///third-party/index.js",
      chunkKeyEncodings: [reversed],
    };
    const undo = registry.register(third);
    expect(
      registry.get("chunk-key-encoding", "reversed").fromConfig(undefined).encode([1, 2, 3]),
    ).toBe("3_2_1");
    expect(() => registry.register(reversed)).toThrow(/already registered/);
    const other = { ...reversed, fromConfig: reversed.fromConfig };
    const undoOverride = registry.register(other, { override: true });
    expect(registry.get("chunk-key-encoding", "reversed")).toBe(other);
    undoOverride();
    expect(registry.get("chunk-key-encoding", "reversed")).toBe(reversed);
    undo();
    expect(registry.find("chunk-key-encoding", "reversed")).toBeUndefined();
    expect(registry.bundles().map((b) => b.name)).toEqual(["@zarrkit/core"]);
  });

  it("a failed bundle registration leaves nothing half-registered", () => {
    const registry = createRegistry(coreExtension);
    const clash: Extension = {
      name: "clash",
      module: "file:///clash.js",
      chunkKeyEncodings: [reversed, { ...reversed, name: "v2" }],
    };
    expect(() => registry.register(clash)).toThrow(/"v2" is already registered/);
    expect(registry.find("chunk-key-encoding", "reversed")).toBeUndefined();
  });

  it("core's bundle names its own module URL so workers can import it", () => {
    expect(coreExtension.module).toMatch(/^file:\/\/.*core-extension\.(ts|js)$/);
  });
});
