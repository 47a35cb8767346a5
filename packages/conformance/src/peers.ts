import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stringifyJson } from "@zarrkit/core";
import type { CombinationResult } from "./run.js";
import type { ArrayVector } from "./vectors.js";

/** zarrkit's output for a vector, on disk, for a peer to read. */
export interface PeerCheck {
  readonly vector: ArrayVector;
  readonly path: string;
}

const SCRIPTS = fileURLToPath(new URL("../scripts/", import.meta.url));

/** The nearest `.venv/bin/python` at or above `dir`. */
function venvAbove(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const python = join(d, ".venv", "bin", "python");
    if (existsSync(python)) return python;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * tensorstore's interpreter: $TENSORSTORE_PYTHON, else the nearest .venv above the working
 * directory or this package (a repository's peer venv), else python3.
 */
function tensorstorePython(): string {
  return (
    process.env.TENSORSTORE_PYTHON ??
    venvAbove(process.cwd()) ??
    venvAbove(fileURLToPath(new URL(".", import.meta.url))) ??
    "python3"
  );
}

const PEERS = [
  {
    name: "tensorstore",
    module: "tensorstore",
    python: tensorstorePython,
    format: 3,
    open: `ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": path}, "open": True}).result().read().result()`,
    imports: "import tensorstore as ts",
  },
  {
    name: "zarr-python",
    module: "zarr",
    python: () => process.env.ZARR_PYTHON ?? "/usr/bin/python3",
    format: 2,
    open: `zarr.open_array(path, mode="r")[...]`,
    imports: "import zarr",
  },
] as const;

// Reads each output, builds the expected array with the generator's own formula, compares.
const CHECK = (imports: string, openExpression: string) => `
import json, math, sys
import numpy as np
${imports}
sys.path.insert(0, ${JSON.stringify(SCRIPTS)})
from generate_vectors import formula_array, NUMPY
out = {}
for case in json.load(sys.stdin):
    path, v = case["path"], case["vector"]
    try:
        got = ${openExpression}
        name, shape = v["data_type"], v["shape"]
        fill = v["fill_value"]
        dec = lambda x: {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(x, x) if isinstance(x, str) else x
        if name in ("string", "bytes"):
            want = np.empty(shape, dtype=object); want[...] = "" if name == "string" else b""
            if fill is not None: want[...] = fill
        elif isinstance(fill, list) and name.startswith("complex"):
            want = np.full(shape, complex(dec(fill[0]), dec(fill[1])), dtype=NUMPY[name])
        else:
            want = np.zeros(shape, dtype=got.dtype)
            if fill is not None and not name.startswith("r"): want[...] = dec(fill)
        box = v["written"]
        if box is not None:
            want[tuple(slice(a, b) for a, b in box)] = formula_array(name, shape, box, v["finite"])
        tol = case["tolerance"]
        if got.dtype == object:
            empty = "" if name == "string" else b""
            same = [(empty if x is None else x) for x in got.ravel()] == [(empty if x is None else x) for x in want.ravel()]
        elif tol:
            same = bool(np.allclose(got.astype("f8"), want.astype("f8"), rtol=0, atol=tol, equal_nan=True))
        elif got.dtype.kind in "fc":
            same = bool(np.array_equal(got, want.astype(got.dtype), equal_nan=True))
        else:
            same = got.tobytes() == want.astype(got.dtype).tobytes()
        if same: out[path] = None
        else:
            bad = next(i for i, (a, b) in enumerate(zip(got.ravel(), want.ravel())) if not (a == b or (a != a and b != b)))
            out[path] = f"first wrong element (flat {bad}): expected {want.ravel()[bad]!r}, got {got.ravel()[bad]!r}"
    except Exception as e:
        out[path] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
`;

/** Each peer reads zarrkit's output of the vectors in its format. */
export async function runPeerChecks(
  checks: readonly PeerCheck[],
  requirePeers: boolean,
): Promise<CombinationResult[]> {
  const results: CombinationResult[] = [];
  for (const peer of PEERS) {
    const mine = checks.filter((c) => c.vector.zarrFormat === peer.format);
    if (mine.length === 0) continue;
    const python = peer.python();
    const probe = spawnSync(python, ["-c", `import ${peer.module}`], { encoding: "utf8" });
    if (probe.status !== 0) {
      for (const c of mine)
        results.push({
          case: `${peer.name} reads zarrkit's ${c.vector.id}`,
          row: c.vector.id,
          section: "vectors",
          column: `${peer.name} reads`,
          status: requirePeers ? "failed" : "skipped",
          reason: `peer missing: ${python} cannot import ${peer.module}`,
        });
      continue;
    }
    const input = stringifyJson(
      mine.map((c) => ({
        path: c.path,
        tolerance: c.vector.tolerance,
        vector: {
          data_type: c.vector.dataType,
          shape: [...c.vector.shape],
          fill_value: c.vector.fillValue,
          written: c.vector.written === null ? null : c.vector.written.map(([a, b]) => [a, b]),
          finite: c.vector.finite,
        },
      })),
      0,
    );
    const run = spawnSync(python, ["-c", CHECK(peer.imports, peer.open)], {
      input,
      encoding: "utf8",
      maxBuffer: 1 << 26,
      // Importing the generator must not write __pycache__ into an installed package.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    });
    const verdicts: Record<string, string | null> = run.status === 0 ? JSON.parse(run.stdout) : {};
    for (const c of mine) {
      const verdict =
        run.status === 0
          ? verdicts[c.path]
          : `${peer.name} check failed: ${run.stderr.trim().split("\n").pop()}`;
      results.push({
        case: `${peer.name} reads zarrkit's ${c.vector.id}`,
        row: c.vector.id,
        section: "vectors",
        column: `${peer.name} reads`,
        status: verdict === null ? "passed" : "failed",
        ...(verdict === null || verdict === undefined ? {} : { reason: verdict }),
      });
    }
  }
  return results;
}
