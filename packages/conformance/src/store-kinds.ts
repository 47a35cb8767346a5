import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  isWritable,
  MemoryStore,
  type Registry,
  type Store,
  type StoreTestInstance,
  type WritableStore,
} from "@zarrkit/core";
import { FetchStore, FileSystemStore, S3Store, ZipStore, ZipWriter } from "@zarrkit/stores";
import { startHttpServer, startS3Server } from "@zarrkit/stores/servers";

/** A kind of store the matrix runs on: it can hold given files, and maybe take writes. */
export interface StoreKind {
  readonly name: string;
  /** A store whose root holds `files`. */
  withFiles(files: ReadonlyMap<string, Uint8Array>): Promise<Store>;
  /** A fresh, empty store to write into; absent for read-only kinds. */
  empty?(): Promise<Store & WritableStore>;
  /** What reading back after writes goes through (zip: the archive the writes made). */
  forReading?(written: Store): Promise<Store>;
  close(): Promise<void>;
}

/** Why a store kind is not in the run (a server that is not available, ...). */
export interface SkippedKind {
  readonly name: string;
  readonly reason: string;
}

let counter = 0;
const next = () => `s${++counter}`;

async function writeTree(root: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  for (const [key, bytes] of files) {
    const path = join(root, ...key.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}

const memory = async (): Promise<StoreKind> => ({
  name: "memory",
  withFiles: async (files) => new MemoryStore(new Map(files)),
  empty: async () => new MemoryStore(),
  close: async () => {},
});

const filesystem = async (): Promise<StoreKind> => {
  const root = await mkdtemp(join(tmpdir(), "zarrkit-conformance-fs-"));
  return {
    name: "filesystem",
    async withFiles(files) {
      const dir = join(root, next());
      await writeTree(dir, files);
      return new FileSystemStore(dir);
    },
    empty: async () => new FileSystemStore(join(root, next())),
    close: () => rm(root, { recursive: true, force: true }),
  };
};

const http = async (): Promise<StoreKind> => {
  const root = await mkdtemp(join(tmpdir(), "zarrkit-conformance-http-"));
  const server = await startHttpServer(root);
  return {
    name: "http",
    async withFiles(files) {
      const name = next();
      await writeTree(join(root, name), files);
      return new FetchStore(`${server.url}${name}/`);
    },
    async close() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};

const zip = async (): Promise<StoreKind> => {
  const pack = async (writer: ZipWriter) =>
    new ZipStore(new MemoryStore(new Map([["a.zip", writer.toZip()]])), "a.zip");
  return {
    name: "zip",
    async withFiles(files) {
      const writer = new ZipWriter();
      for (const [key, bytes] of files) await writer.set(key, bytes);
      return pack(writer);
    },
    empty: async () => new ZipWriter(),
    forReading: async (written) => (written instanceof ZipWriter ? pack(written) : written),
    close: async () => {},
  };
};

const s3 = async (): Promise<StoreKind | SkippedKind> => {
  const server = await startS3Server();
  if (server === undefined) return { name: "s3", reason: "moto_server is not installed" };
  const bucket = await server.createBucket();
  const make = () =>
    new S3Store({
      bucket,
      prefix: next(),
      endpoint: server.endpoint,
      region: server.region,
      credentials: server.credentials,
    });
  return {
    name: "s3",
    async withFiles(files) {
      const store = make();
      await Promise.all([...files].map(([key, bytes]) => store.set(key, bytes)));
      return store;
    },
    empty: async () => make(),
    close: () => server.close(),
  };
};

const BUILT_IN: Record<string, () => Promise<StoreKind | SkippedKind>> = {
  memory,
  filesystem,
  http,
  zip,
  s3,
};
export const BUILT_IN_STORE_KINDS = Object.keys(BUILT_IN);

/** A registered store extension that can make test instances (third parties' stores). */
function fromExtension(name: string, make: () => Promise<StoreTestInstance>): StoreKind {
  const instances: StoreTestInstance[] = [];
  const fresh = async () => {
    const instance = await make();
    instances.push(instance);
    const { store } = instance;
    if (!isWritable(store)) throw new Error(`store "${name}": its test instance cannot be written`);
    return store;
  };
  return {
    name,
    async withFiles(files) {
      const store = await fresh();
      for (const [key, bytes] of files) await store.set(key, bytes);
      return store;
    },
    empty: fresh,
    async close() {
      await Promise.all(instances.map((i) => i.teardown()));
    },
  };
}

function isKind(value: StoreKind | SkippedKind): value is StoreKind {
  return "withFiles" in value;
}

/**
 * The store kinds to run: the built-in ones named in `names` (all by default) and every
 * registered store extension with a `testInstance` that is not built in.
 */
export async function openStoreKinds(
  registry: Registry,
  names: readonly string[] | undefined,
): Promise<{ kinds: StoreKind[]; skipped: SkippedKind[] }> {
  const kinds: StoreKind[] = [];
  const skipped: SkippedKind[] = [];
  const builtIns = new Set(["file", "filesystem", "http", "zip", "s3", "memory"]);
  const extensionKinds = registry
    .list("store")
    .filter((e) => !builtIns.has(e.name) && e.testInstance !== undefined);
  const wanted = names ?? [...BUILT_IN_STORE_KINDS, ...extensionKinds.map((e) => e.name)];
  for (const name of wanted) {
    const builtIn = BUILT_IN[name];
    if (builtIn !== undefined) {
      try {
        const kind = await builtIn();
        if (isKind(kind)) kinds.push(kind);
        else skipped.push(kind);
      } catch (err) {
        skipped.push({ name, reason: err instanceof Error ? err.message : String(err) });
      }
      continue;
    }
    const extension = extensionKinds.find((e) => e.name === name);
    if (extension?.testInstance === undefined) {
      skipped.push({
        name,
        reason: `no store kind "${name}" (and no registered store with a testInstance)`,
      });
      continue;
    }
    const testInstance = extension.testInstance.bind(extension);
    kinds.push(fromExtension(name, testInstance));
  }
  return { kinds, skipped };
}
