import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isZarrkitError } from "@zarrkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSystemStore } from "../filesystem/filesystem-store.js";
import { startHttpServer, type TestHttpServer } from "../testing/http-server.js";
import { FetchStore as PortableFetchStore } from "./fetch-store.js";
import type { HttpTransport } from "./http-transport.js";
import { FetchStore as NodeFetchStore } from "./node-fetch-store.js";
import { nodeHttpTransport } from "./node-http-transport.js";

// A real HTTP server on 127.0.0.1 serves a directory written by FileSystemStore.
let root: string;
let server: TestHttpServer;
const text = (s: string) => new TextEncoder().encode(s);
const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) % 256);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "zarrkit-http-"));
  const files = new FileSystemStore(root);
  await files.set("a/zarr.json", text("{}"));
  await files.set("a/c/0/1", text("0123456789"));
  await files.set("big", big);
  await files.set("odd name/k", text("x"));
  server = await startHttpServer(root);
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

// The same behaviour through the platform's fetch and through node:http (Node's default).
describe.each([
  ["fetch", PortableFetchStore],
  ["node:http", NodeFetchStore],
] as const)("FetchStore over a real HTTP server (%s)", (transportName, FetchStore) => {
  const store = (options = {}) => new FetchStore(server.url, { retryDelayMs: 1, ...options });

  it("reads values, ranges and suffixes; missing keys are undefined", async () => {
    server.mode = "normal";
    const s = store();
    expect(await s.get("a/c/0/1")).toEqual(text("0123456789"));
    expect(await s.get("a/c/0/1", { range: { offset: 2, length: 3 } })).toEqual(text("234"));
    expect(await s.get("a/c/0/1", { range: { suffix: 4 } })).toEqual(text("6789"));
    expect(await s.get("a/c/0/1", { range: { suffix: 40 } })).toEqual(text("0123456789"));
    expect(await s.get("a/c/0/1", { range: { offset: 10, length: 0 } })).toEqual(new Uint8Array(0));
    expect(await s.get("odd name/k")).toEqual(text("x"));
    expect(await s.get("nothing")).toBeUndefined();
    expect(await s.get("nothing", { range: { suffix: 3 } })).toBeUndefined();
    expect(await s.getRanges("big", [{ offset: 0, length: 2 }, { suffix: 2 }])).toEqual([
      big.subarray(0, 2),
      big.subarray(-2),
    ]);
    const sent = server.requests.filter((r) => r.path === "/a/c/0/1").map((r) => r.range);
    expect(sent).toContain("bytes=2-4");
    expect(sent).toContain("bytes=-4");
  });

  it("reads one version of a value: ETags reported, If-Match sent, a rewrite refused", async () => {
    server.mode = "normal";
    const files = new FileSystemStore(root);
    await files.set("v/k", text("first value"));
    const s = store({ versionedReads: true });
    expect(s.capabilities.versionedReads).toBe(true);
    let version: string | undefined;
    const onVersion = (v: string) => {
      version = v;
    };
    expect(await s.get("v/k", { range: { suffix: 5 }, onVersion })).toEqual(text("value"));
    expect(version).toMatch(/^"/);
    const pinned = { ifVersion: version!, range: { offset: 0, length: 5 } };
    expect(await s.get("v/k", pinned)).toEqual(text("first"));
    expect(server.requests.at(-1)?.ifMatch).toBe(version);
    await files.set("v/k", text("second value"));
    const err = await s.get("v/k", pinned).catch((e: unknown) => e);
    expect(isZarrkitError(err, "ValueChanged"), String(err)).toBe(true);
    // A weak ETag is no version of these bytes: nothing reported, nothing pinned.
    server.mode = "weak-etags";
    version = undefined;
    expect(await s.get("v/k", { onVersion })).toEqual(text("second value"));
    expect(version).toBeUndefined();
    server.mode = "normal";
    // Off (the portable default): neither reported nor sent.
    const off = new FetchStore(server.url, { versionedReads: false });
    expect(await off.get("v/k", { ifVersion: '"stale"', onVersion })).toEqual(text("second value"));
    expect(version).toBeUndefined();
    expect(server.requests.at(-1)?.ifMatch).toBeUndefined();
  });

  it("gives the right bytes when the server ignores Range", async () => {
    server.mode = "ignore-range";
    try {
      const s = store();
      expect(await s.get("big", { range: { offset: 99_990, length: 10 } })).toEqual(
        big.subarray(99_990),
      );
      expect(await s.get("big", { range: { suffix: 3 } })).toEqual(big.subarray(-3));
    } finally {
      server.mode = "normal";
    }
  });

  it("fails with StoreError, never undefined, for ranges past the end and bad keys", async () => {
    const s = store();
    await expect(s.get("a/c/0/1", { range: { offset: 8, length: 5 } })).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "StoreError"),
    );
    await expect(s.get("../etc/passwd")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "StoreError"),
    );
  });

  it("retries 5xx, resets and truncated bodies until the bytes are right", async () => {
    server.mode = "faulty";
    try {
      const s = store();
      const before = server.requests.length;
      // One after another, each read meets a 503, a reset and a truncated body first.
      for (let i = 0; i < 5; i++) expect(await s.get("big")).toEqual(big);
      expect(server.requests.length - before).toBe(20);
      expect(await s.get("big", { range: { offset: 5, length: 5 } })).toEqual(big.subarray(5, 10));
    } finally {
      server.mode = "normal";
    }
  });

  it("gives up with StoreError when the server keeps failing", async () => {
    server.mode = "broken";
    try {
      const s = store({ retries: 2 });
      await expect(s.get("big")).rejects.toSatisfy(
        (e: unknown) =>
          isZarrkitError(e, "StoreError") && /503|500/.test(e.message) && e.key === "big",
      );
      // A missing key is still just missing.
      expect(await s.get("nothing")).toBeUndefined();
    } finally {
      server.mode = "normal";
    }
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(store().get("big", { signal: controller.signal })).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "Aborted"),
    );
  });

  it("sends custom headers and treats configured statuses as not found", async () => {
    const seen: string[] = [];
    const watched: HttpTransport = (url, request) => {
      seen.push(request.headers.Authorization ?? "");
      return nodeHttpTransport(url, request);
    };
    const s = store({
      headers: { Authorization: "Bearer t" },
      notFoundStatuses: [404, 403],
      ...(transportName === "fetch"
        ? {
            fetch: (input: string | URL | Request, init?: RequestInit) => {
              seen.push(new Headers(init?.headers).get("Authorization") ?? "");
              return fetch(input, init);
            },
          }
        : { transport: watched }),
    });
    expect(await s.get("a/zarr.json")).toEqual(text("{}"));
    expect(seen).toEqual(["Bearer t"]);
  });

  it("answers CORS preflights for Range", async () => {
    const response = await fetch(new URL("big", server.url), { method: "OPTIONS" });
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Range/);
    expect(response.headers.get("Access-Control-Expose-Headers")).toMatch(/Content-Range/);
  });
});
