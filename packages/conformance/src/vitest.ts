import { describe, expect, it } from "vitest";
import { formatReport } from "./report.js";
import { type ConformanceOptions, type ConformanceReport, runConformance } from "./run.js";

/**
 * Runs the conformance matrix inside vitest (for an extension's own test suite): one test that
 * fails listing every failed combination with its first wrong element.
 */
export function describeConformance(
  name: string,
  options: ConformanceOptions = {},
  timeoutMs = 600_000,
): void {
  describe(`${name}: zarrkit conformance`, () => {
    it(
      "passes every applicable combination",
      async () => {
        const report: ConformanceReport = await runConformance(options);
        if (report.failed.length > 0) console.log(formatReport(report));
        expect(
          report.failed.map((f) => `${f.case}: ${f.reason}`),
          `${report.failed.length} of ${report.combinations} combinations failed`,
        ).toEqual([]);
        expect(report.combinations).toBeGreaterThan(0);
      },
      timeoutMs,
    );
  });
}
