// Test helpers for store authors and the conformance suite (Node only): the shared store
// contract (vitest), a real loopback HTTP server with fault injection, and a loopback S3 server
// (moto).

export { type ServerMode, startHttpServer, type TestHttpServer } from "./testing/http-server.js";
export {
  CONTRACT_FILES,
  describeReadableStoreContract,
  type ReadableStoreUnderTest,
} from "./testing/readable-store-contract.js";
export { startS3Server, type TestS3Server } from "./testing/s3-server.js";
export { describeStoreContract, type StoreUnderTest } from "./testing/store-contract.js";
