import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import {
  type BytesChainJob,
  bytesToPost,
  type CodecRunner,
  type CodecWorkerReply,
  type CodecWorkerRequest,
  type CodecWorkerStatus,
  PendingReplies,
  type Registry,
} from "@zarrkit/core";

export interface WorkerPoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number;
  /** Chunks decoding to fewer bytes stay on the calling thread (default 256 KiB). */
  minBytes?: number;
  /**
   * Bytes of chunks to process on the calling thread before starting the workers (default
   * 256 MiB): booting them competes for the cores, which a short-lived process never earns back.
   */
  startAfterBytes?: number;
}

let workerThreads: Promise<typeof import("node:worker_threads")> | undefined;

/** node:worker_threads, imported when the first pool starts (~4 ms of every import otherwise). */
function loadWorkerThreads() {
  workerThreads ??= import("node:worker_threads");
  return workerThreads;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  inFlight: number;
}

/**
 * Runs chunks' bytes->bytes codecs (decompression, checksums) on worker threads, so that they
 * use every core. Each worker rebuilds the registry from the extensions' module URLs; when one
 * cannot (an extension made at run time has no importable module), the pool says so and the
 * pipeline runs the chain itself. Workers start on first use, chains run on the calling thread
 * until they have booted, and idle workers never keep the process alive.
 */
export class WorkerPool implements CodecRunner {
  readonly minBytes: number;
  readonly #threads: number;
  readonly #startAfterBytes: number;
  #offered = 0;
  readonly #extensions: { name: string; module: string }[];
  #slots: Slot[] | undefined;
  #usable = true;
  #jobs = 0;
  readonly #pending = new PendingReplies();

  constructor(registry: Registry, options: WorkerPoolOptions = {}) {
    this.#threads = Math.max(1, options.threads ?? availableParallelism());
    this.minBytes = options.minBytes ?? 256 << 10;
    this.#startAfterBytes = options.startAfterBytes ?? 256 << 20;
    // Workers run codec chains: bundles with neither codecs nor data types (stores) stay out,
    // since every module imported is boot time.
    this.#extensions = registry
      .bundles()
      .filter((e) => (e.codecs?.length ?? 0) + (e.dataTypes?.length ?? 0) > 0)
      .map((e) => ({ name: e.name, module: e.module }));
  }

  #start(api: typeof import("node:worker_threads")): Slot[] {
    if (this.#slots !== undefined) return this.#slots;
    const slots: Slot[] = [];
    try {
      while (slots.length < this.#threads) slots.push(this.#boot(api));
    } catch {
      // A worker could not be made (node:worker_threads refusing the process's flags, a
      // missing file): no pool, chains run on the calling thread as they would without one.
      for (const slot of slots) void slot.worker.terminate();
      this.#usable = false;
      slots.length = 0;
    }
    this.#slots = slots;
    return slots;
  }

  #boot(api: typeof import("node:worker_threads")): Slot {
    // Flags about how the main script is read (node --input-type=module -e ...) are not ours.
    const flags = process.execArgv.filter((a) => !a.startsWith("--input-type"));
    const options = { workerData: { extensions: this.#extensions } };
    const url = new URL("./codec-worker.js", import.meta.url);
    let worker: Worker;
    try {
      worker = new api.Worker(url, { ...options, execArgv: flags });
    } catch (err) {
      // Flags that only a whole process takes (--title, --perf-basic-prof...): the worker goes
      // without.
      if (!(err instanceof Error && "code" in err && err.code === "ERR_WORKER_INVALID_EXEC_ARGV"))
        throw err;
      worker = new api.Worker(url, { ...options, execArgv: [] });
    }
    worker.unref();
    // A worker that dies takes its jobs with it: fail them, and run later chains locally.
    worker.once("exit", (code) => {
      this.#usable = false;
      if (code === 0) return;
      this.#pending.failAll(new Error(`a codec worker exited with code ${code}`));
    });
    const slot: Slot = { worker, ready: false, inFlight: 0 };
    worker.once("message", (status: CodecWorkerStatus) => {
      if (!status.ready) this.#usable = false;
      slot.ready = status.ready;
      worker.on("message", (reply: CodecWorkerReply) => this.#settle(slot, reply));
      // Adding a message listener refs the worker again: idle, it must not hold the process.
      if (slot.inFlight === 0) worker.unref();
    });
    worker.once("error", () => {
      this.#usable = false;
    });
    return slot;
  }

  #settle(slot: Slot, reply: CodecWorkerReply): void {
    if (this.#pending.settle(reply) && --slot.inFlight === 0) slot.worker.unref();
  }

  async #run(
    op: CodecWorkerRequest["op"],
    job: BytesChainJob,
    given: Uint8Array,
    owned: boolean,
  ): Promise<Uint8Array | undefined> {
    if (!this.#usable) return undefined;
    if (this.#slots === undefined) {
      this.#offered += given.byteLength;
      if (this.#offered < this.#startAfterBytes) return undefined;
    }
    // Until a worker has booted (imported the extensions), chains run on the calling thread:
    // short-lived processes never wait for workers.
    const ready = this.#start(await loadWorkerThreads()).filter((s) => s.ready);
    if (ready.length === 0) return undefined;
    const slot = ready.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const bytes = bytesToPost(given, owned);
    slot.inFlight++;
    this.#jobs++;
    // A job in flight keeps the process alive until its answer arrives.
    slot.worker.ref();
    const { id, answer } = this.#pending.track();
    const transfer = bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
    slot.worker.postMessage({ id, op, job, bytes } satisfies CodecWorkerRequest, transfer);
    return answer;
  }

  /** Chains run on the workers so far. */
  get jobs(): number {
    return this.#jobs;
  }

  decode(job: BytesChainJob, bytes: Uint8Array, owned: boolean): Promise<Uint8Array | undefined> {
    return this.#run("decode", job, bytes, owned);
  }

  encode(job: BytesChainJob, bytes: Uint8Array, owned: boolean): Promise<Uint8Array | undefined> {
    return this.#run("encode", job, bytes, owned);
  }

  /** Stops the workers; chains sent afterwards run on the calling thread. */
  async close(): Promise<void> {
    const slots = this.#slots ?? [];
    this.#slots = undefined;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
