import { createRegistry, type Extension } from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { conformanceExtensions } from "./index.js";

describe("conformance extension set", () => {
  it("holds every default package and any extra ones, registrable together", () => {
    const extra: Extension = { name: "third-party", module: "file:///third-party.js" };
    const all = conformanceExtensions([extra]);
    expect(all.map((e) => e.name)).toEqual([
      "@zarrkit/core",
      "@zarrkit/codecs",
      "@zarrkit/stores",
      "@zarrkit/sharding",
      "third-party",
    ]);
    const registry = createRegistry(...all);
    expect(registry.get("codec", "bytes").codecKind).toBe("array_to_bytes");
    expect(registry.get("store", "file").name).toBe("filesystem");
  });
});
