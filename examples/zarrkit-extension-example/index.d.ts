import type {
  ChunkKeyEncodingExtension,
  CodecExtension,
  Extension,
  ListableStore,
  StoreExtension,
  WritableStore,
} from "@zarrkit/core";

export declare const xorCodec: CodecExtension;
export declare const flatKeys: ChunkKeyEncodingExtension;
export declare const exampleMemoryStore: StoreExtension;
export declare class ExampleMemoryStore implements WritableStore, ListableStore {
  constructor(map?: Map<string, Uint8Array>);
  readonly map: Map<string, Uint8Array>;
  get: WritableStore["get"];
  set: WritableStore["set"];
  delete: WritableStore["delete"];
  list: ListableStore["list"];
  listDir: ListableStore["listDir"];
}
declare const extension: Extension;
export default extension;
