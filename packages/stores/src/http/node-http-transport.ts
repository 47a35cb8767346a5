import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from "node:http";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import type { HttpReply, HttpRequest, HttpTransport } from "./http-transport.js";

// node:http directly, with connections kept alive: Node's fetch (undici) spent about twice the
// CPU per request here (128 reads of 1 MiB: 330 ms and 540 ms of CPU against 190 and 260),
// which on two cores was most of a whole read over HTTP.

interface Client {
  agent: Agent;
  request(
    url: URL,
    options: RequestOptions,
    onResponse: (response: IncomingMessage) => void,
  ): ClientRequest;
}
// Loaded on the first request: importing node:http and node:https costs ~4 and ~6 ms.
const clients: Partial<Record<"http:" | "https:", Promise<Client>>> = {};
function clientFor(protocol: "http:" | "https:"): Promise<Client> {
  clients[protocol] ??= (protocol === "https:" ? import("node:https") : import("node:http")).then(
    (module) => ({ agent: new module.Agent({ keepAlive: true }), request: module.request }),
  );
  return clients[protocol];
}
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** HTTP(S) through node:http, following redirects, bodies read into one buffer. */
export const nodeHttpTransport: HttpTransport = (url, request) => send(url, request, 0);

async function send(url: URL, request: HttpRequest, redirects: number): Promise<HttpReply> {
  const protocol = url.protocol;
  if (protocol !== "http:" && protocol !== "https:")
    throw new TypeError(`unsupported protocol ${protocol}`);
  const client = await clientFor(protocol);
  return new Promise((resolve, reject) => {
    const options = {
      method: request.method,
      // No compression asked for: chunks are compressed already, and ranges are of the bytes.
      headers: { "Accept-Encoding": "identity", ...request.headers },
      signal: request.signal,
      agent: client.agent,
    };
    const onResponse = (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new Error(`more than ${MAX_REDIRECTS} redirects`));
          return;
        }
        const method = status === 303 ? "GET" : request.method;
        resolve(send(new URL(location, url), { ...request, method }, redirects + 1));
        return;
      }
      resolve(reply(response));
    };
    const sent = client.request(url, options, onResponse);
    sent.on("error", reject);
    sent.end();
  });
}

function reply(response: IncomingMessage): HttpReply {
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? "",
    header(name) {
      const value = response.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    bytes: (lend) => readBody(response, lend),
    discard: async () => {
      response.resume();
    },
  };
}

/**
 * The body, into a buffer of the declared length when there is one (no joining of pieces): the
 * memory `lend` gives when the body is not content-encoded (fresh memory costs the calling
 * thread a page fault and the kernel's zeroing per 4 KiB; lent memory has been touched before).
 */
function readBody(
  response: IncomingMessage,
  lend: ((size: number) => Uint8Array) | undefined,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers["content-length"]);
    const sized = Number.isSafeInteger(declared) && declared >= 0;
    const plain = response.headers["content-encoding"] === undefined;
    let out = !sized
      ? undefined
      : lend !== undefined && plain
        ? lend(declared)
        : new Uint8Array(declared);
    const pieces: Buffer[] = [];
    let length = 0;
    response.on("data", (piece: Buffer) => {
      if (out !== undefined && length + piece.length <= out.length) out.set(piece, length);
      else {
        // Longer than declared (the caller reports it) or undeclared: keep the pieces.
        if (out !== undefined) pieces.push(Buffer.from(out.subarray(0, length)));
        out = undefined;
        pieces.push(piece);
      }
      length += piece.length;
    });
    response.on("error", reject);
    response.on("close", () => {
      if (!response.complete) reject(new Error("the connection closed before the body ended"));
    });
    response.on("end", () => {
      const body = out !== undefined ? out.subarray(0, length) : Buffer.concat(pieces, length);
      try {
        resolve(decoded(body, response.headers["content-encoding"]));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** A body a server compressed although asked not to; plain Uint8Arrays, as fetch's. */
function decoded(body: Uint8Array, encoding: string | undefined): Uint8Array {
  const plain = (bytes: Uint8Array) => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case "":
    case "identity":
      return plain(body);
    case "gzip":
    case "x-gzip":
      return plain(gunzipSync(body));
    case "deflate":
      return plain(inflateSync(body));
    case "br":
      return plain(brotliDecompressSync(body));
    default:
      throw new Error(`unsupported Content-Encoding ${encoding}`);
  }
}
