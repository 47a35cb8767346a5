import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// "Compose only what you need", proven: the published tarballs (pnpm pack) of @zarrkit/core with
// only @zarrkit/codecs, and then with only @zarrkit/stores, are installed with npm into empty
// folders outside the workspace, and the packages' README examples run there as written.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const work = mkdtempSync(join(tmpdir(), "zarrkit-compose-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pack(name: string): string {
  const out = join(work, "tarballs");
  execFileSync("pnpm", ["pack", "--pack-destination", out], {
    cwd: join(root, "packages", name),
    stdio: "ignore",
  });
  const tarball = readdirSync(out).find((f) => f.startsWith(`zarrkit-${name}-`));
  if (tarball === undefined) throw new Error(`pnpm pack made no tarball for ${name}`);
  return join(out, tarball);
}

function install(folder: string, tarballs: string[]): string {
  const dir = join(work, folder);
  execFileSync("mkdir", ["-p", dir]);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: folder, private: true, type: "module" }),
  );
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], {
    cwd: dir,
    stdio: "pipe",
  });
  return dir;
}

/** Each ```js block of a README with the output its `// expected` comments promise. */
function examples(readme: string): { code: string; expected: string }[] {
  const text = readFileSync(join(root, readme), "utf8");
  return [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => ({
    code: m[1]!,
    expected: m[1]!
      .split("\n")
      .filter((line) => line.trimStart().startsWith("console.log("))
      .map((line) => line.slice(line.lastIndexOf("// ") + 3).trim())
      .join(" "),
  }));
}

function runIn(dir: string, code: string): string {
  const file = join(dir, "example.mjs");
  writeFileSync(file, code);
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: "utf8" });
}

const flat = (text: string) =>
  text.replace(/\s+/g, " ").replace(/\[ /g, "[").replace(/ \]/g, "]").trim();

describe("published packages compose", () => {
  const tarballs = { core: "", codecs: "", stores: "" };
  it("pnpm pack makes a tarball of each package", () => {
    for (const name of ["core", "codecs", "stores"] as const) tarballs[name] = pack(name);
  }, 120_000);

  it("@zarrkit/core with only @zarrkit/codecs runs both READMEs' examples", () => {
    const dir = install("core-codecs", [tarballs.core, tarballs.codecs]);
    expect(readdirSync(join(dir, "node_modules", "@zarrkit")).sort()).toEqual(["codecs", "core"]);
    for (const readme of ["packages/core/README.md", "packages/codecs/README.md"])
      for (const { code, expected } of examples(readme))
        expect(flat(runIn(dir, code)), readme).toBe(flat(expected));
  }, 300_000);

  it("@zarrkit/core with only @zarrkit/stores runs the stores README's example", () => {
    const dir = install("core-stores", [tarballs.core, tarballs.stores]);
    expect(readdirSync(join(dir, "node_modules", "@zarrkit")).sort()).toEqual(["core", "stores"]);
    for (const { code, expected } of examples("packages/stores/README.md"))
      expect(flat(runIn(dir, code))).toBe(flat(expected));
  }, 300_000);
});
