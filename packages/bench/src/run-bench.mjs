// `pnpm bench`: zarrkit, tensorstore and zarrita.js on the same five datasets, each operation in
// its own process, median of ZARRKIT_BENCH_RUNS (default 5) after a warm-up, the three taking
// turns; every read result is checked byte for byte against the source and every written array
// is read back by tensorstore and checked the same way. Prints the table and writes results/latest.{md,json}.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const python = process.env.TENSORSTORE_PYTHON ?? join(repo, ".venv", "bin", "python");
const data = process.env.ZARRKIT_BENCH_DIR ?? join(tmpdir(), "zarrkit-bench-data");
const runs = Number(process.env.ZARRKIT_BENCH_RUNS ?? 5);
const variants = (process.env.ZARRKIT_BENCH_VARIANTS ?? "A,B,C,D,E").split(",");
const ops = (process.env.ZARRKIT_BENCH_OPS ?? "read,window,write").split(",");
const impls = ["zarrkit", "tensorstore", "zarrita"];

if (!existsSync(python)) {
  console.error(
    `tensorstore's python (${python}) is missing: make the .venv (see README) or set TENSORSTORE_PYTHON`,
  );
  process.exit(1);
}
console.error(`datasets in ${data} (made once by tensorstore)`);
execFileSync(python, [join(here, "make_datasets.py"), data], { stdio: "inherit" });
const hashes = JSON.parse(readFileSync(join(data, "hashes.json"), "utf8"));
const out = join(tmpdir(), `zarrkit-bench-out-${process.pid}`);

function once(impl, variant, op, target) {
  // Only writes make (and replace) the target: reads leave a written array there to be checked.
  if (op === "write") rmSync(target, { recursive: true, force: true });
  const [cmd, args] =
    impl === "tensorstore"
      ? [python, [join(here, "op_tensorstore.py"), variant, op, data, target]]
      : [process.execPath, [join(here, "op-js.mjs"), impl, variant, op, data, target]];
  const run = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.status !== 0) return { error: run.stderr.trim().split("\n").slice(-3).join(" ") };
  return JSON.parse(run.stdout.trim().split("\n").pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
const written = [];
for (const variant of variants) {
  for (const op of ops) {
    const row = { variant, op };
    const times = Object.fromEntries(impls.map((impl) => [impl, []]));
    const notes = {};
    // Interleaved (one run of each in turn): drift in the machine's speed over the minutes a
    // row takes (+-20% on these VMs) then falls on every implementation alike. The order turns
    // too: whoever runs right after zarrita.js's long, memory-hungry runs finds the memory it
    // freed handed back to the VM's host, slower to touch again (free page reporting).
    for (let r = 0; r <= runs; r++) {
      for (const impl of impls.map((_, i) => impls[(i + r) % impls.length])) {
        if (notes[impl] !== undefined) continue;
        const result = once(impl, variant, op, join(out, `${impl}-${variant}`));
        if (result.unsupported) notes[impl] = "cannot";
        else if (result.error !== undefined) notes[impl] = `error: ${result.error}`;
        else if (op !== "write" && result.hash !== hashes[op === "window" ? "window" : "whole"])
          notes[impl] = "WRONG RESULT";
        if (notes[impl] !== undefined) continue;
        if (r > 0) times[impl].push(result.ms);
        if (impl === "zarrkit" && op === "read") {
          row.rssMiB = Math.max(row.rssMiB ?? 0, result.rssMiB);
          row.addedMiB = Math.max(row.addedMiB ?? 0, result.rssMiB - result.baseMiB);
        }
      }
    }
    for (const impl of impls) {
      const note = notes[impl];
      if (op === "write" && note === undefined)
        written.push({ row, impl, path: join(out, `${impl}-${variant}`) });
      row[impl] = note ?? median(times[impl]);
      process.stderr.write(
        `${variant} ${op} ${impl}: ${typeof row[impl] === "number" ? `${row[impl].toFixed(1)} ms` : row[impl]}\n`,
      );
    }
    results.push(row);
  }
  // Check what was written (the last run of each), then make room for the next variant.
  const paths = written.filter((w) => w.row.variant === variant);
  if (paths.length > 0) {
    const check = JSON.parse(
      execFileSync(python, [join(here, "hash_written.py")], {
        input: JSON.stringify(paths.map((p) => p.path)),
        encoding: "utf8",
      }),
    );
    for (const { row, impl, path } of paths) {
      if (check[path] !== hashes.whole) row[impl] = "WRONG BYTES";
      // blosc must really be shuffled: the chunk headers' flags say so (bit 0).
      if (variant === "C" && typeof row[impl] === "number") {
        const chunk = findChunk(path);
        if (chunk === undefined || (readFileSync(chunk)[2] & 1) !== 1) row[impl] = "NOT SHUFFLED";
      }
    }
  }
  rmSync(out, { recursive: true, force: true });
}

function findChunk(dir) {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) {
      const found = findChunk(path);
      if (found !== undefined) return found;
    } else if (name.name !== "zarr.json") return path;
  }
  return undefined;
}

// Importing the library, first thing in a fresh process (not part of the goals above): what a
// one-shot script or CLI call pays before its first operation.
const importTimes = Object.fromEntries(impls.map((impl) => [impl, []]));
for (let r = 0; r <= runs; r++) {
  for (const impl of impls) {
    const result = once(impl, "-", "import", join(out, "import"));
    if (r > 0 && result.error === undefined) importTimes[impl].push(result.ms);
  }
}
const imports = Object.fromEntries(
  impls.map((impl) => [impl, importTimes[impl].length > 0 ? median(importTimes[impl]) : "error"]),
);

const fmt = (v) => (typeof v === "number" ? `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms` : v);
const ratio = (a, b) => (typeof a === "number" && typeof b === "number" ? (a / b).toFixed(2) : "-");
const lines = [
  `| variant | operation | zarrkit | tensorstore | zarrita.js | zarrkit / tensorstore (goal <= 1) | zarrkit / zarrita.js (goal <= 0.33) |`,
  `|---|---|---:|---:|---:|---:|---:|`,
  ...results.map(
    (r) =>
      `| ${r.variant} | ${r.op === "read" ? "read whole array" : r.op === "window" ? "read 100x300 window" : "write whole array"} | ${fmt(r.zarrkit)} | ${fmt(r.tensorstore)} | ${fmt(r.zarrita)} | ${ratio(r.zarrkit, r.tensorstore)} | ${ratio(r.zarrkit, r.zarrita)} |`,
  ),
];
const peak = results
  .filter((r) => r.rssMiB !== undefined)
  .map(
    (r) =>
      `${r.variant} ${r.rssMiB.toFixed(0)} MiB (${r.addedMiB.toFixed(0)} MiB over the process before the read${r.addedMiB <= 128 + 64 ? "" : ": OVER the goal"})`,
  );
const text = [
  `zarrkit benchmark, ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, Node ${process.version}, median of ${runs} after a warm-up, each operation in its own process, implementations taking turns.`,
  "",
  ...lines,
  "",
  `Import, first thing in a fresh process (tensorstore: with numpy): zarrkit ${fmt(imports.zarrkit)}, tensorstore ${fmt(imports.tensorstore)}, zarrita.js ${fmt(imports.zarrita)}.`,
  "",
  `Peak RSS of zarrkit's whole-array reads (output 128 MiB; goal: at most 64 MiB more than the output over the process's own): ${peak.join(", ")}.`,
].join("\n");
console.log(text);
mkdirSync(join(here, "..", "results"), { recursive: true });
writeFileSync(join(here, "..", "results", "latest.md"), `${text}\n`);
writeFileSync(
  join(here, "..", "results", "latest.json"),
  `${JSON.stringify({ rows: results, importMs: imports }, null, 2)}\n`,
);
