import {
  AbortedError,
  assertValidKey,
  type ByteRange,
  childrenOf,
  isZarrkitError,
  type ListableStore,
  type StoreCapabilities,
  StoreError,
  type StoreGetOptions,
  UnsupportedFeatureError,
  ValueChangedError,
  type WritableStore,
} from "@zarrkit/core";

// The SDK is an optional peer, imported on first use: neither users without S3 nor CLI start-up
// pay for loading it.
type S3Module = typeof import("@aws-sdk/client-s3");
type S3Client = InstanceType<S3Module["S3Client"]>;
let sdk: Promise<S3Module> | undefined;
function loadSdk(): Promise<S3Module> {
  sdk ??= import("@aws-sdk/client-s3").catch((err: unknown) => {
    sdk = undefined;
    throw new UnsupportedFeatureError(
      `S3 needs the optional peer dependency @aws-sdk/client-s3 (npm install @aws-sdk/client-s3): ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  });
  return sdk;
}

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket ("" or ending in no slash; one is added). */
  prefix?: string;
  /** Default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, else AWS. Path-style is used when set. */
  endpoint?: string;
  /** Default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1. */
  region?: string;
  /** Default: the SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Unsigned requests, for public buckets. */
  anonymous?: boolean;
  /** Refuse writes (the default for locations opened for reading). */
  readOnly?: boolean;
  /** An S3Client to use instead of building one (its settings win). */
  client?: S3Client;
}

/** S3 error names and statuses that mean "no such key". */
function isNotFound(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const name = "name" in err ? err.name : undefined;
  // A missing bucket is a misconfiguration, not an absent key.
  return name === "NoSuchKey" || (statusOf(err) === 404 && name !== "NoSuchBucket");
}

/** The HTTP status of an SDK error, if it has one. */
function statusOf(err: unknown): unknown {
  return typeof err === "object" &&
    err !== null &&
    "$metadata" in err &&
    typeof err.$metadata === "object" &&
    err.$metadata !== null &&
    "httpStatusCode" in err.$metadata
    ? err.$metadata.httpStatusCode
    : undefined;
}

/**
 * A store over an S3 bucket (AWS or any S3-compatible server): read, range reads (suffix ranges
 * too), write, delete and list, through the AWS SDK v3. Keys live under `prefix/`.
 */
export class S3Store implements WritableStore, ListableStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly capabilities: StoreCapabilities;
  readonly #options: S3StoreOptions;
  #client: Promise<S3Client> | undefined;

  constructor(options: S3StoreOptions) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket))
      throw new StoreError(`"${options.bucket}" is not a valid S3 bucket name`);
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
    this.#options = options;
    this.capabilities = {
      readable: true,
      writable: options.readOnly !== true,
      listable: true,
      ranges: true,
      versionedReads: true,
    };
    if (options.client !== undefined) this.#client = Promise.resolve(options.client);
  }

  /** `s3://bucket/prefix` */
  get url(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  #key(key: string): string {
    return this.prefix === "" ? key : `${this.prefix}/${key}`;
  }

  async #s3(): Promise<{ client: S3Client; sdk: S3Module }> {
    const module = await loadSdk();
    this.#client ??= Promise.resolve(this.#makeClient(module, this.#options.anonymous === true));
    return { client: await this.#client, sdk: module };
  }

  /**
   * A read-only store with no credentials anywhere falls back to unsigned requests once, so
   * public buckets open without configuration.
   */
  async #withCredentialFallback<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      const missing = err instanceof Error && err.name === "CredentialsProviderError";
      if (!missing || this.capabilities.writable || this.#options.client !== undefined) throw err;
      this.#client = Promise.resolve(this.#makeClient(await loadSdk(), true));
      return request();
    }
  }

  #makeClient(module: S3Module, anonymous: boolean): S3Client {
    const env = process.env;
    const endpoint = this.#options.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
    return new module.S3Client({
      region: this.#options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
      ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
      ...(this.#options.credentials === undefined
        ? {}
        : { credentials: this.#options.credentials }),
      // Unsigned: a signer that leaves requests as they are, and no credential lookup.
      ...(anonymous
        ? {
            credentials: { accessKeyId: "", secretAccessKey: "" },
            signer: { sign: async <T>(request: T) => request },
          }
        : {}),
      // Checksums only where S3 requires them: S3-compatible servers differ in what they accept.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 5,
    });
  }

  #fail(what: string, key: string, err: unknown): never {
    if (isZarrkitError(err)) throw err;
    if (err instanceof Error && err.name === "AbortError")
      throw new AbortedError(`${what} ${key} was aborted`, { key, cause: err });
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new StoreError(`${what} ${this.url}/${key} failed: ${message}`, { key, cause: err });
  }

  async get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    assertValidKey(key);
    return this.#withCredentialFallback(() => this.#get(key, options, undefined));
  }

  /**
   * A whole object, its body read into `lend(size)` when the response declares its length and
   * no content encoding (a read of many chunks then recycles a few buffers), else into memory
   * the SDK allocates.
   */
  async getWith(
    key: string,
    lend: (size: number) => Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<Uint8Array | undefined> {
    assertValidKey(key);
    return this.#withCredentialFallback(() => this.#get(key, options, lend));
  }

  async #get(
    key: string,
    options: StoreGetOptions,
    lend: ((size: number) => Uint8Array) | undefined,
  ): Promise<Uint8Array | undefined> {
    const { range, signal, ifVersion, onVersion } = options;
    const { client, sdk } = await this.#s3();
    try {
      if (range !== undefined && "offset" in range && range.length === 0) {
        // An empty range of an existing object: ask whether it exists, read nothing.
        const head = await client.send(
          new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.#key(key) }),
          { abortSignal: signal },
        );
        const size = head.ContentLength ?? 0;
        if (range.offset > size)
          throw new StoreError(
            `range ${range.offset}+0 is past the end of ${key} (${size} bytes)`,
            {
              key,
            },
          );
        return new Uint8Array(0);
      }
      const response = await client.send(
        new sdk.GetObjectCommand({
          Bucket: this.bucket,
          Key: this.#key(key),
          ...(range === undefined ? {} : { Range: rangeHeader(range) }),
          ...(ifVersion === undefined ? {} : { IfMatch: ifVersion }),
        }),
        { abortSignal: signal },
      );
      if (response.ETag !== undefined && !response.ETag.startsWith("W/"))
        onVersion?.(response.ETag);
      const body = response.Body;
      if (body === undefined) return new Uint8Array(0);
      const size = response.ContentLength;
      const bytes =
        lend !== undefined &&
        range === undefined &&
        size !== undefined &&
        response.ContentEncoding === undefined &&
        Symbol.asyncIterator in body
          ? await readInto(body, lend(size), key)
          : await body.transformToByteArray();
      if (range !== undefined) checkRangeLength(key, range, bytes.length);
      return bytes;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (err instanceof Error && err.name === "CredentialsProviderError") throw err;
      if (ifVersion !== undefined && statusOf(err) === 412)
        throw new ValueChangedError(`${this.url}/${key} changed since version ${ifVersion}`, {
          key,
          cause: err,
        });
      return this.#fail("reading", key, err);
    }
  }

  async getRanges(key: string, ranges: readonly ByteRange[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(ranges.map((range) => this.get(key, { range })));
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    assertValidKey(key);
    this.#writable(key);
    const { client, sdk } = await this.#s3();
    try {
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: this.#key(key),
          Body: value,
          ContentLength: value.byteLength,
        }),
      );
    } catch (err) {
      this.#fail("writing", key, err);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.#writable(key);
    const { client, sdk } = await this.#s3();
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.#key(key) }));
    } catch (err) {
      if (!isNotFound(err)) this.#fail("deleting", key, err);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    yield* await this.#withCredentialFallback(() => this.#listAll(prefix));
  }

  /** Every key below `prefix`, sorted, across pages. */
  async #listAll(prefix: string): Promise<string[]> {
    const { client, sdk } = await this.#s3();
    const base = this.prefix === "" ? "" : `${this.prefix}/`;
    let token: string | undefined;
    const keys: string[] = [];
    do {
      const page = await client
        .send(
          new sdk.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: base + prefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        )
        .catch((err: unknown) => {
          if (err instanceof Error && err.name === "CredentialsProviderError") throw err;
          return this.#fail("listing", prefix, err);
        });
      for (const object of page.Contents ?? [])
        if (object.Key !== undefined) keys.push(object.Key.slice(base.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  async listDir(prefix: string): Promise<{ keys: string[]; prefixes: string[] }> {
    const keys: string[] = [];
    for await (const key of this.list(prefix)) keys.push(key);
    return childrenOf(keys, prefix);
  }

  #writable(key: string): void {
    if (!this.capabilities.writable)
      throw new StoreError(`${this.url} is read-only (opened for reading)`, { key });
  }
}

function rangeHeader(range: ByteRange): string {
  if ("suffix" in range) return `bytes=-${range.suffix}`;
  return `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

/** A short body for an explicit range means the object ended early: say so, never pad. */
function checkRangeLength(key: string, range: ByteRange, got: number): void {
  if ("offset" in range && got !== range.length)
    throw new StoreError(`range ${range.offset}+${range.length} of ${key} returned ${got} bytes`, {
      key,
    });
}

/** A body's pieces copied into `out`, which they must fill exactly. */
async function readInto(
  body: AsyncIterable<unknown>,
  out: Uint8Array,
  key: string,
): Promise<Uint8Array> {
  let length = 0;
  for await (const piece of body) {
    if (!(piece instanceof Uint8Array))
      throw new StoreError(`the body of ${key} is not bytes`, { key });
    if (length + piece.length > out.length)
      throw new StoreError(`the body of ${key} is longer than its ${out.length} bytes`, { key });
    out.set(piece, length);
    length += piece.length;
  }
  if (length !== out.length)
    throw new StoreError(`the body of ${key} ended after ${length} of ${out.length} bytes`, {
      key,
    });
  return out;
}
