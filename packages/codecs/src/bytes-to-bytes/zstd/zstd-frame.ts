/**
 * The decompressed size a zstd frame declares in its header (RFC 8878, 3.1.1.1), or undefined
 * when the frame does not say. Read before decompressing, so a frame that claims more than the
 * chunk can hold is refused without allocating.
 */
export function zstdFrameContentSize(bytes: Uint8Array): number | undefined {
  if (bytes.length < 5) return undefined;
  const magic = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
  if (magic !== 0xfd2fb528) return undefined;
  const descriptor = bytes[4]!;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictFlag = descriptor & 3;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]!;
  if (at + fcsBytes > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, fcsBytes);
  switch (fcsBytes) {
    case 1:
      return view.getUint8(0);
    case 2:
      return view.getUint16(0, true) + 256;
    case 4:
      return view.getUint32(0, true);
    default: {
      const size = view.getBigUint64(0, true);
      return size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
    }
  }
}
