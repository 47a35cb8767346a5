import { coreExtension, createRegistry } from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import shardingExtension from "./index.js";

describe("@zarrkit/sharding bundle", () => {
  it("registers beside core and names its module for workers", () => {
    const registry = createRegistry(coreExtension, shardingExtension);
    expect(registry.bundles().map((b) => b.name)).toEqual(["@zarrkit/core", "@zarrkit/sharding"]);
    expect(shardingExtension.module).toMatch(/^file:.*index\.(ts|js)$/);
  });
});
