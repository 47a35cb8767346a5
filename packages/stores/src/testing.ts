// Test helpers for store authors and the conformance suite (Node only): the shared store
// contract (vitest) and a real loopback HTTP server with fault injection.

export { type ServerMode, startHttpServer, type TestHttpServer } from "./testing/http-server.js";
export {
  CONTRACT_FILES,
  describeReadableStoreContract,
  type ReadableStoreUnderTest,
} from "./testing/readable-store-contract.js";
export { describeStoreContract, type StoreUnderTest } from "./testing/store-contract.js";
