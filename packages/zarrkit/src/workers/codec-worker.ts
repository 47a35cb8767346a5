// A worker thread of WorkerPool: rebuilds the registry from the extension modules it is given and
// runs bytes->bytes codec chains on the chunks it is sent.
import { parentPort, workerData } from "node:worker_threads";
import {
  answerCodecRequest,
  BytesChainExecutor,
  type CodecWorkerRequest,
  type CodecWorkerStatus,
  coreExtension,
  createRegistry,
  type Extension,
  type Registry,
} from "@zarrkit/core";

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
  const registry = loadRegistry(extensions);
  const executor = new BytesChainExecutor(registry);
  registry.then(
    () => port.postMessage({ ready: true } satisfies CodecWorkerStatus),
    (err: unknown) =>
      port.postMessage({
        ready: false,
        why: err instanceof Error ? err.message : String(err),
      } satisfies CodecWorkerStatus),
  );
  port.on("message", (request: CodecWorkerRequest) =>
    answerCodecRequest(executor, request, (reply, transfer) => port.postMessage(reply, transfer)),
  );
}
