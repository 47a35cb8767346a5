// A worker thread of WorkerPool: rebuilds the registry from the extension modules it is given and
// runs bytes->bytes codec chains on the chunks it is sent.
import { parentPort, workerData } from "node:worker_threads";
import {
  type BytesChainJob,
  type BytesToBytesCodec,
  coreExtension,
  createRegistry,
  type Extension,
  isZarrkitError,
  type Registry,
} from "@zarrkit/core";

export interface WorkerRequest {
  readonly id: number;
  readonly op: "decode" | "encode";
  readonly job: BytesChainJob;
  readonly bytes: Uint8Array;
}

export type WorkerReply =
  | { readonly id: number; readonly bytes: Uint8Array }
  | { readonly id: number; readonly error: { message: string; code?: string } };

export type WorkerStatus =
  | { readonly ready: true }
  | { readonly ready: false; readonly why: string };

function isExtension(value: unknown, name: string): value is Extension {
  return (
    typeof value === "object" &&
    value !== null &&
    "name" in value &&
    value.name === name &&
    "module" in value
  );
}

async function loadRegistry(
  extensions: readonly { name: string; module: string }[],
): Promise<Registry> {
  const loaded: Extension[] = [coreExtension];
  for (const { name, module } of extensions) {
    if (name === coreExtension.name) continue;
    const namespace: Record<string, unknown> = await import(module);
    const extension = [namespace.default, ...Object.values(namespace)].find((v) =>
      isExtension(v, name),
    );
    if (extension === undefined) throw new Error(`${module} exports no extension "${name}"`);
    loaded.push(extension);
  }
  return createRegistry(...loaded);
}

const port = parentPort;
if (port !== null) {
  const extensions: { name: string; module: string }[] = workerData.extensions;
  const chains = new Map<string, Promise<BytesToBytesCodec[]>>();
  const registry = loadRegistry(extensions);
  registry.then(
    () => port.postMessage({ ready: true } satisfies WorkerStatus),
    (err: unknown) =>
      port.postMessage({
        ready: false,
        why: err instanceof Error ? err.message : String(err),
      } satisfies WorkerStatus),
  );

  const chainFor = (job: BytesChainJob): Promise<BytesToBytesCodec[]> => {
    const key = JSON.stringify([
      job.codecs,
      job.spec.shape,
      job.spec.dataType,
      Array.from(job.spec.fillValue),
    ]);
    let chain = chains.get(key);
    if (chain === undefined) {
      chain = (async () => {
        const reg = await registry;
        const dataType = reg
          .get("data-type", job.spec.dataType)
          .fromConfig(job.spec.dataType, undefined);
        const spec = { shape: job.spec.shape, dataType, fillValue: job.spec.fillValue };
        return Promise.all(
          job.codecs.map(async (config) => {
            const codec = await reg
              .get("codec", config.name)
              .fromConfig(config.configuration, { spec, registry: reg });
            if (codec.kind !== "bytes_to_bytes")
              throw new Error(`${config.name} is not a bytes->bytes codec`);
            return codec;
          }),
        );
      })();
      chains.set(key, chain);
    }
    return chain;
  };

  port.on("message", async (request: WorkerRequest) => {
    try {
      const codecs = await chainFor(request.job);
      let bytes = request.bytes;
      if (request.op === "decode")
        for (let i = codecs.length - 1; i >= 0; i--)
          bytes = await codecs[i]!.decode(bytes, request.job.sizes[i]);
      else for (const codec of codecs) bytes = await codec.encode(bytes);
      // Hand back memory of its own, so that it can be transferred.
      const own =
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? bytes
          : bytes.slice();
      port.postMessage(
        { id: request.id, bytes: own } satisfies WorkerReply,
        own.buffer instanceof ArrayBuffer ? [own.buffer] : [],
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      port.postMessage({
        id: request.id,
        error: isZarrkitError(err) ? { message, code: err.code } : { message },
      } satisfies WorkerReply);
    }
  });
}
