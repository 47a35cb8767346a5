/**
 * What caches know of the values they hold that another process can make stale (a shard's
 * index, a decoded chunk): the version of the stored value each was made from, where the
 * store tells versions, and when it was read (nextSequence's count, taken before the read).
 * Keyed by the cached object itself, so it goes when the object does.
 */
export class CacheFreshness {
  readonly #versions = new WeakMap<object, string>();
  readonly #readAt = new WeakMap<object, number>();

  /** `value` was made from the stored value of `version` (if known), read at `readAt`. */
  note(value: object, readAt: number, version: string | undefined): void {
    this.#readAt.set(value, readAt);
    if (version !== undefined) this.#versions.set(value, version);
  }

  /**
   * Whether a cached `value` still stands: where the store tells versions, when it was made
   * from the version stored now (`version`); else when it was read after `openedAt` (an array
   * sees what other processes wrote before it was opened).
   */
  stands(
    value: object,
    now: { readonly versioned: boolean; readonly version?: string; readonly openedAt: number },
  ): boolean {
    if (now.versioned)
      return now.version !== undefined && this.#versions.get(value) === now.version;
    return (this.#readAt.get(value) ?? 0) > now.openedAt;
  }
}

/** The one record every cache of a process shares (its values are distinct objects). */
export const cacheFreshness = new CacheFreshness();
