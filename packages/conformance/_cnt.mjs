import { runConformance } from "./dist/index.js";

const t = performance.now();
const r = await runConformance({
  stores: (process.env.STORES ?? "memory").split(","),
  peers: false,
});
const by = {};
for (const x of r.results) by[x.status] = (by[x.status] ?? 0) + 1;
console.log(r.results.length, JSON.stringify(by), ((performance.now() - t) / 1000).toFixed(1), "s");
console.log(
  r.results
    .filter((x) => x.status === "failed")
    .slice(0, 5)
    .map((b) => b.case + ": " + (b.reason ?? b.message))
    .join("\n"),
);
