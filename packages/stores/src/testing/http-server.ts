import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { extname, join, normalize } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".html": "text/html",
  ".json": "application/json",
};

/**
 * How the test server misbehaves:
 * - "normal": Range and suffix ranges (206 + Content-Range), strong ETags and If-Match (412
 *   when the file changed), CORS preflight, 404s.
 * - "weak-etags": as normal, with weak ETags (W/"..."), which If-Match never matches.
 * - "ignore-range": always 200 with the whole file.
 * - "faulty": each path's attempts cycle through a 500, a reset connection, a truncated body,
 *   then a correct answer.
 * - "broken": every request of an existing file gets a 500.
 */
export type ServerMode = "normal" | "weak-etags" | "ignore-range" | "faulty" | "broken";

export interface TestHttpServer {
  readonly url: string;
  mode: ServerMode;
  readonly requests: {
    method: string;
    path: string;
    range: string | undefined;
    ifMatch: string | undefined;
  }[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (an ephemeral port) serving `root`. */
export async function startHttpServer(
  root: string,
  mode: ServerMode = "normal",
): Promise<TestHttpServer> {
  const attempts = new Map<string, number>();
  const state: TestHttpServer = {
    url: "",
    mode,
    requests: [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const range = req.headers.range;
    const ifMatch = req.headers["if-match"];
    state.requests.push({ method: req.method ?? "", path, range, ifMatch });
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Expose-Headers", "Content-Range, Content-Length, ETag");
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "Access-Control-Allow-Headers": "Range, If-Match",
        "Access-Control-Allow-Methods": "GET, HEAD",
      });
      res.end();
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) return void res.writeHead(404).end();
    const body = await readFile(file);
    // Browsers load module scripts only with a JavaScript type.
    res.setHeader("Content-Type", CONTENT_TYPES[extname(file)] ?? "application/octet-stream");

    if (state.mode === "broken") return void res.writeHead(500).end();
    // Changes with every rewrite of the file (a new inode: writers rename into place).
    const tag = `"${info.ino}-${info.size}-${info.mtimeMs}"`;
    const etag = state.mode === "weak-etags" ? `W/${tag}` : tag;
    res.setHeader("ETag", etag);
    // If-Match compares strongly: a weak ETag never matches.
    if (ifMatch !== undefined && (ifMatch !== etag || etag.startsWith("W/")))
      return void res.writeHead(412).end();
    if (state.mode === "faulty") {
      const n = attempts.get(path) ?? 0;
      attempts.set(path, n + 1);
      if (n % 4 === 0) return void res.writeHead(503).end();
      if (n % 4 === 1) return void res.destroy();
      if (n % 4 === 2) {
        res.writeHead(200, { "Content-Length": body.length });
        res.write(body.subarray(0, body.length >> 1));
        res.destroy();
        return;
      }
    }
    if (range === undefined || state.mode === "ignore-range") {
      res.writeHead(200, { "Content-Length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    const m = /^bytes=(\d*)-(\d*)$/.exec(range);
    let start: number;
    let end: number;
    if (m === null || (m[1] === "" && m[2] === "")) return void res.writeHead(416).end();
    if (m[1] === "") {
      start = Math.max(0, body.length - Number(m[2]));
      end = body.length - 1;
    } else {
      start = Number(m[1]);
      end = m[2] === "" ? body.length - 1 : Math.min(Number(m[2]), body.length - 1);
    }
    if (start >= body.length || end < start) {
      res.writeHead(416, { "Content-Range": `bytes */${body.length}` });
      res.end();
      return;
    }
    res.writeHead(206, {
      "Content-Length": end - start + 1,
      "Content-Range": `bytes ${start}-${end}/${body.length}`,
    });
    res.end(body.subarray(start, end + 1));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string")
    throw new Error("the test server has no TCP address");
  return Object.assign(state, { url: `http://127.0.0.1:${address.port}/` });
}
