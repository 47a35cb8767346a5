import { isZarrkitError } from "@zarrkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type TestS3Server } from "../testing/s3-server.js";
import { describeStoreContract } from "../testing/store-contract.js";
import { S3Store } from "./s3-store.js";
import { s3StoreExtension } from "./s3-store-extension.js";

// A real S3-compatible server (moto) on 127.0.0.1, the real AWS SDK: no mocked client.
const server = await startS3Server();
afterAll(() => server?.close());

describe.skipIf(server === undefined)("S3Store on a loopback S3 server", () => {
  const s3 = server as TestS3Server;
  const make = async (prefix: string) =>
    new S3Store({
      bucket: await s3.createBucket(),
      prefix,
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: s3.credentials,
    });

  describeStoreContract("S3Store (bucket root)", async () => ({
    store: await make(""),
    teardown: async () => {},
  }));
  describeStoreContract("S3Store (under a prefix)", async () => ({
    store: await make("data/x.zarr"),
    teardown: async () => {},
  }));

  it("keeps keys under its prefix and lists only those", async () => {
    const bucket = await s3.createBucket();
    const options = {
      bucket,
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: s3.credentials,
    };
    const a = new S3Store({ ...options, prefix: "a" });
    const ab = new S3Store({ ...options, prefix: "ab" });
    await a.set("k", Uint8Array.of(1));
    await ab.set("k", Uint8Array.of(2));
    expect(await new S3Store(options).get("a/k")).toEqual(Uint8Array.of(1));
    const listed: string[] = [];
    for await (const key of a.list("")) listed.push(key);
    expect(listed).toEqual(["k"]);
  });

  it("reads one version of an object: ETags reported, IfMatch sent, a rewrite refused", async () => {
    const store = await make("v");
    expect(store.capabilities.versionedReads).toBe(true);
    await store.set("k", new TextEncoder().encode("first value"));
    let version: string | undefined;
    const got = await store.get("k", {
      range: { suffix: 5 },
      onVersion: (v) => {
        version = v;
      },
    });
    expect(new TextDecoder().decode(got)).toBe("value");
    expect(version).toMatch(/^"/);
    const pinned = { ifVersion: version!, range: { offset: 0, length: 5 } };
    expect(new TextDecoder().decode(await store.get("k", pinned))).toBe("first");
    await store.set("k", new TextEncoder().encode("second value"));
    const err = await store.get("k", pinned).catch((e: unknown) => e);
    expect(isZarrkitError(err, "ValueChanged"), String(err)).toBe(true);
  });

  it("reads a whole object into the memory lent to it", async () => {
    const store = await make("p");
    const value = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251);
    await store.set("chunk", value);
    const lent: Uint8Array[] = [];
    const got = await store.getWith("chunk", (size) => {
      const view = new Uint8Array(new ArrayBuffer(size + 16), 16, size);
      lent.push(view);
      return view;
    });
    expect(got).toEqual(value);
    expect(lent.length).toBe(1);
    expect(got?.buffer).toBe(lent[0]!.buffer);
    expect(await store.getWith("absent", () => new Uint8Array(0))).toBeUndefined();
  });

  let publicBucket = "";
  beforeAll(async () => {
    if (server === undefined) return;
    publicBucket = await s3.createBucket();
    const writer = new S3Store({
      bucket: publicBucket,
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: s3.credentials,
    });
    await writer.set("x.zarr/zarr.json", new TextEncoder().encode('{"zarr_format":3}'));
    await s3.makePublic(publicBucket);
  });

  it("s3:// locations read with environment settings, unsigned when asked; writes need writable", async () => {
    const saved = { ...process.env };
    try {
      process.env.AWS_ENDPOINT_URL = s3.endpoint;
      process.env.AWS_REGION = s3.region;
      process.env.AWS_NO_SIGN_REQUEST = "YES";
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      const store = await s3StoreExtension.open(`s3://${publicBucket}/x.zarr`, {});
      expect(new TextDecoder().decode(await store.get("zarr.json"))).toBe('{"zarr_format":3}');
      expect(await store.get("missing")).toBeUndefined();
      const readOnly = store as S3Store;
      await expect(readOnly.set("y", Uint8Array.of(1))).rejects.toSatisfy((e) =>
        isZarrkitError(e, "StoreError"),
      );
    } finally {
      process.env = saved;
    }
  });

  it("reports server failures as StoreError naming the key, never as a missing key", async () => {
    const store = new S3Store({
      bucket: "no-such-bucket-zarrkit",
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: s3.credentials,
    });
    await expect(store.get("a/zarr.json")).rejects.toSatisfy(
      (e) => isZarrkitError(e, "StoreError") && /a\/zarr\.json/.test(String(e)),
    );
  });
});
