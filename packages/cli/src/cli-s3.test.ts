import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startS3Server } from "@zarrkit/stores/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run-cli.js";

// s3:// locations in every CLI command, against a real loopback S3 server (moto), configured
// through the standard AWS environment variables.
const server = await startS3Server();
const dir = mkdtempSync(join(tmpdir(), "zarrkit-cli-s3-"));
const saved = { ...process.env };
let bucket = "";
beforeAll(async () => {
  if (server === undefined) return;
  bucket = await server.createBucket();
  Object.assign(process.env, server.environment());
});
afterAll(async () => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
  await server?.close();
});

const run = runCli;

describe.skipIf(server === undefined)("the CLI on s3:// locations", () => {
  it("cp local -> s3, then info, tree and export read it back from S3", async () => {
    const local = join(dir, "a.zarr");
    const json = join(dir, "in.json");
    // A local array to start from: a tiny .npy written by hand (format 1.0, '<i2', shape (2, 3)).
    const header = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }";
    const padded = `${header.padEnd(64 - 10 - 1, " ")}\n`;
    const npy = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from("NUMPY"),
      Buffer.from([1, 0, padded.length & 0xff, padded.length >> 8]),
      Buffer.from(padded, "latin1"),
      Buffer.from(Int16Array.of(1, -2, 3, -4, 5, -6).buffer),
    ]);
    const npyPath = join(dir, "a.npy");
    writeFileSync(npyPath, npy);
    expect((await run("import", npyPath, local, "--chunks", "1,2")).status).toBe(0);
    const url = `s3://${bucket}/data/a.zarr`;
    const copied = await run("cp", local, url);
    expect(copied.stderr).toBe("");
    expect(copied.status).toBe(0);
    const info = await run("info", url, "--json");
    expect(JSON.parse(info.stdout)).toMatchObject({ shape: [2, 3], data_type: "int16" });
    expect((await run("tree", `s3://${bucket}/data/a.zarr`)).stdout).toMatch(
      /array v3 \(2, 3\) int16/,
    );
    expect((await run("export", url, json, "--select", "1, ::-1")).status).toBe(0);
    expect(JSON.parse(readFileSync(json, "utf8")).data).toEqual([-6, 5, -4]);
    const missing = await run("info", `s3://${bucket}/nothing-here`);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error: no Zarr node at s3:\/\//);
  });
});
