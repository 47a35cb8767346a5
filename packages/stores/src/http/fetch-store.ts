import {
  AbortedError,
  assertValidKey,
  type ByteRange,
  isZarrkitError,
  type ReadableStore,
  type StoreCapabilities,
  StoreError,
  type StoreGetOptions,
  ValueChangedError,
} from "@zarrkit/core";
import { fetchTransport, type HttpReply, type HttpTransport } from "./http-transport.js";

export interface FetchStoreOptions {
  /** Headers sent with every request (authorisation, say). */
  headers?: Record<string, string>;
  /** The fetch to use (default: the global one; in Node, node:http unless this is given). */
  fetch?: typeof fetch;
  /** How requests are sent, when not through `fetch` (Node's entry passes node:http's). */
  transport?: HttpTransport;
  /** Statuses that mean "not found" (default [404]; S3-style servers may want [403, 404]). */
  notFoundStatuses?: readonly number[];
  /** Retries after 5xx, 429, a dropped connection, a truncated body or a timeout (default 4). */
  retries?: number;
  /** First retry delay; doubles each time, with jitter (default 50 ms). */
  retryDelayMs?: number;
  /** Per-attempt timeout (default 30 s). */
  timeoutMs?: number;
  /**
   * Versioned reads (StoreGetOptions): strong ETags are reported and later reads of the same
   * value send If-Match, so a shard rewritten between its index and its inner chunks is read
   * again instead of mixed. Default: on in Node; off elsewhere, since in a browser If-Match
   * needs a CORS preflight that the server must allow (Access-Control-Allow-Headers: If-Match,
   * Access-Control-Expose-Headers: ETag).
   */
  versionedReads?: boolean;
}

/** Why an attempt failed, and whether trying again may help. */
class AttemptError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.retryable = retryable;
  }
}

/**
 * A read-only store over HTTP(S). Range reads use `Range` headers (suffix ranges too); a server
 * that ignores Range still gives the right bytes. "Not found" is 404 (configurable) and nothing
 * else: every other failure is a StoreError after retries, never a missing chunk.
 */
export class FetchStore implements ReadableStore {
  readonly url: URL;
  readonly capabilities: StoreCapabilities;
  readonly #options: Required<Omit<FetchStoreOptions, "headers" | "fetch" | "transport">> &
    Pick<FetchStoreOptions, "headers">;
  readonly #transport: HttpTransport;

  constructor(url: string | URL, options: FetchStoreOptions = {}) {
    const base = new URL(url);
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.url = base;
    const { fetch: givenFetch, transport, ...rest } = options;
    this.#options = {
      notFoundStatuses: [404],
      retries: 4,
      retryDelayMs: 50,
      timeoutMs: 30_000,
      versionedReads: false,
      ...rest,
    };
    this.capabilities = {
      readable: true,
      writable: false,
      listable: false,
      ranges: true,
      versionedReads: this.#options.versionedReads,
    };
    this.#transport =
      givenFetch !== undefined ? fetchTransport(givenFetch) : (transport ?? fetchTransport(fetch));
  }

  /** The URL of a key: each segment percent-encoded, below the base. */
  #urlOf(key: string): URL {
    assertValidKey(key);
    return new URL(key.split("/").map(encodeURIComponent).join("/"), this.url);
  }

  get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    return this.#read(key, options, undefined);
  }

  /**
   * A whole value, its body read into `lend(size)` where the transport can (see
   * HttpReply.bytes): a read of many chunks then recycles a few buffers instead of faulting in
   * fresh memory for each body.
   */
  getWith(
    key: string,
    lend: (size: number) => Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<Uint8Array | undefined> {
    // One buffer for all attempts: a retry reads into the same memory.
    let lent: Uint8Array | undefined;
    const lendOnce = (size: number): Uint8Array => {
      if (lent === undefined || lent.length !== size) lent = lend(size);
      return lent;
    };
    return this.#read(key, options, lendOnce);
  }

  async #read(
    key: string,
    options: StoreGetOptions,
    lend: ((size: number) => Uint8Array) | undefined,
  ): Promise<Uint8Array | undefined> {
    const url = this.#urlOf(key);
    const { range, signal } = options;
    if (range !== undefined) checkRange(range, key);
    const { retries, retryDelayMs } = this.#options;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted)
        throw new AbortedError(`reading ${key} was aborted`, { key, cause: signal.reason });
      try {
        return await this.#attempt(url, key, options, lend);
      } catch (err) {
        if (signal?.aborted)
          throw new AbortedError(`reading ${key} was aborted`, { key, cause: signal.reason });
        if (isZarrkitError(err)) throw err;
        const retryable = err instanceof AttemptError ? err.retryable : true;
        const why = err instanceof Error ? err.message : String(err);
        if (!retryable || attempt >= retries) {
          throw new StoreError(
            `GET ${url.href} failed${attempt > 0 ? ` after ${attempt + 1} attempts` : ""}: ${why}`,
            { key, cause: err },
          );
        }
        await sleep(retryDelayMs * 2 ** attempt * (0.5 + Math.random()), signal);
      }
    }
  }

  async getRanges(
    key: string,
    ranges: readonly ByteRange[],
    options: { signal?: AbortSignal } = {},
  ): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(ranges.map((range) => this.get(key, { range, ...options })));
  }

  async #attempt(
    url: URL,
    key: string,
    { range, signal, ...pin }: StoreGetOptions,
    lend: ((size: number) => Uint8Array) | undefined,
  ): Promise<Uint8Array | undefined> {
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    // An empty range has no Range header form: ask whether the key exists and how long it is.
    const empty = range !== undefined && !("suffix" in range) && range.length === 0;
    const { ifVersion, onVersion } = this.#options.versionedReads ? pin : {};
    const headers = {
      ...this.#options.headers,
      ...(range !== undefined && !empty ? { Range: rangeHeader(range) } : {}),
      ...(ifVersion !== undefined ? { "If-Match": ifVersion } : {}),
    };
    let response: HttpReply;
    try {
      response = await this.#transport(url, {
        method: empty ? "HEAD" : "GET",
        headers,
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
    } catch (err) {
      throw new AttemptError(
        timeout.aborted ? "timed out" : `request failed (${describeError(err)})`,
        true,
        err,
      );
    }
    const { status } = response;
    if (this.#options.notFoundStatuses.includes(status)) {
      await response.discard();
      return undefined;
    }
    if (status === 412 && ifVersion !== undefined) {
      await response.discard();
      throw new ValueChangedError(`${url.href} changed since version ${ifVersion} was read`, {
        key,
      });
    }
    if (status !== 200 && status !== 206) {
      await response.discard();
      const retryable = status >= 500 || status === 429 || status === 408;
      throw new AttemptError(`HTTP ${status} ${response.statusText}`, retryable);
    }
    // A weak ETag names equivalent content, not these bytes: If-Match never matches it.
    const etag = response.header("ETag");
    if (etag !== null && !etag.startsWith("W/")) onVersion?.(etag);
    if (empty) {
      const size = Number(response.header("Content-Length") ?? Number.NaN);
      if (Number.isFinite(size) && range.offset > size) {
        throw new StoreError(
          `byte range ${range.offset}..${range.offset} is past the end of ${key} (${size} bytes)`,
          { key },
        );
      }
      return new Uint8Array(0);
    }
    let body: Uint8Array;
    try {
      body = await response.bytes(lend);
    } catch (err) {
      throw new AttemptError(`the body was cut off (${describeError(err)})`, true, err);
    }
    const declared = response.header("Content-Length");
    if (
      declared !== null &&
      response.header("Content-Encoding") === null &&
      Number(declared) !== body.length
    ) {
      throw new AttemptError(`the body has ${body.length} of ${declared} bytes`, true);
    }
    if (range === undefined) {
      if (status === 206)
        throw new AttemptError("a partial response to a request without Range", true);
      return body;
    }
    // 200 means the server ignored Range: cut the range out of the whole value ourselves.
    if (status === 200) return cutRange(body, range, key);
    return checkPartial(body, range, response.header("Content-Range"), key);
  }
}

function checkRange(range: ByteRange, key: string): void {
  const ok =
    "suffix" in range
      ? Number.isSafeInteger(range.suffix) && range.suffix >= 0
      : Number.isSafeInteger(range.offset) &&
        Number.isSafeInteger(range.length) &&
        range.offset >= 0 &&
        range.length >= 0;
  if (!ok) throw new StoreError(`invalid byte range ${JSON.stringify(range)} for ${key}`, { key });
}

function rangeHeader(range: ByteRange): string {
  return "suffix" in range
    ? `bytes=-${range.suffix}`
    : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

function cutRange(body: Uint8Array, range: ByteRange, key: string): Uint8Array {
  if ("suffix" in range) return body.subarray(Math.max(0, body.length - range.suffix));
  if (range.offset + range.length > body.length) {
    throw new StoreError(
      `byte range ${range.offset}..${range.offset + range.length} is past the end of ${key} (${body.length} bytes)`,
      { key },
    );
  }
  return body.subarray(range.offset, range.offset + range.length);
}

/** A 206 body must be exactly the bytes asked for (per Content-Range when the server sends it). */
function checkPartial(
  body: Uint8Array,
  range: ByteRange,
  contentRange: string | null,
  key: string,
): Uint8Array {
  const match = contentRange === null ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange);
  if ("suffix" in range) {
    if (match !== null && match[3] !== "*" && Number(match[2]) + 1 !== Number(match[3])) {
      throw new AttemptError(`suffix response ${contentRange} does not end the file`, true);
    }
    return body.length > range.suffix ? body.subarray(body.length - range.suffix) : body;
  }
  if (match !== null) {
    const start = Number(match[1]);
    const total = match[3] === "*" ? undefined : Number(match[3]);
    if (start !== range.offset)
      throw new AttemptError(`asked for bytes from ${range.offset}, got ${contentRange}`, true);
    if (total !== undefined && range.offset + range.length > total) {
      throw new StoreError(
        `byte range ${range.offset}..${range.offset + range.length} is past the end of ${key} (${total} bytes)`,
        { key },
      );
    }
  }
  if (body.length !== range.length)
    throw new AttemptError(`asked for ${range.length} bytes, got ${body.length}`, true);
  return body;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
