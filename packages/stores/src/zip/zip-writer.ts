import { MemoryStore, UnsupportedFeatureError } from "@zarrkit/core";
import { crc32 } from "./crc32.js";

/**
 * A writable store that becomes a zip archive: write a hierarchy into it like any store, then
 * `toZip()` gives the archive (entries stored, not deflated: Zarr chunks are compressed already,
 * and stored entries can be read by range).
 */
export class ZipWriter extends MemoryStore {
  toZip(): Uint8Array {
    const encoder = new TextEncoder();
    const entries = [...this.map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const parts: Uint8Array[] = [];
    const central: Uint8Array[] = [];
    let offset = 0;
    for (const [key, value] of entries) {
      const name = encoder.encode(key);
      if (value.length >= 0xffffffff || offset >= 0xffffffff) {
        throw new UnsupportedFeatureError("zip archives over 4 GiB (zip64) cannot be written yet");
      }
      const crc = crc32(value);
      const local = new Uint8Array(30 + name.length);
      const lv = new DataView(local.buffer);
      lv.setUint32(0, 0x04034b50, true);
      lv.setUint16(4, 20, true); // version needed
      lv.setUint16(6, 0x0800, true); // names are UTF-8
      lv.setUint16(8, 0, true); // stored
      lv.setUint16(12, 0x21, true); // 1980-01-01
      lv.setUint32(14, crc, true);
      lv.setUint32(18, value.length, true);
      lv.setUint32(22, value.length, true);
      lv.setUint16(26, name.length, true);
      local.set(name, 30);
      const record = new Uint8Array(46 + name.length);
      const cv = new DataView(record.buffer);
      cv.setUint32(0, 0x02014b50, true);
      cv.setUint16(4, 20, true);
      cv.setUint16(6, 20, true);
      cv.setUint16(8, 0x0800, true);
      cv.setUint16(10, 0, true);
      cv.setUint16(14, 0x21, true);
      cv.setUint32(16, crc, true);
      cv.setUint32(20, value.length, true);
      cv.setUint32(24, value.length, true);
      cv.setUint16(28, name.length, true);
      cv.setUint32(42, offset, true);
      record.set(name, 46);
      parts.push(local, value);
      central.push(record);
      offset += local.length + value.length;
    }
    const directorySize = central.reduce((n, r) => n + r.length, 0);
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, entries.length, true);
    ev.setUint16(10, entries.length, true);
    ev.setUint32(12, directorySize, true);
    ev.setUint32(16, offset, true);
    if (entries.length > 0xffff)
      throw new UnsupportedFeatureError(
        "zip archives of over 65535 entries (zip64) cannot be written yet",
      );
    const out = new Uint8Array(offset + directorySize + 22);
    let at = 0;
    for (const part of [...parts, ...central, end]) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
