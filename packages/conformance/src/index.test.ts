import type { CodecExtension, Extension } from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import example from "zarrkit-extension-example";
import { formatReport, reportJson, runConformance } from "./index.js";
import { describeConformance } from "./vitest.js";

// The whole matrix: zarrkit's own extensions and the example third-party package, on every
// store (servers started here), peers reading zarrkit's output. In CI nothing is skipped.
describeConformance("zarrkit and the example extension", { extensions: [example] });

describe("a broken extension", () => {
  it("fails, naming the combination and the first wrong element", async () => {
    const xor = example.codecs!.find((c) => c.name === "example.xor")!;
    // The same codec, except that decoding flips the lowest bit of byte 0.
    const broken: CodecExtension = {
      ...xor,
      async fromConfig(configuration, context) {
        const codec = await xor.fromConfig(configuration, context);
        if (codec.kind !== "bytes_to_bytes") throw new Error("kind");
        return {
          ...codec,
          toConfig: () => codec.toConfig(),
          encode: (bytes: Uint8Array) => codec.encode(bytes),
          async decode(bytes: Uint8Array, size: number | undefined) {
            const out = new Uint8Array(await codec.decode(bytes, size));
            if (out.length > 0) out[0]! ^= 1;
            return out;
          },
        };
      },
    };
    const extension: Extension = { ...example, name: "broken-example", codecs: [broken] };
    const report = await runConformance({
      extensions: [extension],
      stores: ["memory"],
      peers: false,
    });
    const failures = report.failed.filter((f) => f.case.includes("example.xor"));
    expect(failures.length).toBeGreaterThan(0);
    expect(report.failed.length).toBe(failures.length);
    const int16 = failures.find((f) =>
      f.case.startsWith('write example.xor {"key":90} x int16 x default(/) @ memory'),
    );
    // Element [0, 0] of the first chunk is where the flipped byte lands: formula 12345 -> 12344.
    expect(int16?.reason).toBe("first wrong element [0, 0]: expected 12345, got 12344");
    expect(reportJson(report)).toMatchObject({
      combinations: report.combinations,
      failed: report.failed,
    });
    expect(formatReport(report)).toMatch(/FAIL write example\.xor/);
  });
});
