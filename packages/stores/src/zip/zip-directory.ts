import { CorruptChunkError } from "@zarrkit/core";

/** One file in a zip archive, from its central directory record. */
export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;

/** Where the central directory is, found in the archive's tail (the last ≤ 65557 bytes). */
export interface DirectoryLocation {
  readonly offset: number;
  readonly size: number;
  /** A zip64 end record to read first (its offset), when the classic one overflows. */
  readonly zip64RecordOffset?: number;
}

function fail(archive: string, why: string): never {
  throw new CorruptChunkError(`zip archive ${archive}: ${why}`, { key: archive });
}

/** Finds the end-of-central-directory record, scanning back over any archive comment. */
export function locateDirectory(tail: Uint8Array, archive: string): DirectoryLocation {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = tail.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) !== EOCD) continue;
    const commentLength = view.getUint16(at + 20, true);
    if (at + 22 + commentLength !== tail.length) continue;
    const size = view.getUint32(at + 12, true);
    const offset = view.getUint32(at + 16, true);
    if (
      (size === 0xffffffff || offset === 0xffffffff) &&
      at >= 20 &&
      view.getUint32(at - 20, true) === ZIP64_LOCATOR
    ) {
      return { offset, size, zip64RecordOffset: Number(view.getBigUint64(at - 20 + 8, true)) };
    }
    return { offset, size };
  }
  return fail(archive, "no end-of-central-directory record (not a zip file?)");
}

/** The directory's place from a zip64 end record. */
export function readZip64Record(record: Uint8Array, archive: string): DirectoryLocation {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  if (record.length < 56 || view.getUint32(0, true) !== ZIP64_EOCD)
    fail(archive, "bad zip64 end record");
  return { size: Number(view.getBigUint64(40, true)), offset: Number(view.getBigUint64(48, true)) };
}

/** Parses the central directory into entries by name. */
export function parseDirectory(directory: Uint8Array, archive: string): Map<string, ZipEntry> {
  const view = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let at = 0;
  while (at + 46 <= directory.length && view.getUint32(at, true) === CENTRAL) {
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    if (at + 46 + nameLength + extraLength + commentLength > directory.length)
      fail(archive, `central directory record ${entries.size} runs past the directory's end`);
    const name = decoder.decode(directory.subarray(at + 46, at + 46 + nameLength));
    // The zip64 extra field holds, in order, whichever of the three values overflowed.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let p = extra + 4;
        const next = () => {
          const v = Number(view.getBigUint64(p, true));
          p += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      extra += 4 + length;
    }
    if (!name.endsWith("/"))
      entries.set(name, { name, method, compressedSize, size, crc32: crc, localHeaderOffset });
    at = extraEnd + commentLength;
  }
  return entries;
}

/** Length of a local file header (its name and extra field may differ from the central copy). */
export function localHeaderLength(header: Uint8Array, archive: string, name: string): number {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 30 || view.getUint32(0, true) !== 0x04034b50)
    fail(archive, `bad local header for ${name}`);
  return 30 + view.getUint16(26, true) + view.getUint16(28, true);
}
