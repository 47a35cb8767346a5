import {
  ChecksumMismatchError,
  CorruptChunkError,
  InvalidMetadataError,
  isZarrkitError,
  UnsupportedFeatureError,
  type ZarrkitError,
} from "../errors/errors.js";
import type { Registry } from "../registry/registry.js";
import { copyBytes } from "../store/copy-bytes.js";
import type { BytesToBytesCodec } from "./codec.js";
import type { BytesChainJob } from "./codec-runner.js";

/**
 * The messages between a codec runner and its worker threads (Node worker_threads or browser
 * Web Workers): the worker first says whether its registry loaded, then answers each request.
 */
export interface CodecWorkerRequest {
  readonly id: number;
  readonly op: "decode" | "encode";
  readonly job: BytesChainJob;
  readonly bytes: Uint8Array;
}

export type CodecWorkerReply =
  | { readonly id: number; readonly bytes: Uint8Array }
  | { readonly id: number; readonly error: { message: string; code?: string } };

export type CodecWorkerStatus =
  | { readonly ready: true }
  | { readonly ready: false; readonly why: string };

/**
 * Rebuilds and runs bytes->bytes chains described by jobs, with the codecs of `registry`.
 * Chains are built once per distinct job description.
 */
export class BytesChainExecutor {
  readonly #registry: Promise<Registry>;
  readonly #chains = new Map<string, Promise<BytesToBytesCodec[]>>();

  constructor(registry: Registry | Promise<Registry>) {
    this.#registry = Promise.resolve(registry);
  }

  async run(op: "decode" | "encode", job: BytesChainJob, input: Uint8Array): Promise<Uint8Array> {
    const codecs = await this.#chain(job);
    let bytes = input;
    if (op === "decode")
      for (let i = codecs.length - 1; i >= 0; i--)
        bytes = await codecs[i]!.decode(bytes, job.sizes[i]);
    else for (const codec of codecs) bytes = await codec.encode(bytes);
    return bytes;
  }

  #chain(job: BytesChainJob): Promise<BytesToBytesCodec[]> {
    const key = JSON.stringify([
      job.codecs,
      job.spec.shape,
      job.spec.dataType,
      Array.from(job.spec.fillValue),
    ]);
    let chain = this.#chains.get(key);
    if (chain === undefined) {
      chain = (async () => {
        const registry = await this.#registry;
        const { name, configuration } = job.spec.dataType;
        const dataType = registry.dataType(name, configuration);
        const spec = { shape: job.spec.shape, dataType, fillValue: job.spec.fillValue };
        return Promise.all(
          job.codecs.map(async (config) => {
            const codec = await registry
              .get("codec", config.name)
              .fromConfig(config.configuration, { spec, registry });
            if (codec.kind !== "bytes_to_bytes")
              throw new Error(`${config.name} is not a bytes->bytes codec`);
            return codec;
          }),
        );
      })();
      this.#chains.set(key, chain);
    }
    return chain;
  }
}

/** The worker's side: answers every request it is sent, through `post`. */
export async function answerCodecRequest(
  executor: BytesChainExecutor,
  request: CodecWorkerRequest,
  post: (reply: CodecWorkerReply, transfer: ArrayBuffer[]) => void,
): Promise<void> {
  try {
    const bytes = await executor.run(request.op, request.job, request.bytes);
    // Hand back memory of its own, so that it can be transferred.
    const own =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes
        : copyBytes(bytes);
    post({ id: request.id, bytes: own }, own.buffer instanceof ArrayBuffer ? [own.buffer] : []);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    post(
      { id: request.id, error: isZarrkitError(err) ? { message, code: err.code } : { message } },
      [],
    );
  }
}

const ERRORS: Record<string, new (message: string) => ZarrkitError> = {
  CorruptChunk: CorruptChunkError,
  ChecksumMismatch: ChecksumMismatchError,
  InvalidMetadata: InvalidMetadataError,
  UnsupportedFeature: UnsupportedFeatureError,
};

/** The runner's side: the error a failed reply stands for (zarrkit's kind, when it had one). */
export function errorFromReply(error: { message: string; code?: string }): Error {
  const ErrorClass = error.code === undefined ? undefined : ERRORS[error.code];
  return ErrorClass === undefined ? new Error(error.message) : new ErrorClass(error.message);
}

/**
 * The runner's side: requests sent and not yet answered, by id. `track` numbers a request and
 * gives the promise of its answer; `settle` resolves or rejects it from the reply.
 */
export class PendingReplies {
  readonly #pending = new Map<
    number,
    { resolve: (bytes: Uint8Array) => void; reject: (error: unknown) => void }
  >();
  #nextId = 0;

  track(): { id: number; answer: Promise<Uint8Array> } {
    const id = this.#nextId++;
    const answer = new Promise<Uint8Array>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    return { id, answer };
  }

  /** False when the reply answers no request still waiting. */
  settle(reply: CodecWorkerReply): boolean {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return false;
    this.#pending.delete(reply.id);
    if ("bytes" in reply) pending.resolve(reply.bytes);
    else pending.reject(errorFromReply(reply.error));
    return true;
  }

  /** Rejects every request still waiting (its worker is gone). */
  failAll(error: Error): void {
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(error);
    }
  }
}

/**
 * What to post for a job: `given` itself when the caller gave it away (`owned`) and it spans
 * its whole buffer, which is then transferred; otherwise a copy.
 */
export function bytesToPost(given: Uint8Array, owned: boolean): Uint8Array {
  const whole = given.byteOffset === 0 && given.byteLength === given.buffer.byteLength;
  return owned && whole ? given : copyBytes(given);
}
