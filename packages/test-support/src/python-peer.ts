import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's peer venv (made by .ci/run), if there is one; this file runs from dist/. */
const repoVenvPython = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  ".venv",
  "bin",
  "python",
);

/** The interpreter that has tensorstore: $TENSORSTORE_PYTHON, the repo's .venv, or python3. */
export function tensorstorePython(): string {
  return (
    process.env.TENSORSTORE_PYTHON ?? (existsSync(repoVenvPython) ? repoVenvPython : "python3")
  );
}

/**
 * Runs a peer-implementation Python snippet once. When the interpreter or module is missing the
 * test says so loudly and is skipped — unless ZARRKIT_REQUIRE_PEERS=1 (CI), where that is a failure.
 */
export function pythonWith(
  module: string,
  python = process.env.PYTHON ?? "python3",
): ((script: string, input?: string) => string) | undefined {
  const probe = spawnSync(python, ["-c", `import ${module}`], { encoding: "utf8" });
  if (probe.status === 0) {
    return (script, input = "") => {
      const result = spawnSync(python, ["-c", script], {
        input,
        encoding: "utf8",
        maxBuffer: 1 << 28,
      });
      if (result.status !== 0) throw new Error(`${python} failed: ${result.stderr}`);
      return result.stdout;
    };
  }
  const reason = `peer missing: ${python} cannot import ${module} (${(probe.stderr || String(probe.error)).trim().split("\n").pop()})`;
  if (process.env.ZARRKIT_REQUIRE_PEERS === "1") {
    throw new Error(`${reason}; ZARRKIT_REQUIRE_PEERS=1 makes this a failure`);
  }
  console.warn(`\n*** SKIPPING: ${reason} ***\n`);
  return undefined;
}

/** Debian's zarr-python 2.13 lives under the system interpreter ($ZARR_PYTHON overrides). */
export function zarrPython(): string {
  return process.env.ZARR_PYTHON ?? "/usr/bin/python3";
}

/** JSON for a Python peer, with 64-bit integers (bigints) written as exact numbers. */
export function pythonJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `__bigint__${v}` : v)).replace(
    /"__bigint__(-?\d+)"/g,
    "$1",
  );
}
