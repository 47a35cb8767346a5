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
let flakyCalls = 0;

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
    if (path === "/chunked") {
      // No Content-Length: the body comes in chunks of unknown total.
      res.writeHead(200);
      res.write(value.subarray(0, 2000));
      return void res.end(value.subarray(2000));
    }
    if (path === "/flaky") {
      // The first answer is cut off after 1000 of its 5000 bytes.
      res.writeHead(200, { "Content-Length": value.length });
      if (flakyCalls++ > 0) return void res.end(value);
      res.write(value.subarray(0, 1000));
      return void setTimeout(() => res.destroy(), 5);
    }
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

  it("reads a whole body into lent memory where its size is declared, else into its own", async () => {
    const store = new FetchStore(base, { retryDelayMs: 1 });
    const lent: Uint8Array[] = [];
    const lend = (size: number) => {
      const view = new Uint8Array(new ArrayBuffer(size + 8), 8, size);
      lent.push(view);
      return view;
    };
    const got = await store.getWith("v", lend);
    expect(got).toEqual(value);
    expect(lent.map((v) => v.length)).toEqual([value.length]);
    expect(got?.buffer).toBe(lent[0]!.buffer);
    expect(got?.byteOffset).toBe(8);
    // Compressed by the server, or of no declared length: memory of the transport's own.
    expect(await store.getWith("zipped", lend)).toEqual(value);
    expect(await store.getWith("chunked", lend)).toEqual(value);
    expect(await store.getWith("nothing-here", lend)).toBeUndefined();
    expect(lent.length).toBe(1);
    // A body cut off is read again, into the same lent memory.
    const again = await store.getWith("flaky", lend);
    expect(again).toEqual(value);
    expect(flakyCalls).toBe(2);
    expect(lent.length).toBe(2);
    expect(again?.buffer).toBe(lent[1]!.buffer);
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
