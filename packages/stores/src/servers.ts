// Real loopback servers for tests and the conformance suite (Node only), without vitest.
export { type ServerMode, startHttpServer, type TestHttpServer } from "./testing/http-server.js";
export { startS3Server, type TestS3Server } from "./testing/s3-server.js";
