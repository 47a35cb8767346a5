import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The READMEs' examples must run as written: each ```js block is executed with node from this
// package (so "zarrkit" and "@zarrkit/*" resolve), and every `// expected` comment is checked
// against what the matching console.log printed.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");

function jsBlocks(readme: string): string[] {
  return [...readFileSync(join(root, readme), "utf8").matchAll(/```js\n([\s\S]*?)```/g)].map(
    (m) => m[1]!,
  );
}

/** The comment after each console.log line, in order. */
function expectedOutput(code: string): string[] {
  return code
    .split("\n")
    .filter((line) => line.trimStart().startsWith("console.log("))
    .map((line) => line.slice(line.lastIndexOf("// ") + 3).trim());
}

function run(code: string): string[] {
  const file = join(here, "..", `.readme-example-${process.pid}.mjs`);
  writeFileSync(file, code);
  try {
    // A timeout, so that an example that never exits fails instead of hanging the suite.
    return execFileSync(process.execPath, [file], {
      encoding: "utf8",
      cwd: join(here, ".."),
      timeout: 60_000,
    })
      .trim()
      .split("\n");
  } finally {
    rmSync(file, { force: true });
  }
}

const readmes = [
  "README.md",
  "packages/core/README.md",
  "packages/codecs/README.md",
  "packages/stores/README.md",
  "packages/zarrkit/README.md",
  "packages/sharding/README.md",
  "packages/conformance/README.md",
  "packages/native/README.md",
];

describe("README examples run as written", () => {
  for (const readme of readmes) {
    jsBlocks(readme).forEach((code, i) => {
      it(`${readme} block ${i + 1}`, () => {
        // Compared as one whitespace-normalised text: util.inspect wraps long values over lines.
        const flat = (lines: string[]) =>
          lines.join(" ").replace(/\s+/g, " ").replace(/\[ /g, "[").replace(/ \]/g, "]");
        expect(flat(run(code))).toEqual(flat(expectedOutput(code)));
      });
    });
  }

  it("the root README quickstart creates (6, 10) int32 with chunks (2, 5) and reads a negative-step selection", () => {
    const quickstart = jsBlocks("README.md")[0]!;
    expect(quickstart).toContain("shape: [6, 10]");
    expect(quickstart).toContain("chunkShape: [2, 5]");
    expect(quickstart).toContain('attributes: { question: "life", answer: 42 }');
    // Rows 5, 3, 1 and columns 9, 6, 3, 0 of 10*r + c.
    const expected = [5, 3, 1].flatMap((r) => [9, 6, 3, 0].map((c) => 10 * r + c));
    expect(quickstart).toContain(`[ ${expected.join(", ")} ]`);
  });
});
