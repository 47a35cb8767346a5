import {
  type BytesToBytesCodec,
  type CodecExtension,
  InvalidMetadataError,
  type JsonObject,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";
import type { Runs } from "../byte-runs.js";
import type { DeflateBackend, ZlibFormat } from "./deflate-backend.js";

/** Reads `{level: 0..9}` and nothing else. */
export function parseLevel(
  name: string,
  configuration: JsonObject | undefined,
  required: boolean,
): number {
  onlyFields(name, configuration, ["level"]);
  const level = configuration?.level;
  if (level === undefined && !required) return 1;
  if (typeof level !== "number" || !Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidMetadataError(
      `codec "${name}": configuration.level must be an integer 0..9, got ${JSON.stringify(level ?? null)}`,
    );
  }
  return level;
}

/** A DEFLATE-family codec: `gzip` (v3 core) or numcodecs' `zlib`, on a DeflateBackend. */
export class DeflateCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name: string;
  readonly format: ZlibFormat;
  readonly level: number;
  readonly #backend: DeflateBackend;
  /** Straight into the caller's buffer, where the backend can (only then: no copy is added). */
  readonly decodeInto?: (bytes: Uint8Array, target: Uint8Array) => Promise<void>;
  readonly decodeIntoRuns?: (bytes: Uint8Array, runs: Runs) => Promise<void>;
  readonly decodeIntoStrided?: (bytes: Uint8Array, runs: Runs) => Promise<void>;
  readonly decodeSelectedInto?: BytesToBytesCodec["decodeSelectedInto"];
  readonly decodeFileSelectedInto?: BytesToBytesCodec["decodeFileSelectedInto"];
  readonly decodeFileSelectedManyInto?: BytesToBytesCodec["decodeFileSelectedManyInto"];
  readonly encodeRuns?: (runs: Runs) => Promise<Uint8Array>;
  readonly encodeStrided?: (runs: Runs) => Promise<Uint8Array>;
  readonly encodeStridedMany?: BytesToBytesCodec["encodeStridedMany"];

  constructor(name: string, format: ZlibFormat, level: number, backend: DeflateBackend) {
    this.name = name;
    this.format = format;
    this.level = level;
    this.#backend = backend;
    const { decodeInto, decodeIntoRuns, decodeSelected, decodeFileSelected, encodeRuns } = backend;
    if (decodeInto !== undefined)
      this.decodeInto = (bytes, target) => decodeInto.call(backend, format, name, bytes, target);
    if (decodeIntoRuns !== undefined) {
      this.decodeIntoRuns = (bytes, runs) =>
        decodeIntoRuns.call(backend, format, name, bytes, runs);
      this.decodeIntoStrided = this.decodeIntoRuns;
    }
    if (decodeSelected !== undefined)
      this.decodeSelectedInto = (bytes, size, from, to) =>
        decodeSelected.call(backend, format, name, bytes, size, from, to);
    if (decodeFileSelected !== undefined)
      this.decodeFileSelectedInto = (file, size, from, to) =>
        decodeFileSelected.call(backend, format, name, file, size, from, to);
    const { decodeFileSelectedMany } = backend;
    if (decodeFileSelectedMany !== undefined)
      this.decodeFileSelectedManyInto = (paths, size, from, to, slices) =>
        decodeFileSelectedMany.call(backend, format, name, paths, size, from, to, slices);
    if (encodeRuns !== undefined) {
      this.encodeRuns = (runs) => encodeRuns.call(backend, format, runs, level);
      this.encodeStrided = this.encodeRuns;
    }
    const { encodeMany } = backend;
    if (encodeMany !== undefined)
      this.encodeStridedMany = (runs, offsets) =>
        encodeMany.call(backend, format, runs, offsets, level);
  }

  toConfig() {
    return { name: this.name, configuration: { level: this.level } };
  }

  encode(bytes: Uint8Array): Promise<Uint8Array> {
    return this.#backend.encode(this.format, bytes, this.level);
  }

  decode(bytes: Uint8Array, decodedSize: number | undefined): Promise<Uint8Array> {
    return this.#backend.decode(this.format, this.name, bytes, decodedSize);
  }
}

/** `gzip` and `numcodecs.zlib` on the given backend. */
export function deflateCodecExtensions(backend: DeflateBackend): {
  gzip: CodecExtension;
  zlib: CodecExtension;
} {
  return { gzip: gzipExtension(backend), zlib: zlibExtension(backend) };
}

const gzipExtension = (backend: DeflateBackend): CodecExtension => ({
  kind: "codec",
  name: "gzip",
  aliases: ["numcodecs.gzip"],
  codecKind: "bytes_to_bytes",
  fromConfig: (configuration) =>
    new DeflateCodec("gzip", "gzip", parseLevel("gzip", configuration, true), backend),
  fromV2: ({ id: _id, ...configuration }) => ({
    name: "gzip",
    configuration: { level: parseLevel("gzip", configuration, false) },
  }),
  toV2: (configuration) => ({ id: "gzip", level: parseLevel("gzip", configuration, true) }),
  samples: [{ level: 0 }, { level: 5 }, { level: 9 }],
  dataTypes: "all",
});

const zlibExtension = (backend: DeflateBackend): CodecExtension => ({
  kind: "codec",
  name: "numcodecs.zlib",
  aliases: ["zlib"],
  codecKind: "bytes_to_bytes",
  fromConfig: (configuration) =>
    new DeflateCodec(
      "numcodecs.zlib",
      "zlib",
      parseLevel("numcodecs.zlib", configuration, false),
      backend,
    ),
  fromV2: ({ id: _id, ...configuration }) => ({
    name: "numcodecs.zlib",
    configuration: { level: parseLevel("zlib", configuration, false) },
  }),
  samples: [{ level: 1 }, { level: 6 }],
  dataTypes: "all",
});
