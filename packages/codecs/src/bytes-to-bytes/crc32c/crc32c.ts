let tables: Uint32Array[] | undefined;

/** The eight lookup tables, built on first use (not with every import of the package). */
function lookupTables(): Uint32Array[] {
  if (tables !== undefined) return tables;
  const built = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    built[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = built[0]![n]!;
    for (let t = 1; t < 8; t++) {
      c = built[0]![c & 0xff]! ^ (c >>> 8);
      built[t]![n] = c >>> 0;
    }
  }
  tables = built;
  return built;
}

/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8: eight table lookups per
 * eight input bytes instead of one per byte.
 */
export function crc32c(bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = lookupTables() as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let crc = 0xffffffff;
  let i = 0;
  const n = bytes.length;
  for (; i + 8 <= n; i += 8) {
    const a =
      crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[bytes[i + 4]!]! ^
      t2[bytes[i + 5]!]! ^
      t1[bytes[i + 6]!]! ^
      t0[bytes[i + 7]!]!;
  }
  for (; i < n; i++) crc = t0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
