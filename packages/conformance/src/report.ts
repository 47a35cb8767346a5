import type { CombinationResult, ConformanceReport } from "./run.js";

const MARK: Record<CombinationResult["status"], string> = {
  passed: "ok",
  failed: "FAIL",
  skipped: "skip",
  "not applicable": "-",
};

/**
 * The matrix as text: rows are vectors (data type and codec chain) and codec configurations x
 * data types, columns stores (read/write) and stores x key encodings. A cell holding several
 * combinations shows passed/total (or FAIL).
 */
export function formatReport(report: ConformanceReport): string {
  const vectors = report.results.filter((r) => r.section === "vectors");
  const samples = report.results.filter((r) => r.section === "samples");
  const lines = [
    "Peer-written vectors (rows: data type and codec chain; columns: stores, and the peers reading zarrkit's writes):",
    ...table(vectors),
    "",
    "Registered codec configurations x data types (columns: stores; cells: passed/total over the chunk-key encodings):",
    ...table(samples),
    "",
    `${report.combinations} combinations: ${report.passed} passed, ${report.failed.length} failed, ${report.skipped.length} skipped or not applicable`,
    ...report.skipped
      .filter((s) => !s.reason.includes("read-only") && !s.reason.startsWith("hierarchies"))
      .map((s) => `skipped ${s.case}: ${s.reason}`),
    ...report.failed.map((f) => `FAIL ${f.case}: ${f.reason}`),
  ];
  return `${lines.join("\n")}\n`;
}

function table(results: readonly CombinationResult[]): string[] {
  const rows = new Map<string, Map<string, CombinationResult[]>>();
  const columns: string[] = [];
  for (const result of results) {
    if (!columns.includes(result.column)) columns.push(result.column);
    const row = rows.get(result.row) ?? new Map<string, CombinationResult[]>();
    row.set(result.column, [...(row.get(result.column) ?? []), result]);
    rows.set(result.row, row);
  }
  const cell = (cellResults: CombinationResult[] | undefined): string => {
    if (cellResults === undefined) return "";
    if (cellResults.some((r) => r.status === "failed")) return "FAIL";
    if (cellResults.length === 1) return MARK[cellResults[0]!.status];
    const counted = cellResults.filter((r) => r.status !== "not applicable");
    if (counted.length === 0) return "-";
    return `${counted.filter((r) => r.status === "passed").length}/${counted.length}`;
  };
  const header = ["", ...columns];
  const body = [...rows].map(([row, cells]) => [row, ...columns.map((c) => cell(cells.get(c)))]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const format = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [format(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(format)];
}

/** CONTRACTS.md's JSON summary. */
export function reportJson(report: ConformanceReport): {
  combinations: number;
  passed: number;
  failed: { case: string; reason: string }[];
  skipped: { case: string; reason: string }[];
} {
  return {
    combinations: report.combinations,
    passed: report.passed,
    failed: [...report.failed],
    skipped: [...report.skipped],
  };
}
