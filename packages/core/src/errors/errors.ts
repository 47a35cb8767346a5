/**
 * One error class per failure kind. Each carries a stable `code`; `isZarrkitError` checks a
 * registered symbol rather than `instanceof`, so it narrows across duplicate installs of core.
 */
const brand = Symbol.for("zarrkit.error");

export type ZarrkitErrorCode =
  | "NodeNotFound"
  | "InvalidMetadata"
  | "UnknownExtension"
  | "UnsupportedFeature"
  | "ChecksumMismatch"
  | "CorruptChunk"
  | "StoreError"
  | "InvalidSelection"
  | "InvalidValue"
  | "NodeExists"
  | "ExtensionConflict"
  | "Aborted"
  | "ValueChanged";

export interface ZarrkitErrorOptions {
  /** The node (array or group) path inside its store, when known. */
  path?: string;
  /** The store key involved, when known. */
  key?: string;
  cause?: unknown;
}

export abstract class ZarrkitError extends Error {
  abstract readonly code: ZarrkitErrorCode;
  readonly path: string | undefined;
  readonly key: string | undefined;
  readonly [brand] = true;

  constructor(message: string, options: ZarrkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.path = options.path;
    this.key = options.key;
  }

  override get name(): string {
    return this.code.endsWith("Error") ? this.code : `${this.code}Error`;
  }

  /**
   * The same kind of error with the node path and key filled in where they were missing, and
   * `prefix` put before the message. Codecs and extensions do not know where they run; the
   * array that called them does.
   */
  withLocation(location: { path?: string; key?: string }, prefix = ""): ZarrkitError {
    // Every subclass takes (message, options); the constructor is the subclass itself.
    const Kind = this.constructor as new (
      message: string,
      options: ZarrkitErrorOptions,
    ) => ZarrkitError;
    return new Kind(`${prefix}${this.message}`, {
      path: this.path ?? location.path,
      key: this.key ?? location.key,
      cause: this,
    });
  }
}

/** No array or group exists at the path. */
export class NodeNotFoundError extends ZarrkitError {
  readonly code = "NodeNotFound";
}
/** A node already exists where one is being created. */
export class NodeExistsError extends ZarrkitError {
  readonly code = "NodeExists";
}
/** A metadata document or extension configuration is malformed; the message names the field. */
export class InvalidMetadataError extends ZarrkitError {
  readonly code = "InvalidMetadata";
}
/** A codec, data type, chunk grid, chunk-key encoding or store scheme is not registered. */
export class UnknownExtensionError extends ZarrkitError {
  readonly code = "UnknownExtension";
}
/** Valid Zarr that this implementation (or this store) cannot handle. */
export class UnsupportedFeatureError extends ZarrkitError {
  readonly code = "UnsupportedFeature";
}
/** A stored checksum does not match the data. */
export class ChecksumMismatchError extends ZarrkitError {
  readonly code = "ChecksumMismatch";
}
/** A stored chunk cannot be decoded into the shape and type the metadata promises. */
export class CorruptChunkError extends ZarrkitError {
  readonly code = "CorruptChunk";
}
/** The store failed for a reason other than "not found". */
export class StoreError extends ZarrkitError {
  readonly code = "StoreError";
}
/** A selection is malformed or out of bounds. */
export class InvalidSelectionError extends ZarrkitError {
  readonly code = "InvalidSelection";
}
/** A value given to `set` (or as a fill value) has the wrong type or shape. */
export class InvalidValueError extends ZarrkitError {
  readonly code = "InvalidValue";
}
/** An extension is already registered under that name (and `override` was not given). */
export class ExtensionConflictError extends ZarrkitError {
  readonly code = "ExtensionConflict";
}
/**
 * A stored value changed between reads that must see one version of it (a shard's index, then
 * its inner chunks): the later read is refused (`StoreGetOptions.ifVersion`), and the reader
 * starts again from the new version.
 */
export class ValueChangedError extends ZarrkitError {
  readonly code = "ValueChanged";
}
/** The operation was cancelled through its AbortSignal. */
export class AbortedError extends ZarrkitError {
  readonly code = "Aborted";
}

export interface ZarrkitErrorLike {
  readonly code: ZarrkitErrorCode;
  readonly path: string | undefined;
  readonly key: string | undefined;
  readonly message: string;
}

/** True for any zarrkit error (from any copy of core); with `code`, only for that kind. */
export function isZarrkitError<C extends ZarrkitErrorCode>(
  err: unknown,
  code?: C,
): err is ZarrkitErrorLike & Error & { readonly code: C } {
  if (typeof err !== "object" || err === null) return false;
  if ((err as { [brand]?: unknown })[brand] !== true) return false;
  return code === undefined || (err as { code?: unknown }).code === code;
}

/** Throws AbortedError if the signal has fired. */
export function throwIfAborted(
  signal: AbortSignal | undefined,
  options: ZarrkitErrorOptions = {},
): void {
  if (signal?.aborted) {
    throw new AbortedError("operation aborted", { ...options, cause: signal.reason });
  }
}
