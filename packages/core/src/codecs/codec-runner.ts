import type { NamedConfig } from "../metadata/named-config.js";

/** A bytes->bytes codec chain, described so that another thread can rebuild it. */
export interface BytesChainJob {
  /** The chain's codecs in stored order (encoding runs them in order, decoding in reverse). */
  readonly codecs: readonly NamedConfig[];
  /** The spec their factories see: the array->bytes codec's decoded side. */
  readonly spec: {
    readonly shape: readonly number[];
    /** As the array's metadata names it: parametrised types need their configuration. */
    readonly dataType: NamedConfig;
    readonly fillValue: Uint8Array;
  };
  /** Decoded size at each stage, innermost first (undefined where not fixed). */
  readonly sizes: readonly (number | undefined)[];
}

/**
 * Runs the bytes->bytes stage of chunk codecs somewhere else, typically a pool of worker
 * threads, so that chunks decompress on every core. Implementations rebuild the chain from the
 * registry's extension modules and fall back to the calling thread when they cannot.
 */
export interface CodecRunner {
  /** Chunks whose decoded size is below this stay on the calling thread. */
  readonly minBytes: number;
  /**
   * The chain's decode (or encode) of `bytes`; undefined when this runner cannot run the chain
   * (its extension modules do not load there, or it is not worth it yet), and the caller runs
   * it itself. When `owned`, a runner may transfer the memory of `bytes` if the view spans all
   * of it; anything else it must copy before handing it to another thread (and only then: the
   * copy is wasted when the caller runs the chain).
   */
  decode(job: BytesChainJob, bytes: Uint8Array, owned: boolean): Promise<Uint8Array | undefined>;
  encode(job: BytesChainJob, bytes: Uint8Array, owned: boolean): Promise<Uint8Array | undefined>;
}
