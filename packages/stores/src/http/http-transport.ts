/** One HTTP exchange as FetchStore needs it: the status, headers, and the body read or dropped. */
export interface HttpReply {
  readonly status: number;
  readonly statusText: string;
  /** A response header's value (case-insensitive name), or null. */
  header(name: string): string | null;
  /**
   * The body's bytes; rejects when the connection drops before the body ends. With `lend`, a
   * transport that knows the body's size before reading it (a Content-Length, no content
   * encoding) may read it into `lend(size)` (memory the caller recycles); else, or when the
   * body turns out longer, into memory of its own.
   */
  bytes(lend?: (size: number) => Uint8Array): Promise<Uint8Array>;
  /** Drops the body unread (the connection may then serve another request). */
  discard(): Promise<void>;
}

export interface HttpRequest {
  readonly method: "GET" | "HEAD";
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

/** Sends one request (following redirects); rejects when no response arrives. */
export type HttpTransport = (url: URL, request: HttpRequest) => Promise<HttpReply>;

/** A transport over a `fetch` (the platform's, or one the caller gives). */
export function fetchTransport(doFetch: typeof fetch): HttpTransport {
  return async (url, { method, headers, signal }) => {
    const response = await doFetch(url, { method, headers, signal });
    return {
      status: response.status,
      statusText: response.statusText,
      header: (name) => response.headers.get(name),
      bytes: async () => new Uint8Array(await response.arrayBuffer()),
      discard: async () => {
        await response.body?.cancel();
      },
    };
  };
}
