import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { isZarrkitError } from "@zarrkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchStore } from "./node-fetch-store.js";

// What node:http leaves to its caller and fetch does itself: redirects, compressed bodies. A
// real server on 127.0.0.1 that redirects, compresses and stalls.
const value = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 256);
let server: Server;
let base: string;
const stalled = new Set<() => void>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/moved/v") return void res.writeHead(307, { Location: "/v" }).end();
    if (path === "/far/v") return void res.writeHead(302, { Location: "/moved/v" }).end();
    if (path === "/loop") return void res.writeHead(301, { Location: "/loop" }).end();
    if (path === "/zipped") {
      const body = gzipSync(value);
      res.writeHead(200, { "Content-Encoding": "gzip", "Content-Length": body.length });
      return void res.end(body);
    }
    if (path === "/stall") return void stalled.add(() => res.destroy());
    if (path !== "/v") return void res.writeHead(404).end();
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (range === null) {
      res.writeHead(200, { "Content-Length": value.length });
      return void res.end(value);
    }
    const [start, end] = [Number(range[1]), Number(range[2])];
    res.writeHead(206, {
      "Content-Length": end - start + 1,
      "Content-Range": `bytes ${start}-${end}/${value.length}`,
    });
    res.end(value.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  for (const end of stalled) end();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("FetchStore through node:http", () => {
  it("follows redirects, ranges included, and gives up on a loop", async () => {
    const store = new FetchStore(base, { retryDelayMs: 1 });
    expect(await store.get("far/v")).toEqual(value);
    expect(await store.get("moved/v", { range: { offset: 10, length: 5 } })).toEqual(
      value.subarray(10, 15),
    );
    await expect(new FetchStore(base, { retries: 0 }).get("loop")).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "StoreError") && /redirects/.test(e.message),
    );
  });

  it("decompresses a body the server compressed although asked not to", async () => {
    expect(await new FetchStore(base).get("zipped")).toEqual(value);
  });

  it("times out a stalled response and retries, then fails with StoreError", async () => {
    const store = new FetchStore(base, { timeoutMs: 50, retries: 1, retryDelayMs: 1 });
    await expect(store.get("stall")).rejects.toSatisfy(
      (e: unknown) =>
        isZarrkitError(e, "StoreError") &&
        /timed out/.test(e.message) &&
        /2 attempts/.test(e.message),
    );
  });
});
