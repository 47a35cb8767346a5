import { coreExtension } from "../core-extension.js";
import type { Extension } from "../registry/extension.js";
import { createRegistry } from "../registry/registry.js";
import type { BytesChainJob, CodecRunner } from "./codec-runner.js";
import {
  answerCodecRequest,
  BytesChainExecutor,
  bytesToPost,
  type CodecWorkerReply,
  type CodecWorkerRequest,
  type CodecWorkerStatus,
  PendingReplies,
} from "./codec-worker-protocol.js";

/** The part of a browser `Worker` (or anything shaped like one) the pool uses. */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "error", listener: (event: unknown) => void): void;
  terminate(): void;
}

export interface WebWorkerPoolOptions {
  /** Workers to start (default: the platform's hardware concurrency, else 2). */
  threads?: number;
  /** Chunks decoding to fewer bytes stay on the calling thread (default 256 KiB). */
  minBytes?: number;
}

interface Slot {
  readonly worker: WebWorkerLike;
  ready: boolean;
  inFlight: number;
}

/**
 * Runs chunks' bytes->bytes codecs (decompression, checksums) on Web Workers, so that a browser
 * page decodes on every core and its main thread stays free. `createWorker` starts one worker
 * whose script calls `serveCodecWorker` with the extensions the page uses (a bundler builds
 * it: `new Worker(new URL("./codec-worker.js", import.meta.url), {type: "module"})`). Workers
 * start on first use; chains run on the calling thread until they have booted, and whenever a
 * worker could not load its registry.
 */
export class WebWorkerPool implements CodecRunner {
  readonly minBytes: number;
  readonly #threads: number;
  readonly #createWorker: () => WebWorkerLike;
  #slots: Slot[] | undefined;
  #usable = true;
  #jobs = 0;
  readonly #booted: Promise<void>;
  #boot: () => void = () => undefined;
  readonly #pending = new PendingReplies();

  constructor(createWorker: () => WebWorkerLike, options: WebWorkerPoolOptions = {}) {
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency;
    this.#threads = Math.max(1, options.threads ?? cores ?? 2);
    this.minBytes = options.minBytes ?? 256 << 10;
    this.#createWorker = createWorker;
    this.#booted = new Promise((resolve) => {
      this.#boot = resolve;
    });
  }

  /** Starts the workers now (else on first use); resolves once each has answered. */
  ready(): Promise<void> {
    this.#start();
    return this.#booted;
  }

  /** Chains run on the workers so far. */
  get jobs(): number {
    return this.#jobs;
  }

  #start(): Slot[] {
    this.#slots ??= Array.from({ length: this.#threads }, () => {
      const worker = this.#createWorker();
      const slot: Slot = { worker, ready: false, inFlight: 0 };
      let answered = false;
      worker.addEventListener("message", (event) => {
        if (!answered) {
          answered = true;
          const status = event.data as CodecWorkerStatus;
          slot.ready = status.ready;
          if (!status.ready) this.#usable = false;
          if (this.#slots?.every((s) => s.ready || !this.#usable)) this.#boot();
          return;
        }
        this.#settle(slot, event.data as CodecWorkerReply);
      });
      worker.addEventListener("error", () => {
        // A worker that fails takes its jobs with it: fail them, and run later chains locally.
        this.#usable = false;
        this.#boot();
        this.#pending.failAll(new Error("a codec worker failed"));
      });
      return slot;
    });
    return this.#slots;
  }

  #settle(slot: Slot, reply: CodecWorkerReply): void {
    if (this.#pending.settle(reply)) slot.inFlight--;
  }

  async #run(
    op: CodecWorkerRequest["op"],
    job: BytesChainJob,
    given: Uint8Array,
    owned: boolean,
  ): Promise<Uint8Array | undefined> {
    if (!this.#usable) return undefined;
    const ready = this.#start().filter((s) => s.ready);
    if (ready.length === 0) return undefined;
    const slot = ready.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const bytes = bytesToPost(given, owned);
    slot.inFlight++;
    this.#jobs++;
    const { id, answer } = this.#pending.track();
    const request: CodecWorkerRequest = { id, op, job, bytes };
    slot.worker.postMessage(request, bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []);
    return answer;
  }

  decode(job: BytesChainJob, bytes: Uint8Array, owned: boolean): Promise<Uint8Array | undefined> {
    return this.#run("decode", job, bytes, owned);
  }

  encode(job: BytesChainJob, bytes: Uint8Array, owned: boolean): Promise<Uint8Array | undefined> {
    return this.#run("encode", job, bytes, owned);
  }

  /** Stops the workers (chains still on them fail); chains sent afterwards run on the caller. */
  close(): void {
    for (const slot of this.#slots ?? []) slot.worker.terminate();
    this.#slots = undefined;
    this.#usable = false;
    this.#boot();
    this.#pending.failAll(new Error("the codec worker pool was closed"));
  }
}

/** The part of a worker's global scope `serveCodecWorker` uses. */
export interface WorkerScopeLike {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
}

/**
 * The body of a Web Worker for `WebWorkerPool`: builds a registry of core and `extensions`
 * (the ones the page registers), says it is ready, then runs the chains it is sent.
 */
export function serveCodecWorker(scope: WorkerScopeLike, extensions: readonly Extension[]): void {
  let executor: BytesChainExecutor;
  try {
    executor = new BytesChainExecutor(createRegistry(coreExtension, ...extensions));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    scope.postMessage({ ready: false, why } satisfies CodecWorkerStatus, []);
    return;
  }
  scope.addEventListener("message", (event) => {
    void answerCodecRequest(executor, event.data as CodecWorkerRequest, (reply, transfer) =>
      scope.postMessage(reply, transfer),
    );
  });
  scope.postMessage({ ready: true } satisfies CodecWorkerStatus, []);
}
